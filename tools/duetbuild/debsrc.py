"""A Debian source package (lwIP's `lwip`, a ported program's), unpacked once
into the cache (DUET_CACHE/NAME, default ~/.cache/duet/NAME); never in the tree.

The machine's apt may have no deb-src lines and /etc/apt is not ours to
edit, so apt runs with a private sources list, lists and cache under the
cache directory. The unpacked tree (Debian's patches applied) is named in a
stamp file: once it exists, source_dir() only reads that file. To fetch
again (say after a distro upgrade), delete the cache's NAME/ folder.
"""
import glob
import os
import shlex
import shutil
import subprocess
import tempfile

from duetlab import kernel

from . import ui

STAMP = "unpacked"  # holds the name of the finished tree in the cache dir
# Mirror and components of source packages, by /etc/os-release ID.
MIRRORS = {"debian": ("http://deb.debian.org/debian", "main"),
           "ubuntu": ("http://archive.ubuntu.com/ubuntu", "main universe")}
FALLBACK = ("debian", "bookworm")


class FetchError(Exception):
    pass


def cache_dir(package="lwip"):
    # duetlab's helper honours DUET_CACHE but returns its lab/ subfolder.
    d = os.path.join(os.path.dirname(kernel.cache_dir()), package)
    os.makedirs(d, exist_ok=True)
    return d


def source_dir(verbose=False, package="lwip"):
    """The unpacked tree of a Debian source package (default lwip), fetched first if needed."""
    d = cache_dir(package)
    tree = _finished_tree(d)
    if tree:
        return tree
    ui.info("fetching %s: apt-get source %s, unpacked into %s" % (package, package, d))
    with tempfile.TemporaryDirectory(prefix="fetch-", dir=d) as tmp:
        dsc = _download(d, tmp, verbose, package)
        tree = _unpack(d, dsc, tmp, verbose, package)
    for sub in ("lists", "apt-cache"):  # the distro's source index: ~25 MB, used once
        shutil.rmtree(os.path.join(d, sub), ignore_errors=True)
    return tree


def _finished_tree(d):
    try:
        name = open(os.path.join(d, STAMP)).read().strip()
    except FileNotFoundError:
        return None
    tree = os.path.join(d, name)
    return tree if name and _complete(tree) else None


def _complete(tree):
    return os.path.isdir(tree) and os.path.isdir(os.path.join(tree, "debian"))


def _os_release():
    info = {}
    try:
        for line in open("/etc/os-release"):
            k, sep, v = line.strip().partition("=")
            if sep:
                info[k] = v.strip('"')
    except FileNotFoundError:
        pass
    return info


def _sources_line():
    info = _os_release()
    dist, suite = info.get("ID"), info.get("VERSION_CODENAME")
    if dist not in MIRRORS or not suite:
        dist, suite = FALLBACK  # a derivative or testing/sid without a codename
    url, component = MIRRORS[dist]
    return "deb-src %s %s %s\n" % (url, suite, component)


def _apt_options(d):
    """apt's configuration pointed at private files: /etc/apt is left alone."""
    sources = os.path.join(d, "sources.list")
    with open(sources, "w") as f:
        f.write(_sources_line())
    os.makedirs(os.path.join(d, "lists", "partial"), exist_ok=True)
    os.makedirs(os.path.join(d, "apt-cache", "archives", "partial"), exist_ok=True)
    opts = {"Dir::Etc::SourceList": sources, "Dir::Etc::SourceParts": "/nonexistent",
            "Dir::State::Lists": os.path.join(d, "lists"),
            "Dir::Cache": os.path.join(d, "apt-cache"),  # not /var/cache/apt's pkgcache
            "APT::Get::List-Cleanup": "0"}
    return [a for k, v in opts.items() for a in ("-o", "%s=%s" % (k, v))]


def _run(argv, cwd, verbose, what, package="lwip"):
    ui.cmd(argv, verbose)
    r = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if r.returncode != 0:
        line = "cd %s && %s" % (shlex.quote(cwd), " ".join(shlex.quote(a) for a in argv))
        raise FetchError("fetching %s's source: %s failed (status %d); the command was:\n"
                         "  %s\n%s" % (package, what, r.returncode, line, r.stdout[-1500:].rstrip()))


def _download(d, tmp, verbose, package):
    """The .dsc that apt fetched into tmp (with the tarballs beside it)."""
    opts = _apt_options(d)
    _run(["apt-get", "-q"] + opts + ["update"], d, verbose, "apt-get update (deb-src lists)",
         package)
    _run(["apt-get", "-q"] + opts + ["source", "--download-only", package], tmp, verbose,
         "apt-get source " + package, package)
    found = glob.glob(os.path.join(tmp, package + "_*.dsc"))
    if len(found) != 1:
        raise FetchError("fetching %s: apt-get source left %d .dsc files in %s"
                         % (package, len(found), tmp))
    return found[0]


def _unpack(d, dsc, tmp, verbose, package):
    """Unpacks into tmp, then renames into d: a tree in d is always complete."""
    name = package + "-" + os.path.basename(dsc)[len(package) + 1:-len(".dsc")]
    work = os.path.join(tmp, name)
    # --no-check: no signature check of the .dsc; apt already verified its
    # checksums against the signed Release file.
    _run(["dpkg-source", "-x", "--no-check", dsc, work], tmp, verbose, "dpkg-source -x", package)
    tree = os.path.join(d, name)
    try:
        os.rename(work, tree)
    except OSError:
        if not _complete(tree):
            raise  # not a finished tree from a concurrent fetch
    stamp = os.path.join(tmp, STAMP)
    with open(stamp, "w") as f:
        f.write(name + "\n")
    os.replace(stamp, os.path.join(d, STAMP))
    return tree
