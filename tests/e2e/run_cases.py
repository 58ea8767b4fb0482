"""End-to-end cases of `./build.py run APP [duet run options] [-- ARGS]`
: each runs build.py as a user would, with the user's own files, and checks those files afterwards.

run(proj, res, pattern, check_output) adds one result per case.
"""
import os
import subprocess
import sys
import tempfile

SECTOR = 512


def blocktest_pattern(sectors=8):
    """What `blocktest crash-after-flush` writes to sectors 0..7
    (apps/blocktest/blocktest.c, fill()): 0xa0+s, "DUET", then s."""
    out = b""
    for s in range(sectors):
        sec = bytearray([0xa0 + s]) * SECTOR
        sec[0:4] = b"DUET"
        sec[4] = s
        out += bytes(sec)
    return out


def _build_py(proj, argv, timeout=600):
    return subprocess.run([sys.executable, os.path.join(proj.root, "build.py")] + argv,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)


def _case_block_back(proj, d, check_output):
    """A writable block file: the guest's writes are in the user's file,
    everything else in it is untouched, byte for byte."""
    path = os.path.join(d, "disk with space.img")
    before = os.urandom(64 * 1024)
    with open(path, "wb") as f:
        f.write(before)
    r = _build_py(proj, ["run", "blocktest", "--block:disk0=" + path, "--",
                         "crash-after-flush"])
    problem = check_output(r.returncode, r.stdout, r.stderr, 112, ["write 8 sectors", "PASS"])
    if problem:
        return problem
    after = open(path, "rb").read()
    want = blocktest_pattern() + before[8 * SECTOR:]
    if after != want:
        first = next(i for i in range(min(len(after), len(want))) if after[i] != want[i]) \
            if len(after) == len(want) else "size %d vs %d" % (len(after), len(want))
        return "the file is not what the guest wrote (first difference: %s)" % first
    return None


def _case_block_ro(proj, d, check_output):
    """,ro: the guest's write is refused and the user's file is unchanged."""
    path = os.path.join(d, "ro.img")
    before = os.urandom(32 * 1024)
    with open(path, "wb") as f:
        f.write(before)
    r = _build_py(proj, ["run", "blocktest", "--block:disk0=%s,ro" % path, "--", "ro"])
    problem = check_output(r.returncode, r.stdout, r.stderr, 0, ["ro: write refused", "PASS"])
    if problem:
        return problem
    return None if open(path, "rb").read() == before else "a read-only file was changed"


def _case_mem_args(proj, d, check_output):
    """--mem and --verbose reach duet run; ARGS after -- reach the guest."""
    r = _build_py(proj, ["run", "hello", "--mem", "64M", "--verbose", "--", "one",
                         "two words"])
    problem = check_output(r.returncode, r.stdout, r.stderr, 0,
                           ["Hello from Duet", "argv[1] = one", "argv[2] = two words"],
                           ["phase total"])
    if problem:
        return problem
    r = _build_py(proj, ["run", "hello", "--mem=1M"])  # below duet's minimum: its own error
    return check_output(r.returncode, r.stdout, r.stderr, 2, expect_err=["--mem"])


def _case_missing_file(proj, d, check_output):
    """A --block file that does not exist is refused before any lab boots."""
    r = _build_py(proj, ["run", "blocktest", "--block:disk0=" + os.path.join(d, "nope.img")],
                  timeout=120)
    return check_output(r.returncode, r.stdout, r.stderr, 2, expect_err=["no file", "nope.img"])


def _case_net(proj, d, check_output):
    """--net:net0=tap0 in the lab: duet makes the tap (root), the guest gets
    its NIC and runs its network stack (which, with no DHCP server on the
    tap, gives up after 10 s: that message proves it got that far)."""
    www = os.path.join(d, "www.tar")
    with open(www, "wb") as f:
        f.write(bytes(10240))  # an empty tar archive
    r = _build_py(proj, ["run", "httpd", "--net:net0=tap0", "--block:www=" + www])
    text = r.stdout + r.stderr
    if b"attach it with" in text:
        return "duet wanted a device attached: %r" % text[-300:]
    return check_output(r.returncode, r.stdout, r.stderr, 1, ["no address after 10 s"])


CASES = [
    ("run: a writable --block file gets exactly the guest's writes", _case_block_back),
    ("run: a read-only --block file is left unchanged", _case_block_ro),
    ("run: --mem, --verbose and -- ARGS pass through to duet run", _case_mem_args),
    ("run: a missing --block file is refused with its name", _case_missing_file),
    ("run: --net:net0=TAP in the lab: the tap is made, the guest's network runs", _case_net),
]


def run(proj, res, pattern, check_output):
    for name, case in CASES:
        if pattern and pattern not in name:
            continue
        with tempfile.TemporaryDirectory(prefix="duet-run-") as d:
            try:
                res.add(name, case(proj, d, check_output))
            except subprocess.TimeoutExpired as e:
                res.add(name, "timed out: %s" % e)
