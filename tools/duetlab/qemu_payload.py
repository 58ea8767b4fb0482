"""An arm64 QEMU for inside the lab, so the boot benchmark can run
`qemu-system-aarch64 -accel kvm` beside Duet in the same boot.

Debian's qemu-system-arm:arm64 and its dependencies are downloaded with apt
(a private, empty dpkg status, so everything comes), unpacked, and trimmed to
the binary plus the shared libraries it really loads (DT_NEEDED, followed
recursively with readelf). The result is a cached gzip'd cpio archive that
Lab.run() appends to the initramfs: /qemu/bin/qemu-system-aarch64 and
/qemu/lib/*, run as /qemu/lib/ld-linux-aarch64.so.1 --library-path /qemu/lib.
"""
import glob
import gzip
import os
import re
import subprocess
import tempfile

from .cpio import CpioWriter
from .kernel import LabError

ARCHIVE = "qemu-arm64.cpio.gz"
LIB_DIRS = ["lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu", "lib", "usr/lib"]
RUN = "/qemu/lib/ld-linux-aarch64.so.1 --library-path /qemu/lib /qemu/bin/qemu-system-aarch64"


def _download(dest):
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
         "qemu-system-arm:arm64"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    debs = glob.glob(os.path.join(archives, "*.deb"))
    if r.returncode != 0 or not debs:
        raise LabError("downloading qemu-system-arm:arm64 failed:\n" + r.stdout[-1000:])
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


def build(cache_dir):
    """Path of the cached archive, made first if needed."""
    path = os.path.join(cache_dir, ARCHIVE)
    if os.path.exists(path):
        return path
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        root = os.path.join(tmp, "root")
        for deb in _download(tmp):
            subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        binary = os.path.join(root, "usr", "bin", "qemu-system-aarch64")
        libs, todo = {}, list(_needed(binary)) + ["ld-linux-aarch64.so.1"]
        while todo:
            name = todo.pop()
            if name in libs:
                continue
            real = _find_lib(root, name)
            if not real:
                raise LabError("qemu payload: %s not found in the downloaded packages" % name)
            libs[name] = real
            todo += _needed(real)
        w = CpioWriter(first_ino=500000)
        w.add_file("qemu/bin/qemu-system-aarch64", open(binary, "rb").read(), 0o755)
        for name, real in sorted(libs.items()):
            w.add_file("qemu/lib/" + name, open(real, "rb").read(), 0o755)
        data = gzip.compress(w.getvalue(), compresslevel=6, mtime=0)
        with open(path + ".part", "wb") as f:
            f.write(data)
        os.replace(path + ".part", path)
    return path
