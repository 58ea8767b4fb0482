"""./build.py as a user drives it: app folders outside the tree (warnings,
app.cfg build keys, a call Duet lacks) and `run` passing duet's options
with the user's files carried into the lab and back."""
import os
import shutil
import subprocess
import sys
import tempfile

from .testrun_check import check_output

WARNS = '#include <stdio.h>\nint main(int argc, char **argv)\n{ int unused; printf("outside works\\n"); return 7; }\n'
# dlopen's header is glibc's: the guest build does not see it, so declare it.
MISSING = 'void *dlopen(const char *, int);\nint main(void) { return dlopen("x", 0) != 0; }\n'
PORTED = {
    "app.cfg": "sources: src/**/*.c\nexclude: src/tools/*.c\ninclude: inc\n"
               "cflags: -DGREETING='\"ported\"' -Wno-unused-parameter\nlibs: m\n",
    "inc/greet.h": "double root(double);\n",
    "src/main.c": '#include <stdio.h>\n#include "greet.h"\n'
                  'int main(void) { printf("%s %.1f\\n", GREETING, root(2.25)); return 0; }\n',
    "src/lib/root.c": '#include <math.h>\n#include "greet.h"\ndouble root(double x) { return sqrt(x); }\n',
    "src/tools/other_main.c": "int main(void) { return 1; }\n",  # excluded: a second main
}


def _write(d, files):
    for rel, text in files.items():
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)


# The README's rootfs example: an app folder with rootfs/etc/config, and one
# naming its tree with app.cfg's rootfs: (a symlink out of it fails the build).
ROOTFS_MAIN = ('#include <stdio.h>\n#include <errno.h>\n'
               'int main(void) { char b[64] = ""; FILE *f = fopen("/etc/config", "r");\n'
               '  if (!f || !fgets(b, sizeof b, f)) return 1;\n'
               '  printf("config: %s", b); errno = 0;\n'
               '  printf("write: %s\\n", fopen("/etc/config", "w") ? "opened" : errno == 30 ? "EROFS" : "?");\n'
               '  return 0; }\n')


def _build_py(proj, *argv, timeout=180):
    return subprocess.run([sys.executable, os.path.join(proj.root, "build.py")] + list(argv),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)


def _app(d, name, files):
    app = os.path.join(d, name)
    _write(app, files)
    return app


def run(proj, res, pattern):
    todo = [
        ("build.py: an app outside the tree, with warnings, builds and runs", _warnings),
        ("build.py: app.cfg sources/exclude/include/cflags/libs", _ported),
        ("build.py: a call Duet does not provide is named", _missing),
        ("build.py: glibc's headers are not used for guests", _no_glibc),
        ("build.py run: --block file carried into the lab and back", _block_roundtrip),
        ("build.py run: --env and --mem reach duet run", _env),
        ("build.py run: --dir shares the user's folder live", _dir_share),
        ("build.py run: an app folder's rootfs/ (the README example), app.cfg rootfs:", _rootfs),
        ("port: SQLite's shell (Debian source) keeps its database in a --dir share", _sqlite),
    ]
    with tempfile.TemporaryDirectory(prefix="duet-user-") as d:
        for name, fn in todo:
            if not pattern or pattern in name:
                res.add(name, fn(proj, d))
    shutil.rmtree(os.path.join(proj.build_dir, "obj", "ext"), ignore_errors=True)


def _warnings(proj, d):
    r = _build_py(proj, "run", _app(d, "warns", {"main.c": WARNS}), "--platform", "qemu-virt")
    problem = check_output(r.returncode, r.stdout, r.stderr, 7, ["outside works"])
    if not problem and b"warning: unused variable" not in r.stderr:
        problem = "the warning was not shown: %r" % r.stderr[-300:]
    return problem


def _ported(proj, d):
    r = _build_py(proj, "run", _app(d, "ported", PORTED), "--platform", "qemu-virt")
    return check_output(r.returncode, r.stdout, r.stderr, 0, ["ported 1.5"])


def _missing(proj, d):
    r = _build_py(proj, "build", _app(d, "missing", {"main.c": MISSING}))
    return check_output(r.returncode, r.stdout, r.stderr, 1,
                        expect_err=["duet: dlopen is not provided by Duet's libc (used in main", "full linker output"])


def _no_glibc(proj, d):
    r = _build_py(proj, "build", _app(d, "glibc", {"main.c": "#include <dlfcn.h>\nint main(void) { return 0; }\n"}))
    return check_output(r.returncode, r.stdout, r.stderr, 1, expect_err=["dlfcn.h: No such file"])


def _block_roundtrip(proj, d):
    disk = os.path.join(d, "user disk.img")
    with open(disk, "wb") as f:
        f.write(b"\0" * 512 * 64)
    r = _build_py(proj, "run", "blocktest", "--block:disk0=" + disk, "--", "crash-after-flush")
    if r.returncode != 112:
        return "status %d, expected 112 (the crash after the flush): %r" % (r.returncode, r.stderr[-500:])
    data = open(disk, "rb").read()
    return None if data[3584:3589] == b"DUET\a" else "the flushed sector is not in the user's file"


def _env(proj, d):
    r = _build_py(proj, "run", "posix", "--env", "POSIX_OVERRIDE=from-build-py", "--mem=8M",
                  "--", "misc", "enospc")
    return check_output(r.returncode, r.stdout, r.stderr, 0,
                        ["POSIX_OVERRIDE=from-build-py", "ok fill: ENOSPC", "posix: 0 failure(s)"])


def _rootfs(proj, d):
    app = _app(d, "myapp", {"main.c": ROOTFS_MAIN, "rootfs/etc/config": "name = mine\n"})
    for platform in ("duet", "qemu-virt"):
        r = _build_py(proj, "run", app, "--platform", platform)
        problem = check_output(r.returncode, r.stdout, r.stderr, 0, ["config: name = mine", "write: EROFS"])
        if problem:
            return platform + ": " + problem
    named = _app(d, "named", {"main.c": ROOTFS_MAIN, "app.cfg": "rootfs: files\n",
                              "files/etc/config": "name = named\n"})
    r = _build_py(proj, "run", named, "--platform", "qemu-virt")
    problem = check_output(r.returncode, r.stdout, r.stderr, 0, ["config: name = named"])
    if problem:
        return "rootfs: files: " + problem
    os.symlink("/etc/passwd", os.path.join(named, "files", "etc", "passwd"))
    r = _build_py(proj, "build", named)
    return check_output(r.returncode, r.stdout, r.stderr, 1,
                        expect_err=["etc/passwd is a symlink pointing outside the tree"])


def _dir_share(proj, d):
    share = os.path.join(d, "user share")
    os.makedirs(share)
    with open(os.path.join(share, "host.txt"), "w") as f:
        f.write("from the host\n")
    r = _build_py(proj, "run", "dirtest", "--dir:data=" + share, "--", "basic")
    problem = check_output(r.returncode, r.stdout, r.stderr, 0, ["dirtest basic: 0 failure(s)"])
    if not problem:
        try:
            got = open(os.path.join(share, "stdio.txt")).read()
        except OSError as e:
            return "the guest's file is not in the user's folder: %s" % e
        problem = None if got == "42\n" else "stdio.txt holds %r" % got
    return problem


SQL = ("create table t(x text, n int); insert into t values('duet', 1), ('sqlite', 2); "
       "create index i on t(n); begin; update t set n = n * 10; commit; "
       "select group_concat(x), sum(n) from t;")


def _sqlite(proj, d):
    """SQLite from Debian's sqlite3 source, unchanged, with its journal and
    locks on the host folder; Python's sqlite3 reads the result afterwards."""
    import sqlite3
    share = os.path.join(d, "db")
    os.makedirs(share)
    r = _build_py(proj, "run", "sqlite", "--dir:db=" + share, "--", "/db/test.db", SQL,
                  timeout=900)
    problem = check_output(r.returncode, r.stdout, r.stderr, 0, ["duet,sqlite|30"])
    if problem:
        return problem
    db = sqlite3.connect(os.path.join(share, "test.db"))
    try:
        rows = db.execute("select x, n from t order by n").fetchall()
        check = db.execute("pragma integrity_check").fetchone()[0]
    finally:
        db.close()
    if rows != [("duet", 10), ("sqlite", 20)] or check != "ok":
        return "the host reads %r (integrity %s)" % (rows, check)
    return None
