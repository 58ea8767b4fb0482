"""What the gdb stub costs a run that does not use it (issue 15's closing note).

    python3 tools/duetbuild/stubcost.py [ROUNDS]

The stub is always compiled in, and `duet run --gdb` holds the guest, so a
run with --gdb is no baseline. What can be compared is the same tree with
the stub's run-time hooks compiled out: this script copies the committed
tree (git archive HEAD) into a temporary folder, replaces each `vm->gdb` /
`o.gdb` test on the run path with a constant (the compiler then drops the
calls), builds that duet, and runs both in one lab boot, interleaved (A B,
B A, ...): exitbench's rows (p50 of each, median over the rounds) and warm
boots of hello (`duet timeit`). Printed: per row A/B (stub in / hooks out)
ratios with each side's spread over its rounds (the noise a ratio must
exceed to mean anything).
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))

# (file, text, replacement): each must match exactly once.
HOOKS = [
    ("host/run/run_loop.c", "vm->gdb ? gdb_stub_interrupted(vm->gdb) : GDB_RUN_RESUME",
     "GDB_RUN_RESUME"),
    ("host/run/run_loop.c", "if (vm->gdb && (status = gdb_stub_debug_exit(vm->gdb)) != GDB_RUN_RESUME)",
     "if (0)"),
    ("host/run/run_loop.c", "if (done && vm->gdb && reason != KVM_EXIT_DEBUG)", "if (0)"),
    ("host/cli/cmd_run.c", "if (o.gdb && !(gdb = gdb_stub_listen(", "if (0 && !(gdb = gdb_stub_listen("),
    ("host/cli/cmd_run.c", "    if (gdb) {\n        if (gdb_stub_attach(", "    if (0) {\n        if (gdb_stub_attach("),
]
ITERATIONS = 2000


def build_without_hooks(tmp):
    src = os.path.join(tmp, "tree")
    os.makedirs(src)
    archive = subprocess.run(["git", "-C", ROOT, "archive", "HEAD"], stdout=subprocess.PIPE,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", src], input=archive, check=True)
    for path, old, new in HOOKS:
        p = os.path.join(src, path)
        text = open(p).read()
        if text.count(old) != 1:
            raise SystemExit("stubcost: %s: the hook %r is not there once (the run loop "
                             "changed: update HOOKS)" % (path, old))
        open(p, "w").write(text.replace(old, new))
    r = subprocess.run([sys.executable, os.path.join(src, "build.py"), "build", "hello"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise SystemExit("stubcost: building the tree without the hooks failed:\n"
                         + r.stdout.decode(errors="replace")[-2000:])
    return os.path.join(src, "build", "host", "duet")


def script(rounds):
    lines = []
    for i in range(rounds):
        order = ("A", "B") if i % 2 == 0 else ("B", "A")
        for who in order:
            exe = "./duet" if who == "A" else "./duet-nostub"
            # a run that hangs is named (status 137), not the whole lab timed out
            lines.append("timeout -s KILL 240 %s run apps/exitbench.duet.elf -- %d > /tmp/eb.out "
                         "2>&1; echo \"exitbench status $?\" >> /tmp/eb.out; sed 's/^/%s /' /tmp/eb.out"
                         % (exe, ITERATIONS, who))
        for _ in range(3):
            for who in order:
                exe = "./duet" if who == "A" else "./duet-nostub"
                lines.append("timeout -s KILL 60 ./duet timeit %s run --quiet apps/hello.duet.elf "
                             "2>&1 >/dev/null | sed 's/^/boot%s /'" % (exe, who))
    return "\n".join(lines) + "\n"


def spread(xs):
    return max(xs) / min(xs) - 1 if xs and min(xs) > 0 else 0.0


def main():
    from duetbuild.bench import exits
    from duetlab import Lab
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    subprocess.run([sys.executable, os.path.join(ROOT, "build.py"), "build", "hello", "exitbench"],
                   check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="duet-stubcost-") as tmp:
        nostub = build_without_hooks(tmp)
        copy = os.path.join(tmp, "duet-nostub")
        shutil.copy(nostub, copy)
        files = {"duet": os.path.join(ROOT, "build", "host", "duet"), "duet-nostub": copy,
                 "apps/exitbench.duet.elf": os.path.join(ROOT, "build", "apps", "exitbench.duet.elf"),
                 "apps/hello.duet.elf": os.path.join(ROOT, "build", "apps", "hello.duet.elf")}
        res = Lab().run(script(rounds), files, timeout=1800)
    text = res.stdout.decode("utf-8", "replace")
    if res.status != 0:
        raise SystemExit("stubcost: the lab run failed (%s):\n%s" % (
            res.status, (text + res.stderr.decode(errors="replace"))[-2000:]))
    per = {"A": {}, "B": {}}
    boots = {"A": [], "B": []}
    for who in "AB":
        for block in re.findall(r"(?m)^%s (.*)$" % who, text):
            rows, _, _ = exits.parse(block)
            for name, row in rows.items():
                per[who].setdefault(name, []).append(row["p50_ns"])
        boots[who] = [float(m) for m in re.findall(
            r"(?m)^boot%s timeit_ms ([\d.]+) status 0" % who, text)]
    for who, st in re.findall(r"(?m)^([AB]) exitbench status (\d+)", text):
        if st != "0":
            print("note: a run of %s's exitbench ended with status %s (137: killed after 240 s)"
                  % ("duet" if who == "A" else "duet-nostub", st))
    print("stub compiled in and unused (A: duet as built) vs its run-time hooks compiled out "
          "(B); one lab boot, %d interleaved rounds of exitbench -- %d" % (rounds, ITERATIONS))
    print("%-22s %12s %12s %8s %9s %9s" % ("row", "A p50 ns", "B p50 ns", "A/B", "spread A",
                                          "spread B"))
    for name in sorted(set(per["A"]) & set(per["B"])):
        a, b = statistics.median(per["A"][name]), statistics.median(per["B"][name])
        print("%-22s %12.0f %12.0f %8.3f %8.1f%% %8.1f%%" % (
            name, a, b, a / b if b else 0, 100 * spread(per["A"][name]),
            100 * spread(per["B"][name])))
    for row in ("hypercall", "hvc_user"):
        if all(row in per[w] and "floor_mmio_exit" in per[w] for w in "AB"):
            ra = statistics.median(per["A"][row]) / statistics.median(per["A"]["floor_mmio_exit"])
            rb = statistics.median(per["B"][row]) / statistics.median(per["B"]["floor_mmio_exit"])
            print("%-22s %12.3f %12.3f %8.3f   (each side's own ratio to its floor MMIO exit)"
                  % (row + " / floor", ra, rb, ra / rb))
    if boots["A"] and boots["B"]:
        a, b = statistics.median(boots["A"]), statistics.median(boots["B"])
        print("%-22s %12.2f %12.2f %8.3f %8.1f%% %8.1f%%   (ms, median, n=%d+%d)" % (
            "boot hello (warm)", a, b, a / b, 100 * spread(boots["A"]), 100 * spread(boots["B"]),
            len(boots["A"]), len(boots["B"])))
        a, b = min(boots["A"]), min(boots["B"])
        print("%-22s %12.2f %12.2f %8.3f   (ms, fastest: what load on the machine leaves alone)"
              % ("boot hello (min)", a, b, a / b))
    return 0


if __name__ == "__main__":
    sys.exit(main())
