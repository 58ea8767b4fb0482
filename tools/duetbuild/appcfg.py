"""An app's app.cfg: its devices, the libraries it uses, and how to build it.

One key per line, '#' starts a comment; keys may repeat (values add up):
    block: disk0              a block device the app needs
    net: net1 optional        a NIC it can also run without
    dir: data                 a host folder shared at /data (duet run --dir:data=HOSTDIR)
    uses: lwip                a library compiled into the guest
    sources: src/*.c lib/**/*.c   globs relative to the app (default: *.c *.S)
    exclude: src/test_*.c     globs taken out of sources (e.g. a second main)
    include: src include      folders relative to the app, for #include
    cflags: -DFOO=1 -Wno-sign-compare
    libs: m                   -lNAME at link time (m is always linked)
    ldflags: -Wl,--defsym=x=1 passed to the link as given
    env: HOME=/ LANG=C.UTF-8  the guest's default environment (duet run --env wins)
    werror: no                warnings are errors (default: yes for Duet's own
                              apps in this repository, no for any other app)
    debian: sqlite3           the program's source: a Debian source package,
                              fetched into the cache (sources:, exclude: and
                              include: are then relative to its tree)
    prepare: ./configure && make sqlite3.c   run once in that tree (again
                              when the command changes)
    rootfs: files             a folder shown read-only at / in the guest
                              (default: the app's rootfs/ when it exists)
"""
import glob
import os
import re
import shlex

DEVICE_TYPES = ("block", "net", "dir")
LIBRARIES = {"lwip", "sockets"}  # what `uses:` may name; targets.py builds them in
# (sockets: lwIP NO_SYS=0 and its BSD socket layer over guest threads)
NAME = re.compile(r"^[a-z0-9_]{1,15}$")
ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
LIB = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_+.-]*$")
MAX_DEVICES = 16


class ManifestError(Exception):
    pass


class AppConfig:
    def __init__(self, app_dir):
        self.app_dir = app_dir
        self.devices = []      # [(type, name, optional)]
        self.uses = set()
        self.sources, self.exclude, self.include = [], [], []
        self.cflags, self.libs, self.env = [], [], []
        self.werror = None     # None: the default for where the app lives
        self.debian, self.prepare = None, None
        self.ldflags = []
        self.base = app_dir    # where sources:, exclude:, include: are (debian: its tree)
        self.rootfs = None     # rootfs: as given (relative to the app)

    def rootfs_dir(self):
        """The folder packed into the boot archive, or None: rootfs: if
        given (it must exist), else the app's rootfs/ if there is one."""
        if self.rootfs is not None:
            d = os.path.join(self.app_dir, self.rootfs)
            if not os.path.isdir(d):
                raise ManifestError("%s: rootfs: %r is not a folder" % (
                    os.path.join(self.app_dir, "app.cfg"), self.rootfs))
            return d
        d = os.path.join(self.app_dir, "rootfs")
        return d if os.path.isdir(d) else None

    def source_files(self):
        """The app's sources: the sources: globs (recursive with **) minus
        exclude:, or every *.c and *.S at the top of the folder."""
        pats = self.sources or ["*.c", "*.S"]
        found = set()
        for p in pats:
            found.update(f for f in glob.glob(os.path.join(self.base, p), recursive=True)
                         if os.path.isfile(f))
        if self.debian:  # the app folder's own glue, beside the program's sources
            found.update(glob.glob(os.path.join(self.app_dir, "*.c")))
        for p in self.exclude:
            found.difference_update(glob.glob(os.path.join(self.base, p), recursive=True))
        return sorted(f for f in found if f.endswith((".c", ".S")))

    def include_dirs(self):
        return [os.path.normpath(os.path.join(self.base, d)) for d in self.include]


def _words(where, value):
    try:
        return shlex.split(value)
    except ValueError as e:
        raise ManifestError("%s: %s" % (where, e))


def _device(cfg, where, kind, value):
    name, _, flag = value.partition(" ")
    flag = flag.strip()
    if flag not in ("", "optional"):
        raise ManifestError("%s: after the device name only 'optional' may follow, got %r"
                            % (where, flag))
    if not NAME.match(name):
        raise ManifestError("%s: device name %r: 1..15 of a-z 0-9 _" % (where, name))
    if any(n == name for _, n, _ in cfg.devices):
        raise ManifestError("%s: device %r declared twice" % (where, name))
    cfg.devices.append((kind, name, flag == "optional"))


def _uses(cfg, where, value):
    for lib in _words(where, value):
        if lib not in LIBRARIES:
            raise ManifestError("%s: unknown library %r in 'uses:' (known: %s)"
                                % (where, lib, ", ".join(sorted(LIBRARIES))))
        cfg.uses.add(lib)


def _paths(attr):
    def add(cfg, where, value):
        for w in _words(where, value):
            if os.path.isabs(w) or w.split("/")[0] == "..":
                raise ManifestError("%s: %r must be relative to the app folder, inside it"
                                    % (where, w))
            getattr(cfg, attr).append(w)
    return add


def _cflags(cfg, where, value):
    cfg.cflags += _words(where, value)


def _libs(cfg, where, value):
    for w in _words(where, value):
        if not LIB.match(w):
            raise ManifestError("%s: library %r: give the name as in -lNAME (e.g. 'libs: m')"
                                % (where, w))
        cfg.libs.append(w)


def _env(cfg, where, value):
    for w in _words(where, value):
        if not ENV.match(w):
            raise ManifestError("%s: environment entry %r: expected NAME=VALUE" % (where, w))
        cfg.env.append(w)


def _debian(cfg, where, value):
    if not re.match(r"^[a-z0-9][a-z0-9+.-]+$", value):
        raise ManifestError("%s: debian: a source package name, got %r" % (where, value))
    cfg.debian = value


def _prepare(cfg, where, value):
    cfg.prepare = value  # a shell command, kept whole


def _rootfs(cfg, where, value):
    words = _words(where, value)
    if len(words) != 1 or os.path.isabs(words[0]) or words[0].split("/")[0] == "..":
        raise ManifestError("%s: rootfs: one folder relative to the app, inside it, got %r"
                            % (where, value))
    if cfg.rootfs is not None:
        raise ManifestError("%s: rootfs: given twice" % where)
    cfg.rootfs = words[0]


def _ldflags(cfg, where, value):
    cfg.ldflags += _words(where, value)


def _werror(cfg, where, value):
    if value not in ("yes", "no"):
        raise ManifestError("%s: werror: yes or no, got %r" % (where, value))
    cfg.werror = value == "yes"


KEYS = {
    "block": lambda c, w, v: _device(c, w, "block", v),
    "net": lambda c, w, v: _device(c, w, "net", v),
    "dir": lambda c, w, v: _device(c, w, "dir", v),
    "uses": _uses,
    "sources": _paths("sources"),
    "exclude": _paths("exclude"),
    "include": _paths("include"),
    "cflags": _cflags,
    "libs": _libs,
    "env": _env,
    "werror": _werror,
    "ldflags": _ldflags,
    "debian": _debian,
    "prepare": _prepare,
    "rootfs": _rootfs,
}


def read(app_dir):
    """The app's AppConfig (all defaults when it has no app.cfg); every line
    checked, errors name the file and line."""
    cfg = AppConfig(app_dir)
    path = os.path.join(app_dir, "app.cfg")
    if not os.path.exists(path):
        return cfg
    for n, raw in enumerate(open(path), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = "%s:%d" % (path, n)
        key, sep, value = (p.strip() for p in line.partition(":"))
        if not sep or key not in KEYS:
            raise ManifestError("%s: expected one of %s followed by ':', got %r"
                                % (where, ", ".join(KEYS), line))
        KEYS[key](cfg, where, value)
    if len(cfg.devices) > MAX_DEVICES:
        raise ManifestError("%s: more than %d devices" % (path, MAX_DEVICES))
    if cfg.prepare and not cfg.debian:
        raise ManifestError("%s: 'prepare:' runs in the tree of 'debian:', which is missing" % path)
    return cfg
