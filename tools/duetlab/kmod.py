"""Kernel modules for the lab: found in an unpacked linux-image package, with
their dependencies, in load order, decompressed.

The lab's /init loads them with busybox insmod, which neither resolves
dependencies nor (in every build) reads .ko.xz; and trixie's package ships
no modules.dep (depmod makes it at install time). So the dependencies come
from each module's own .modinfo section ("depends=a,b"), read here, and the
files are stored uncompressed.
"""
import glob
import lzma
import os
import struct

from .errors import LabError


def _name(path):
    base = os.path.basename(path)
    for ext in (".ko.xz", ".ko"):
        if base.endswith(ext):
            base = base[:-len(ext)]
    return base.replace("-", "_")  # the kernel treats - and _ in names alike


def index(root):
    """{module name: path} for every module of the unpacked package at root."""
    found = {}
    for top in ("lib/modules", "usr/lib/modules"):
        for pat in ("*.ko", "*.ko.xz"):
            for p in glob.glob(os.path.join(root, top, "*", "kernel", "**", pat), recursive=True):
                found[_name(p)] = p
    return found


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    return lzma.decompress(data) if path.endswith(".xz") else data


def depends(elf, what="module"):
    """The names in the `depends=` entry of an ELF64 little-endian module."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise LabError("%s: not a 64-bit little-endian ELF module" % what)
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3a)
    if shoff + shnum * shentsize > len(elf) or shstrndx >= shnum or shentsize < 64:
        raise LabError("%s: section headers out of the file" % what)

    def section(i):
        name, _, _, _, off, size = struct.unpack_from("<IIQQQQ", elf, shoff + i * shentsize)
        return name, elf[off:off + size]
    names = section(shstrndx)[1]
    for i in range(shnum):
        name, body = section(i)
        if names[name:names.index(b"\0", name)] == b".modinfo":
            for entry in body.split(b"\0"):
                if entry.startswith(b"depends="):
                    return [d.decode() for d in entry[len(b"depends="):].split(b",") if d]
            return []
    raise LabError("%s: no .modinfo section" % what)


def load_order(root, wanted):
    """[(name, uncompressed bytes)] for wanted and what they need, each
    module after its dependencies."""
    idx = index(root)
    done, out = set(), []

    def visit(name, chain):
        if name in done:
            return
        if name in chain:
            raise LabError("module dependency loop: " + " -> ".join(chain + [name]))
        if name not in idx:
            raise LabError("module %s not in the kernel package (needed by %s)"
                           % (name, " -> ".join(chain) or "the lab"))
        data = read(idx[name])
        for dep in depends(data, name):
            visit(dep, chain + [name])
        done.add(name)
        out.append((name, data))
    for w in wanted:
        visit(w, [])
    return out
