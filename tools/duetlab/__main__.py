"""python3 -m duetlab run-script FILE [--file INSIDE=HOSTPATH ...] | shell"""
import argparse
import sys

from . import Lab


def main():
    p = argparse.ArgumentParser(prog="duetlab")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run-script")
    r.add_argument("script")
    r.add_argument("--file", action="append", default=[], help="INSIDE=HOSTPATH")
    r.add_argument("--timeout", type=float, default=120)
    s = sub.add_parser("shell")
    s.add_argument("--file", action="append", default=[])
    a = p.parse_args()
    files = dict(f.split("=", 1) for f in a.file)
    if a.cmd == "shell":
        return Lab().shell(files)
    res = Lab(verbose=True).run(open(a.script).read(), files, a.timeout)
    sys.stdout.buffer.write(res.stdout)
    sys.stderr.buffer.write(res.stderr)
    for c in res.cases:
        print("case %s: status %s timed_out %s %s ms" % (c.name, c.status, c.timed_out, c.ms))
    return res.status


sys.exit(main())
