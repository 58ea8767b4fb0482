"""Core-dump cases: crash apps run with `./build.py run APP --core-dir`
(the core comes back from the lab), then gdb-multiarch opens IMAGE + CORE in
batch mode on this machine and must show the crashing frames."""
import os
import shutil
import subprocess

from . import debugrun

NULL_LINE = "return *(volatile int *)0;"


def _line_of(path, text):
    """'FILE:N' for the first line of `path` holding `text` (so no line number goes stale)."""
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if text in line:
                return "%s:%d" % (os.path.basename(path), n)
    raise ValueError("%s: no line with %r" % (path, text))


_CRASH_C = os.path.join(os.path.dirname(__file__), "..", "..", "apps", "crash", "crash.c")

# name, app, guest args, strings gdb must print (in order)
CORE_CASES = [
    ("NULL dereference: bt at the faulting line, a local", "crash", ["null"],
     ["signal SIGSEGV", "in main (argc=2", _line_of(_CRASH_C, NULL_LINE), NULL_LINE[:-1],
      "mode = ", "\"null\"", "pc             0x"]),
    ("stack overflow: the recursion's frames", "crash", ["stack-overflow"],
     ["in recurse (n=", "in recurse (n="]),
    ("bad access: the store in main", "badaccess", [],
     ["in main ()", "badaccess.c:", "*p = 42", "p = 0x1000"]),
    ("abort: the crash path's frames", "abort", [],
     ["signal SIGSEGV", "in crash (why="]),
]

GDB_COMMANDS = ["bt 8", "info locals", "info registers pc sp"]


def run(proj, res, pattern):
    todo = [c for c in CORE_CASES if not (pattern and pattern not in "core: " + c[0])]
    if not todo:
        return
    if not shutil.which("gdb-multiarch"):
        for c in todo:
            res.add("core: " + c[0], "gdb-multiarch is not installed (./build.py setup)")
        return
    for name, app, args, expect in todo:
        out_dir = os.path.join(proj.build_dir, "tests", "cores", app + "-" + "-".join(args))
        shutil.rmtree(out_dir, ignore_errors=True)
        status = debugrun.run_with_core(proj, app, args, None, out_dir, echo=False)
        cores = sorted(os.listdir(out_dir)) if os.path.isdir(out_dir) else []
        if status != 112 or len(cores) != 1:
            res.add("core: " + name, "status %s, cores %s" % (status, cores))
            continue
        image = os.path.join(proj.build_dir, "apps", app + ".duet.elf")
        argv = ["gdb-multiarch", "-nx", "-batch"]
        for c in GDB_COMMANDS:
            argv += ["-ex", c]
        try:
            r = subprocess.run(argv + [image, os.path.join(out_dir, cores[0])],
                               capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            res.add("core: " + name, "gdb-multiarch did not finish in 120 s")
            continue
        text, pos, problem = r.stdout + r.stderr, 0, None
        for e in expect:
            i = text.find(e, pos)
            if i < 0:
                problem = "gdb output lacks %r: %s" % (e, text[-800:])
                break
            pos = i + len(e)
        res.add("core: " + name, problem)
