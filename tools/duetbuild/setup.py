"""`./build.py setup`: install every dependency from the distro's packages.

Idempotent and fast when nothing is missing: one dpkg-query call decides.
Never uses sudo: a non-root user is told the exact command to run.
"""
import os
import platform
import subprocess
import sys

from . import ui

# Debian/Ubuntu package names; ":arm64" marks multiarch packages on non-arm64
# build machines (the static aarch64 host links libfdt.a from libfdt-dev:arm64).
COMMON = [
    "gcc", "clang", "python3-kconfiglib", "device-tree-compiler",
    "qemu-system-arm", "gdb-multiarch", "picolibc-aarch64-linux-gnu", "cpio",
    "linux-libc-dev-arm64-cross", "iproute2",
    "libclang-rt-dev",  # libFuzzer and the sanitizers' runtimes for clang
    "debian-archive-keyring",  # the lab fetches Debian kernels on any distro (duetlab/debian.py)
    "dpkg-dev",  # dpkg-source unpacks Debian source packages (tools/duetbuild/debsrc.py)
    "tcl",  # tclsh: SQLite's source makes its amalgamation with it (apps/ports/sqlite)
    "python3",  # its sqlite3 module checks the SQLite port's database in the tests
]
CROSS = [  # x86_64 (or other non-arm64) machines build aarch64 by cross
    "gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross",
    # libfdt-dev and libfdt-dev:arm64 conflict, so the native unit tests
    # link libfdt1's shared library and take headers from libfdt-dev:arm64.
    "libfdt-dev:arm64", "libfdt1",
]
NATIVE_ARM64 = ["libfdt-dev", "libc6-dev"]
# The lab's arm64 kernel and busybox are fetched with `apt-get download` into
# a cache (tools/duetlab), never installed on this machine.


def is_arm64_machine():
    return platform.machine() in ("aarch64", "arm64")


def wanted_packages():
    return COMMON + (NATIVE_ARM64 if is_arm64_machine() else CROSS)


def _missing(pkgs):
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package}:${Architecture} ${db:Status-Status}\n"] + pkgs,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    native = _dpkg_arch()
    installed = set()
    for line in out.splitlines():
        name, _, status = line.partition(" ")
        if status != "installed":
            continue
        pkg, _, arch = name.partition(":")
        installed.add(name)
        if arch in (native, "all"):
            installed.add(pkg)
    return [p for p in pkgs if p not in installed]


def _dpkg_arch():
    return subprocess.run(["dpkg", "--print-architecture"], stdout=subprocess.PIPE,
                          text=True).stdout.strip()


def _need_multiarch():
    if is_arm64_machine():
        return False
    foreign = subprocess.run(["dpkg", "--print-foreign-architectures"],
                             stdout=subprocess.PIPE, text=True).stdout.split()
    return "arm64" not in foreign


def ensure(verbose=False):
    """Installs what is missing; returns True when everything is present."""
    if not os.path.exists("/usr/bin/dpkg-query"):
        ui.warn("not a Debian/Ubuntu machine: install the equivalents of "
                + " ".join(wanted_packages()) + " yourself")
        return True
    multiarch = _need_multiarch()
    missing = _missing(wanted_packages())
    if not missing and not multiarch:
        return True
    cmds = []
    if multiarch:
        cmds.append(["dpkg", "--add-architecture", "arm64"])
    cmds.append(["apt-get", "update", "-q"])
    cmds.append(["apt-get", "install", "-y", "-q", "--no-install-recommends"] + missing)
    if os.geteuid() != 0:
        ui.error("missing packages: " + " ".join(missing or ["(arm64 multiarch)"]))
        ui.error("run as root:\n  " + " && \\\n  ".join(" ".join(c) for c in cmds))
        return False
    ui.info("setup: installing " + " ".join(missing or ["arm64 multiarch"]))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for c in cmds:
        ui.cmd(c, verbose)
        r = subprocess.run(c, env=env, stdout=None if verbose else subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            if not verbose:
                sys.stderr.write(r.stdout[-4000:])
            ui.error("setup failed: " + " ".join(c))
            return False
    still = _missing(wanted_packages())
    if still:
        ui.error("setup: still missing after install: " + " ".join(still))
        return False
    return True
