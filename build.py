#!/usr/bin/env python3
"""Duet's build driver.

  ./build.py setup                 install dependencies (distro packages)
  ./build.py defconfig [PLATFORM]  start a configuration (default: duet)
  ./build.py menuconfig            edit it
  ./build.py build [APP...]        build the host and guests into build/
  ./build.py run APP [-- ARGS]     build and boot APP, show its output, return its status
  ./build.py run APP --net --port 8080:80    ... reachable here: curl http://localhost:8080/
  ./build.py run APP --gdb         ... held for gdb; gdb-multiarch opens attached (--gdb-port N:
                                   only the stub, on 127.0.0.1:N here)
  ./build.py lab [--script FILE | --shell]
                                   boot the lab with the current build (/duet inside)
  ./build.py test                  unit tests + end-to-end tests; ends "N passed, N failed"
  ./build.py fuzz [SECONDS]        fuzz the host's parsers (default 600 s each)
  ./build.py bench [--compare OLD.json [NEW.json]]
                                   benchmarks into build/bench/; compare two runs
  ./build.py bench --only exits,boot   only those parts (exits, boot, net)
  ./build.py clean                 remove build/

APP is the name of a folder in apps/ or a path to an app folder anywhere.
Options: -v shows every command run.
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(ROOT, "tools"))

from duetbuild import cli  # noqa: E402


# `duet run` options whose value may come as the next word.
VALUE_OPTIONS = ("--env", "--console-limit")


def host_options(parser, extra):
    """The words build.py does not know after `run APP`: duet run's options."""
    opts, i = [], 0
    while i < len(extra):
        w = extra[i]
        if not w.startswith("--"):
            parser.error("'%s': guest arguments go after -- (./build.py run APP -- ARGS)" % w)
        if w in VALUE_OPTIONS:
            if i + 1 >= len(extra):
                parser.error("%s needs a value" % w)
            w, i = w + "=" + extra[i + 1], i + 1
        opts.append(w)
        i += 1
    return opts


def main():
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="show the commands run")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("setup", help="install dependencies")
    p = sub.add_parser("defconfig", help="default configuration for a platform")
    p.add_argument("platform", nargs="?", default="duet")
    sub.add_parser("menuconfig", help="edit the configuration")
    p = sub.add_parser("build", help="build host and guests")
    p.add_argument("apps", nargs="*")
    p = sub.add_parser("run", help="build and run an app")
    p.add_argument("app")
    p.add_argument("--platform", help="override the configured platform")
    p.add_argument("--mem", help="guest RAM, e.g. 64M")
    p.add_argument("--gdb", action="store_true", help="wait for gdb and open gdb-multiarch on it")
    p.add_argument("--gdb-port", type=int, default=None, help="only start the gdb stub on this port")
    p.add_argument("--net", action="store_true",
                   help="a network this machine reaches: the guest's net0 (in the lab: through QEMU)")
    p.add_argument("--port", action="append", default=[], metavar="[tcp:|udp:]HOST:GUEST",
                   help="forward 127.0.0.1:HOST here to the guest's port GUEST (implies --net)")
    p.add_argument("--core-dir", help="on a crash, bring the guest's ELF core back into this directory")
    p.epilog = ("Other options go to `duet run` (--block:NAME=FILE, --net:NAME=TAP, "
                "--env NAME=VALUE, --verbose, ...; see duet run --help), with paths "
                "carried into the lab. Guest arguments go after --: "
                "./build.py run hello -- one two")
    p = sub.add_parser("lab", help="boot the lab with the current build")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--script", help="shell script to run inside (cwd /duet)")
    g.add_argument("--shell", action="store_true", help="interactive shell")
    p = sub.add_parser("test", help="run all tests")
    p.add_argument("--unit", action="store_true", help="only the native unit tests")
    p.add_argument("-k", dest="pattern", help="only tests whose name contains this")
    p = sub.add_parser("fuzz", help="fuzz the host's parsers (libFuzzer)")
    p.add_argument("seconds", nargs="?", type=int, default=600, help="per target")
    p = sub.add_parser("bench", help="run the benchmarks")
    p.add_argument("--compare", nargs="+", metavar="JSON",
                   help="compare OLD.json with NEW.json (default: the last results)")
    p.add_argument("--only", metavar="PARTS",
                   help="comma-separated parts to run: exits, boot, net, files, sockets (default: all)")
    sub.add_parser("clean", help="remove build/")
    argv = sys.argv[1:]
    guest_args = []
    if "--" in argv:  # everything after -- belongs to the guest, untouched
        i = argv.index("--")
        argv, guest_args = argv[:i], argv[i + 1:]
    args, extra = parser.parse_known_args(argv)
    args.host_opts = []
    if extra and args.command == "run":
        args.host_opts = host_options(parser, extra)
    elif extra:
        parser.error("unrecognized arguments: %s" % " ".join(extra))
    if not args.command:
        parser.print_help()
        return 2
    if guest_args and args.command != "run":
        parser.error("only run takes guest arguments after --")
    args.args = guest_args
    return cli.dispatch(ROOT, args)


if __name__ == "__main__":
    sys.exit(main())
