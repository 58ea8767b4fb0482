"""Debian's arm64 kernel (and busybox) for the lab: downloaded once with apt, cached.

The kernel comes from the package the metapackage linux-image-arm64:arm64
depends on (CONFIG_KVM=y, VHE, GICv3 vGIC). Only its vmlinuz is kept.
"""
import glob
import os
import re
import shutil
import subprocess
import tempfile


class LabError(Exception):
    pass


def cache_dir(override=None):
    d = override or os.environ.get("DUET_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "duet")
    d = os.path.join(d, "lab")
    os.makedirs(d, exist_ok=True)
    return d


def _run(argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _kernel_package():
    r = _run(["apt-cache", "depends", "linux-image-arm64:arm64"])
    m = re.search(r"Depends:\s*(linux-image-[0-9][^\s:]*-arm64)", r.stdout)
    if not m:
        raise LabError("cannot find the kernel package behind linux-image-arm64:arm64 "
                       "(is arm64 multiarch enabled? run: dpkg --add-architecture arm64 && "
                       "apt-get update)\n" + r.stdout[-500:])
    return m.group(1)


def _fetch_deb_file(d, pkg, pattern, what, extra=()):
    """Downloads pkg (:arm64) with apt, keeps the file matching pattern in d
    (and those matching the `extra` patterns, under their own names)."""
    with tempfile.TemporaryDirectory(dir=d) as tmp:
        r = subprocess.run(["apt-get", "download", pkg + ":arm64"], cwd=tmp,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            r = subprocess.run(["apt-get", "download", pkg + ":arm64"], cwd=tmp,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        debs = glob.glob(os.path.join(tmp, "*.deb"))
        if r.returncode != 0 or not debs:
            raise LabError("could not download %s:arm64 with apt-get:\n%s" % (pkg, r.stdout[-800:]))
        x = os.path.join(tmp, "x")
        r = _run(["dpkg-deb", "-x", debs[0], x])
        found = glob.glob(os.path.join(x, pattern))
        if r.returncode != 0 or not found:
            raise LabError("no %s in %s: %s" % (what, os.path.basename(debs[0]), r.stdout[-300:]))
        for pat in extra:
            for f in glob.glob(os.path.join(x, pat)):
                _keep(f, os.path.join(d, "modules", os.path.basename(f)))
        dst = os.path.join(d, os.path.basename(found[0]))
        _keep(found[0], dst)
    return dst


def _keep(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copy(src, dst + ".part")
    os.replace(dst + ".part", dst)


def busybox(d):
    """An arm64 static busybox for the lab's userland: cached from
    busybox-static:arm64 without installing it (installing it would replace
    the machine's own busybox)."""
    path = os.path.join(d, "busybox")
    if not os.path.exists(path):
        _fetch_deb_file(d, "busybox-static", "bin/busybox", "busybox")
    return path


# Modules the lab loads at boot: tap devices and veth pairs for network tests.
MODULES = ["tun.ko", "veth.ko"]


def kernel(d):
    """Path of the cached vmlinuz in the lab cache d, downloading it first if
    needed, with the MODULES beside it in d/modules."""
    found = sorted(glob.glob(os.path.join(d, "vmlinuz-*")))
    if found and all(os.path.exists(os.path.join(d, "modules", m)) for m in MODULES):
        return found[-1]
    return _fetch_deb_file(d, _kernel_package(), "boot/vmlinuz-*", "vmlinuz",
                           ["lib/modules/*/kernel/drivers/net/" + m for m in MODULES])


def modules(d):
    """The cached module files, in load order (kernel() fetches them)."""
    return [os.path.join(d, "modules", m) for m in MODULES
            if os.path.exists(os.path.join(d, "modules", m))]
