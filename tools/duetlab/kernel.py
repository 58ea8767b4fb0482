"""Debian's arm64 kernel for the lab: downloaded once with apt, cached.

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


def kernel(d):
    """Path of the cached vmlinuz in the lab cache d, downloading it first if needed."""
    found = sorted(glob.glob(os.path.join(d, "vmlinuz-*")))
    if found:
        return found[-1]
    pkg = _kernel_package()
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
        images = glob.glob(os.path.join(x, "boot", "vmlinuz-*"))
        if r.returncode != 0 or not images:
            raise LabError("no vmlinuz in %s: %s" % (os.path.basename(debs[0]), r.stdout[-300:]))
        dst = os.path.join(d, os.path.basename(images[0]))
        shutil.copy(images[0], dst + ".part")
        os.replace(dst + ".part", dst)
    return dst
