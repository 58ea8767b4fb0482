"""Console messages of the build driver: one style for all of them."""
import shlex
import sys


def info(msg):
    print(msg, flush=True)


def warn(msg):
    print("build.py: warning: " + msg, file=sys.stderr, flush=True)


def error(msg):
    print("build.py: " + msg, file=sys.stderr, flush=True)


def cmd(argv, verbose):
    if verbose:
        print("+ " + " ".join(shlex.quote(str(a)) for a in argv), file=sys.stderr, flush=True)
