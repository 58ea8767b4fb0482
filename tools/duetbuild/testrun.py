"""`./build.py test`: native unit tests, tool-mode cases, qemu-virt guests,
and the duet platform's guests in one lab boot. Ends "N passed, N failed"."""
import concurrent.futures
import os
import shlex
import subprocess
import sys

from . import qemunet, runner, ui, usercases
from .testrun_check import check_output

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "e2e"))
import bad_images  # noqa: E402
import cases  # noqa: E402
import gdb_live_cases  # noqa: E402
import portfwd_cases  # noqa: E402
import run_cases  # noqa: E402


class Results:
    def __init__(self):
        self.passed, self.failed = 0, []

    def add(self, name, problem):
        if problem:
            self.failed.append(name)
            print("FAIL %s: %s" % (name, problem), flush=True)
        else:
            self.passed += 1
            print("PASS %s" % name, flush=True)


def unit_programs(proj):
    """The unit test programs the tree builds now (targets.unit_tests and
    tsan_tests), not what build/tests holds: a removed test leaves its
    binary there, which must not run."""
    t = proj.targets
    return sorted(s.output for s in t.unit_tests() + t.tsan_tests())


def unit_tests(proj, res, pattern):
    for exe in unit_programs(proj):
        if pattern and pattern not in exe:
            continue
        if not os.path.exists(exe):  # built just before: a target that made no program
            res.add(os.path.basename(exe), "not built")
            continue
        r = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           cwd=proj.root, timeout=300)
        out = r.stdout.decode("utf-8", "replace")
        if "unexpected memory mapping" in out:  # ThreadSanitizer vs. high ASLR entropy
            r = subprocess.run(["setarch", os.uname().machine, "-R", exe], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, cwd=proj.root, timeout=300)
            out = r.stdout.decode("utf-8", "replace")
        name = os.path.basename(exe)
        seen = 0
        detail = []
        for line in out.splitlines():
            if line.startswith("PASS "):
                res.add("%s: %s" % (name, line[5:]), None)
                seen += 1
            elif line.startswith("FAIL "):
                res.add("%s: %s" % (name, line[5:]), " ".join(detail) or "failed")
                seen += 1
                detail = []
            elif line.startswith("SKIP "):
                print(line)
            else:
                detail.append(line.strip())
        if r.returncode != 0 and not any(l.startswith("FAIL ") for l in out.splitlines()):
            res.add(name, "exited %d without a FAIL line (crash or sanitizer report):\n%s"
                    % (r.returncode, out[-2000:]))
        elif seen == 0:
            res.add(name, "ran no test")


def python_unit_tests(proj, res, pattern):
    """tests/unit/py/test_*.py (unittest), one result per test method, named
    "py: test_FILE: Class.method"."""
    import unittest
    top = os.path.join(proj.root, "tests", "unit", "py")
    tests = unittest.defaultTestLoader.discover(top, top_level_dir=top)

    def flat(suite):
        for t in suite:
            if isinstance(t, unittest.TestSuite):
                yield from flat(t)
            else:
                yield t
    for t in flat(tests):
        mod, cls, meth = t.id().rsplit(".", 2)
        name = "py: %s: %s.%s" % (mod, cls, meth)
        if pattern and pattern not in name:
            continue
        r = unittest.TestResult()
        t.run(r)
        problems = r.failures + r.errors
        res.add(name, problems[0][1].strip().splitlines()[-1] if problems else None)


def _expand(argv, images_dir):
    return [a.replace("{images}", images_dir) for a in argv]


def host_cases(proj, res, images_dir, pattern):
    native = os.path.join(proj.build_dir, "native", "duet")
    for c in cases.HOST_CASES:
        if (pattern and pattern not in c.name) or not c.native:
            continue
        r = subprocess.run([native] + _expand(c.argv, images_dir), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        res.add("native: " + c.name, check_output(r.returncode, r.stdout, r.stderr, c.status,
                                                  c.expect, c.expect_err, c.exact_stdout))


def _guest_problem(c, status, out, err, timed_out):
    if c.timed_out:
        return None if timed_out else "expected a timeout, got status %s" % status
    if timed_out:
        return "timed out after %s s | stdout: %r" % (c.timeout, out[-300:])
    return check_output(status, out, err, c.status, c.expect, c.expect_err, c.exact_stdout)


def qemu_virt_cases(proj, res, pattern):
    todo = [c for c in cases.GUEST_CASES if "qemu-virt" in c.platforms
            and not (pattern and pattern not in c.name)]

    def one(c):
        image = os.path.join(proj.build_dir, "apps", "%s.qemu-virt.elf" % c.app)
        status, out, err = runner.run_qemu_virt(image, c.args, c.timeout, capture=True,
                                                gic=c.qemu_gic)
        timed_out = status == runner.TIMEOUT_STATUS
        return c, _guest_problem(c, status, out, err, timed_out)
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        for c, problem in pool.map(one, todo):
            res.add("qemu-virt: " + c.name, problem)


def lab_cases(proj, res, images, images_dir, pattern):
    guest = [c for c in cases.GUEST_CASES if "duet" in c.platforms
             and not (pattern and pattern not in c.name)]
    host = [c for c in cases.HOST_CASES if c.in_lab and not (pattern and pattern not in c.name)]
    shell = [c for c in cases.SHELL_CASES if not (pattern and pattern not in c.name)]
    if not guest and not host and not shell:
        return
    files = runner.lab_files(proj, images)
    for name in os.listdir(images_dir):
        files["bad/" + name] = os.path.join(images_dir, name)
    lines, table = [], {}
    for i, c in enumerate(guest):
        key = "g%d" % i
        table[key] = c
        cmd = runner.duet_command("%s.duet.elf" % c.app, c.args, c.host_opts)
        lines.append("duet_case %s %d %s" % (key, int(c.timeout), cmd))
    for i, c in enumerate(host):
        key = "h%d" % i
        table[key] = c
        argv = _expand(c.argv, "bad")
        lines.append("duet_case %s 30 ./duet %s" % (key, " ".join(shlex.quote(a) for a in argv)))
    for i, c in enumerate(shell):
        key = "s%d" % i
        table[key] = c
        lines.append("duet_case %s %d sh -c %s" % (key, int(c.timeout), shlex.quote(c.command)))
    total = sum(c.timeout for c in guest + shell) + 30 * len(host) + 120
    lab = runner.lab_instance(proj)
    # ping, nc and ip for the network cases (busybox's lack flood pings and UDP).
    r = lab.run("\n".join(lines) + "\n", files, timeout=total, extra=[lab.nettools_archive()])
    got = {rec.name: rec for rec in r.cases}
    for key, c in table.items():
        rec = got.get(key)
        name = "lab: " + c.name
        if rec is None:
            res.add(name, "no result from the lab (lab status %s, timed out %s): %r"
                    % (r.status, r.timed_out, (r.stdout + r.stderr)[-500:]))
        elif isinstance(c, cases.ShellCase):
            res.add(name, check_output(rec.status, rec.stdout, rec.stderr, c.status, c.expect))
            print("     " + rec.stdout.decode("utf-8", "replace").strip().splitlines()[-1]
                  if rec.stdout.strip() else "", flush=True)
        elif isinstance(c, cases.GuestCase):
            res.add(name, _guest_problem(c, rec.status, rec.stdout, rec.stderr, rec.timed_out))
        else:
            res.add(name, check_output(rec.status, rec.stdout, rec.stderr, c.status,
                                       c.expect, c.expect_err, c.exact_stdout))


def fuzz_short(proj, res, pattern):
    """A short libFuzzer run per target: DUET_FUZZ_SECONDS (default 20) each."""
    from . import fuzz
    seconds = int(os.environ.get("DUET_FUZZ_SECONDS", "20"))
    for exe in fuzz.build(proj):
        name = os.path.basename(exe)
        if pattern and pattern not in name:
            continue
        good, execs, msg = fuzz.run_one(proj, exe, seconds)
        res.add("fuzz: %s (%d s)" % (name, seconds), None if good else msg)
        if good:
            print("     %s: %s" % (name, msg))


BIGROOT_MIB = 52


def bigroot_apps(proj):
    """build/test-apps/bigroot: tests/e2e/bigroot/main.c with a rootfs of
    one BIGROOT_MIB MiB file ending in a marker; build/test-apps/noroot: the
    same program without a rootfs, to compare its boot with."""
    from . import rootfs
    src = os.path.join(proj.root, "tests", "e2e", "bigroot", "main.c")
    d = os.path.join(proj.build_dir, "test-apps")
    return [rootfs.generated_app(os.path.join(d, "bigroot"), src, "data/blob",
                                 BIGROOT_MIB << 20, b"BIGMARK!"),
            rootfs.generated_app(os.path.join(d, "noroot"), src, None, 0)]


def main(proj, unit_only=False, pattern=None):
    res = Results()
    apps = sorted(({c.app for c in cases.GUEST_CASES} - {"bigroot"}) |
                  {"blocktest", "dirtest", "hostile", "pingd", "udpecho", "tcpecho", "httpd",
                   "exitbench", "l2fwd", "sockecho", "socktest", "microsocks", "gdbdemo"})
    images = proj.build(apps, ["duet"], unit=True)
    if not unit_only:  # the same programs natively, for the socket cases (apps/NAME.linux)
        images += proj.build_lab_native(["socktest"])
    proj.build(apps, ["qemu-virt"], host=False, native=False)
    big_cases = [c.name for c in cases.GUEST_CASES + cases.SHELL_CASES if "52 MiB" in c.name]
    if not unit_only and any(not pattern or pattern in n for n in big_cases):
        big = bigroot_apps(proj)
        images += proj.build(big, ["duet"], host=False, native=False)
        proj.build(big[:1], ["qemu-virt"], host=False, native=False)
    unit_tests(proj, res, pattern)
    python_unit_tests(proj, res, pattern)
    fuzz_short(proj, res, pattern)
    if not unit_only:
        images_dir = os.path.join(proj.build_dir, "tests", "images")
        bad_images.make(os.path.join(proj.build_dir, "apps", "hello.duet.elf"), images_dir)
        host_cases(proj, res, images_dir, pattern)
        qemu_virt_cases(proj, res, pattern)
        qemunet.cases_run(proj, res, pattern)
        usercases.run(proj, res, pattern)
        run_cases.run(proj, res, pattern, check_output)
        portfwd_cases.run(proj, res, pattern)
        gdb_live_cases.run(proj, res, pattern)
        lab_cases(proj, res, images, images_dir, pattern)
        from . import coretest
        coretest.run(proj, res, pattern)
    if res.failed:
        ui.info("failed: " + "; ".join(res.failed))
    print("%d passed, %d failed" % (res.passed, len(res.failed)), flush=True)
    return 1 if res.failed else 0
