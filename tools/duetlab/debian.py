"""Downloading Debian arm64 packages of a chosen suite, whatever this machine runs.

The lab's kernels come from Debian suites this machine need not track
(bookworm for 6.1, trixie for 6.12; each with its security updates,
where new kernels land first), and /etc/apt is not ours to edit, so apt
runs with a private sources list, package lists and cache under the lab
cache (like tools/duetbuild/debsrc.py does for lwIP's source). The archive is
checked against debian-archive-keyring (installed by ./build.py setup, on
Ubuntu too). The lists (~20 MB) are deleted once the packages are here.
"""
import glob
import os
import shutil
import subprocess

from .errors import LabError

MIRROR = "http://deb.debian.org/debian"
SECURITY = "http://security.debian.org/debian-security"  # where kernel fixes land first
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


def _options(work, suite):
    sources = os.path.join(work, "sources.list")
    signed = " signed-by=" + KEYRING if os.path.exists(KEYRING) else ""
    with open(sources, "w") as f:
        f.write("deb [arch=arm64%s] %s %s main\n" % (signed, os.environ.get(
            "DUET_DEBIAN_MIRROR", MIRROR), suite))
        f.write("deb [arch=arm64%s] %s %s-security main\n" % (signed, os.environ.get(
            "DUET_DEBIAN_SECURITY", SECURITY), suite))
    status = os.path.join(work, "status")
    open(status, "w").close()  # an empty dpkg database: this machine's is not consulted
    for sub in ("lists/partial", "cache/archives/partial"):
        os.makedirs(os.path.join(work, sub), exist_ok=True)
    opts = {"Dir::Etc::SourceList": sources, "Dir::Etc::SourceParts": "/nonexistent",
            "Dir::State::Lists": os.path.join(work, "lists"),
            "Dir::State::status": status, "Dir::Cache": os.path.join(work, "cache"),
            "APT::Architecture": "arm64", "APT::Architectures::": "arm64",
            "APT::Get::List-Cleanup": "0",
            # root's downloads into a private folder the _apt user cannot enter
            "APT::Sandbox::User": "root"}
    return [a for k, v in opts.items() for a in ("-o", "%s=%s" % (k, v))]


def _apt(argv, cwd, what):
    r = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if r.returncode != 0:
        raise LabError("%s failed (status %d):\n  %s\n%s" % (
            what, r.returncode, " ".join(argv), r.stdout[-1200:].rstrip()))
    return r.stdout


class Suite:
    """apt pointed at one Debian suite; files live in `work` until close()."""

    def __init__(self, work, suite):
        self.work, self.suite = work, suite
        os.makedirs(work, exist_ok=True)
        self.opts = _options(work, suite)
        _apt(["apt-get", "-q"] + self.opts + ["update"], work,
             "apt-get update of Debian %s (arm64)" % suite)

    def depends(self, package):
        """The packages `package` depends on (a metapackage's real kernel)."""
        out = _apt(["apt-cache"] + self.opts + ["depends", package], self.work,
                   "apt-cache depends %s (Debian %s)" % (package, self.suite))
        return [line.split(":", 1)[1].strip() for line in out.splitlines()
                if line.strip().startswith("Depends:")]

    def download(self, package, dest):
        """Path of package's .deb, downloaded into dest."""
        os.makedirs(dest, exist_ok=True)
        _apt(["apt-get", "-q"] + self.opts + ["download", package], dest,
             "apt-get download %s (Debian %s)" % (package, self.suite))
        debs = glob.glob(os.path.join(dest, glob.escape(package) + "_*.deb"))
        if len(debs) != 1:
            raise LabError("apt-get download %s left %d .deb files in %s"
                           % (package, len(debs), dest))
        return debs[0]

    def close(self):
        shutil.rmtree(self.work, ignore_errors=True)
