"""Debian arm64 programs for inside the lab, beside busybox:

- QEMU: an arm64 qemu-system-aarch64, so the boot benchmark can run
  `qemu-system-aarch64 -accel kvm` beside Duet in the same boot;
- NETTOOLS: iputils ping (flood mode, payload checks), OpenBSD netcat (UDP),
  iproute2's ip (veth pairs, network namespaces) and tcpdump (to see what
  crossed a tap) for the network tests.

The packages and their dependencies are downloaded with apt (a private,
empty dpkg status, so everything comes), unpacked, and trimmed to the
binaries plus the shared libraries they really load (DT_NEEDED, followed
recursively with readelf). The result is a cached gzip'd cpio archive that
Lab.run() appends to the initramfs: /PREFIX/bin/NAME and /PREFIX/lib/*,
run as /PREFIX/lib/ld-linux-aarch64.so.1 --library-path /PREFIX/lib; a
payload with wrappers also gets /PREFIX/run/NAME, shell scripts doing that.
"""
import glob
import gzip
import os
import re
import subprocess
import tempfile

from dataclasses import dataclass, field
from typing import Dict, List

from .cpio import CpioWriter
from .errors import LabError

LIB_DIRS = ["lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu", "lib", "usr/lib"]


@dataclass
class Payload:
    archive: str                  # file name in the cache
    packages: List[str]           # Debian arm64 packages
    binaries: Dict[str, List[str]]  # NAME -> candidate paths in the unpacked packages
    prefix: str                   # where it lands in the lab
    wrappers: bool = False        # also /PREFIX/run/NAME scripts
    first_ino: int = 500000       # inode numbers apart from other archives
    extra: Dict[str, str] = field(default_factory=dict)


QEMU = Payload("qemu-arm64.cpio.gz", ["qemu-system-arm:arm64"],
               {"qemu-system-aarch64": ["usr/bin/qemu-system-aarch64"]}, "qemu")
NETTOOLS = Payload("nettools2-arm64.cpio.gz",
                   ["iputils-ping:arm64", "netcat-openbsd:arm64", "iproute2:arm64",
                    "tcpdump:arm64"],
                   {"ping": ["bin/ping", "usr/bin/ping"],
                    "nc": ["bin/nc.openbsd", "usr/bin/nc.openbsd"],
                    "ip": ["bin/ip", "sbin/ip", "usr/bin/ip", "usr/sbin/ip"],
                    "tcpdump": ["usr/bin/tcpdump", "usr/sbin/tcpdump"]},
                   "nettools", wrappers=True, first_ino=600000)
# strace, for the bench's counts: system calls from exec to the first
# KVM_RUN and per hypercall, bytes read from the image.
STRACE = Payload("strace-arm64.cpio.gz", ["strace:arm64"],
                 {"strace": ["usr/bin/strace", "bin/strace"]}, "strace", wrappers=True,
                 first_ino=700000)
RUN = "/qemu/lib/ld-linux-aarch64.so.1 --library-path /qemu/lib /qemu/bin/qemu-system-aarch64"


def _download(dest, packages):
    state = os.path.join(dest, "state")
    archives = os.path.join(dest, "archives")
    os.makedirs(os.path.join(archives, "partial"))
    os.makedirs(state)
    open(os.path.join(state, "status"), "w").close()
    r = subprocess.run(
        ["apt-get", "install", "-y", "-q", "--download-only", "--no-install-recommends",
         "-o", "Dir::State::status=" + os.path.join(state, "status"),
         "-o", "Dir::Cache::archives=" + archives,
         "-o", "APT::Architecture=arm64", "-o", "APT::Architectures::=arm64",
         ] + packages, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    debs = glob.glob(os.path.join(archives, "*.deb"))
    if r.returncode != 0 or not debs:
        raise LabError("downloading %s failed:\n%s" % (" ".join(packages), r.stdout[-1000:]))
    return debs


def _needed(path):
    out = subprocess.run(["readelf", "-d", path], stdout=subprocess.PIPE, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def _find_lib(root, name):
    for d in LIB_DIRS:
        p = os.path.join(root, d, name)
        if os.path.exists(p):
            return os.path.realpath(p)
    return None


def _binary(root, spec, name):
    for rel in spec.binaries[name]:
        p = os.path.join(root, rel)
        if os.path.exists(p):
            return os.path.realpath(p)
    raise LabError("%s payload: %s not found in %s" % (spec.prefix, name, " ".join(spec.packages)))


def build(cache_dir, spec=QEMU):
    """Path of the cached archive, made first if needed."""
    path = os.path.join(cache_dir, spec.archive)
    if os.path.exists(path):
        return path
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        root = os.path.join(tmp, "root")
        for deb in _download(tmp, spec.packages):
            subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        binaries = {name: _binary(root, spec, name) for name in spec.binaries}
        libs, todo = {}, ["ld-linux-aarch64.so.1"]
        for b in binaries.values():
            todo += _needed(b)
        while todo:
            name = todo.pop()
            if name in libs:
                continue
            real = _find_lib(root, name)
            if not real:
                raise LabError("%s payload: %s not found in the downloaded packages"
                               % (spec.prefix, name))
            libs[name] = real
            todo += _needed(real)
        w = CpioWriter(first_ino=spec.first_ino)
        lib = "/%s/lib" % spec.prefix
        for name, real in sorted(binaries.items()):
            w.add_file("%s/bin/%s" % (spec.prefix, name), open(real, "rb").read(), 0o755)
            if spec.wrappers:
                script = '#!/bin/sh\nexec %s/ld-linux-aarch64.so.1 --library-path %s /%s/bin/%s "$@"\n' \
                    % (lib, lib, spec.prefix, name)
                w.add_file("%s/run/%s" % (spec.prefix, name), script.encode(), 0o755)
        for name, real in sorted(libs.items()):
            w.add_file("%s/lib/%s" % (spec.prefix, name), open(real, "rb").read(), 0o755)
        data = gzip.compress(w.getvalue(), compresslevel=6, mtime=0)
        with open(path + ".part", "wb") as f:
            f.write(data)
        os.replace(path + ".part", path)
    return path
