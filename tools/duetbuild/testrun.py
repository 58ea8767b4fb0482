"""`./build.py test`: native unit tests, tool-mode cases, qemu-virt guests,
and the duet platform's guests in one lab boot. Ends "N passed, N failed"."""
import concurrent.futures
import glob
import os
import shlex
import subprocess
import sys

from . import runner, ui

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "e2e"))
import bad_images  # noqa: E402
import cases  # noqa: E402


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


def _contains_in_order(text, parts):
    pos = 0
    for p in parts:
        i = text.find(p, pos)
        if i < 0:
            return p
        pos = i + len(p)
    return None


def check_output(status, out, err, want_status, expect=(), expect_err=(), exact=None):
    """A one-line description of what is wrong, or None."""
    o = out.decode("utf-8", "replace")
    e = err.decode("utf-8", "replace")
    tail = " | stdout: %r | stderr: %r" % (o[-300:], e[-300:])
    if status != want_status:
        return "status %s, expected %s%s" % (status, want_status, tail)
    if exact is not None and out != exact:
        return "stdout %r, expected %r" % (out[:300], exact)
    miss = _contains_in_order(o, expect)
    if miss is not None:
        return "stdout lacks %r%s" % (miss, tail)
    miss = _contains_in_order(e, expect_err)
    if miss is not None:
        return "stderr lacks %r%s" % (miss, tail)
    return None


def unit_tests(proj, res, pattern):
    for exe in sorted(glob.glob(os.path.join(proj.build_dir, "tests", "test_*"))):
        if exe.endswith((".cmd", ".d")) or (pattern and pattern not in exe):
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


def external_app(proj, res, pattern):
    """An app folder outside the tree builds and runs with no other change."""
    import shutil
    import tempfile
    name = "build.py: an app folder outside the tree"
    if pattern and pattern not in name:
        return
    with tempfile.TemporaryDirectory(prefix="duet-extapp-") as d:
        app = os.path.join(d, "outside")
        os.makedirs(app)
        with open(os.path.join(app, "main.c"), "w") as f:
            f.write('#include <stdio.h>\nint main(int c, char **v)'
                    '{ printf("outside %s\\n", c > 1 ? v[1] : "?"); return 7; }\n')
        r = subprocess.run([sys.executable, os.path.join(proj.root, "build.py"), "run", app,
                            "--platform", "qemu-virt", "--", "works"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        res.add(name, check_output(r.returncode, r.stdout, r.stderr, 7, ["outside works"]))
        shutil.rmtree(os.path.join(proj.build_dir, "obj", "ext"), ignore_errors=True)


def main(proj, unit_only=False, pattern=None):
    res = Results()
    apps = sorted({c.app for c in cases.GUEST_CASES} |
                  {"blocktest", "hostile", "pingd", "udpecho", "tcpecho", "httpd"})
    images = proj.build(apps, ["duet"], unit=True)
    proj.build(apps, ["qemu-virt"], host=False, native=False)
    unit_tests(proj, res, pattern)
    fuzz_short(proj, res, pattern)
    if not unit_only:
        images_dir = os.path.join(proj.build_dir, "tests", "images")
        bad_images.make(os.path.join(proj.build_dir, "apps", "hello.duet.elf"), images_dir)
        host_cases(proj, res, images_dir, pattern)
        qemu_virt_cases(proj, res, pattern)
        external_app(proj, res, pattern)
        lab_cases(proj, res, images, images_dir, pattern)
    if res.failed:
        ui.info("failed: " + "; ".join(res.failed))
    print("%d passed, %d failed" % (res.passed, len(res.failed)), flush=True)
    return 1 if res.failed else 0
