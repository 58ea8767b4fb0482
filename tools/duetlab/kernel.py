"""Debian's arm64 kernels (and busybox) for the lab: downloaded once, cached.

Two kernels, chosen with DUET_LAB_KERNEL (default the newer):
  6.1   Debian 12 (bookworm): what most hosts run today;
  6.12  Debian 13 (trixie): userspace HVC exits (SMCCC filter, >= 6.4) and
        the rest of today's KVM.
Each is the package Debian's linux-image-arm64 metapackage depends on in
that suite (CONFIG_KVM=y, VHE, GICv3 vGIC), fetched through a private apt
(debian.py). The cache keeps LAB_CACHE/linux-VERSION-HASH/ (HASH: of MODULES) with the vmlinuz and
modules/ (MODULES and their dependencies, uncompressed, with `order`, the
load order); the folder appears whole (renamed into place) or not at all.
"""
import glob
import hashlib
import os
import shutil
import subprocess
import tempfile

from . import debian, kmod
from .errors import LabError

__all__ = ["LabError", "cache_dir", "choice", "kernel", "modules", "busybox"]

SUITES = {"6.1": "bookworm", "6.12": "trixie"}
DEFAULT = "6.12"
# Tap devices and veth pairs (network tests), vhost-net, 9p over virtio
# (QEMU's virtfs), bridges and virtio_net (the lab's own NIC, a QEMU user-mode
# network that `./build.py run --net/--gdb` bridges to the guest's tap);
# their dependencies come along.
MODULES = ["tun", "veth", "vhost_net", "virtio_mmio", "9pnet_virtio", "9p", "bridge",
           "virtio_net"]


def cache_dir(override=None):
    d = override or os.environ.get("DUET_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "duet")
    d = os.path.join(d, "lab")
    os.makedirs(d, exist_ok=True)
    return d


def choice(version=None):
    """The kernel version asked for (argument, else DUET_LAB_KERNEL, else DEFAULT)."""
    v = version or os.environ.get("DUET_LAB_KERNEL") or DEFAULT
    if v not in SUITES:
        raise LabError("DUET_LAB_KERNEL=%s: the lab has kernels %s"
                       % (v, ", ".join(sorted(SUITES, key=lambda s: [int(x) for x in s.split(".")]))))
    return v


def _folder(d, version):
    """linux-VERSION-HASH: one folder per MODULES list, so trees with different
    lists (branches, older checkouts) share the cache without fetching over
    each other's folder."""
    key = hashlib.sha256(" ".join(MODULES).encode()).hexdigest()[:8]
    return os.path.join(d, "linux-%s-%s" % (version, key))


def _complete(folder):
    """The kernel and the modules of today's MODULES list (a cache made for
    another list is fetched again)."""
    try:
        wanted = open(os.path.join(folder, "modules", "wanted")).read().split()
    except FileNotFoundError:
        return False
    return (glob.glob(os.path.join(folder, "vmlinuz-*")) and wanted == MODULES
            and os.path.exists(os.path.join(folder, "modules", "order")))


def kernel(d, version=None):
    """Path of the cached vmlinuz of `version` in the lab cache d, fetched first if needed."""
    version = choice(version)
    folder = _folder(d, version)
    if not _complete(folder):
        _fetch(d, version, folder)
    return sorted(glob.glob(os.path.join(folder, "vmlinuz-*")))[-1]


def modules(d, version=None):
    """The cached module files of `version`, in load order (kernel() fetches them)."""
    mods = os.path.join(_folder(d, choice(version)), "modules")
    try:
        names = open(os.path.join(mods, "order")).read().split()
    except FileNotFoundError:
        return []
    return [os.path.join(mods, n + ".ko") for n in names]


def _fetch(d, version, folder):
    suite = SUITES[version]
    print("duet lab: fetching Debian %s's arm64 kernel (%s) into %s" % (suite, version, d),
          flush=True)
    with tempfile.TemporaryDirectory(prefix="fetch-linux-", dir=d) as tmp:
        apt = debian.Suite(os.path.join(tmp, "apt"), suite)
        pkgs = [p for p in apt.depends("linux-image-arm64")
                if p.startswith("linux-image-") and p[12:13].isdigit()]
        if not pkgs:
            raise LabError("Debian %s: linux-image-arm64 depends on no kernel package" % suite)
        deb = apt.download(pkgs[0], os.path.join(tmp, "debs"))
        apt.close()
        root = os.path.join(tmp, "x")
        r = subprocess.run(["dpkg-deb", "-x", deb, root], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        found = glob.glob(os.path.join(root, "boot", "vmlinuz-*"))
        if r.returncode != 0 or not found:
            raise LabError("no vmlinuz in %s: %s" % (os.path.basename(deb), r.stdout[-300:]))
        if not found[0].split("vmlinuz-")[1].startswith(version + "."):
            raise LabError("Debian %s's kernel is %s, not %s"
                           % (suite, os.path.basename(found[0]), version))
        new = os.path.join(tmp, "linux")
        os.makedirs(os.path.join(new, "modules"))
        shutil.copy(found[0], new)
        order = kmod.load_order(root, MODULES)
        for name, data in order:
            with open(os.path.join(new, "modules", name + ".ko"), "wb") as f:
                f.write(data)
        with open(os.path.join(new, "modules", "order"), "w") as f:
            f.write("\n".join(n for n, _ in order) + "\n")
        with open(os.path.join(new, "modules", "wanted"), "w") as f:
            f.write("\n".join(MODULES) + "\n")
        if os.path.isdir(folder) and not _complete(folder):
            shutil.rmtree(folder)  # made for another MODULES list
        try:
            os.rename(new, folder)
        except OSError:
            if not _complete(folder):  # not a concurrent fetch that finished first
                raise


def _fetch_deb_file(d, pkg, pattern, what):
    """Downloads pkg (:arm64) with this machine's apt, keeps the file matching
    pattern in d."""
    with tempfile.TemporaryDirectory(dir=d) as tmp:
        argv = ["apt-get", "download", pkg + ":arm64"]
        r = subprocess.run(argv, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        if r.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            r = subprocess.run(argv, cwd=tmp, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
        debs = glob.glob(os.path.join(tmp, "*.deb"))
        if r.returncode != 0 or not debs:
            raise LabError("could not download %s:arm64 with apt-get:\n%s" % (pkg, r.stdout[-800:]))
        x = os.path.join(tmp, "x")
        r = subprocess.run(["dpkg-deb", "-x", debs[0], x], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        found = glob.glob(os.path.join(x, pattern))
        if r.returncode != 0 or not found:
            raise LabError("no %s in %s: %s" % (what, os.path.basename(debs[0]), r.stdout[-300:]))
        dst = os.path.join(d, os.path.basename(found[0]))
        shutil.copy(found[0], dst + ".part")
        os.replace(dst + ".part", dst)
    return dst


def busybox(d):
    """An arm64 static busybox for the lab's userland: cached from
    busybox-static:arm64 without installing it (installing it would replace
    the machine's own busybox)."""
    path = os.path.join(d, "busybox")
    if not os.path.exists(path):
        _fetch_deb_file(d, "busybox-static", "bin/busybox", "busybox")
    return path
