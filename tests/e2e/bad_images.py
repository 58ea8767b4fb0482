"""Makes broken guest images from a real one, each broken in one way.

Starting from a working image (hello) keeps every other field valid, so each
case tests exactly one check of the host's ELF loader.
"""
import os
import struct

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
SHDR = struct.Struct("<IIQQQQIIQQ")
PT_LOAD, PT_NOTE = 1, 4


def _phdrs(img):
    e = EHDR.unpack_from(img, 0)
    phoff, phentsize, phnum = e[5], e[9], e[10]
    return [(phoff + i * phentsize, list(PHDR.unpack_from(img, phoff + i * phentsize)))
            for i in range(phnum)]


def _loads(img):
    return [(off, p) for off, p in _phdrs(img) if p[0] == PT_LOAD]


def _set_ph(img, off, p):
    PHDR.pack_into(img, off, *p)


def _set_addr(img, off, p, addr):
    p[3] = p[4] = addr  # p_vaddr and p_paddr together: identity mapped
    _set_ph(img, off, p)


def _section(img, name):
    """The file offset of the section header named name."""
    e = EHDR.unpack_from(img, 0)
    shoff, shnum, shstrndx = e[6], e[12], e[13]
    strtab = SHDR.unpack_from(img, shoff + shstrndx * SHDR.size)[4]
    for i in range(shnum):
        off = shoff + i * SHDR.size
        n = SHDR.unpack_from(img, off)[0]
        if img[strtab + n:strtab + n + len(name) + 1] == name + b"\0":
            return off
    raise ValueError("no section %r" % name)


def make(good_path, out_dir):
    """Writes the bad images into out_dir; returns their names."""
    good = open(good_path, "rb").read()
    os.makedirs(out_dir, exist_ok=True)
    out = {}

    def mutate(name, fn):
        img = bytearray(good)
        fn(img)
        out[name] = bytes(img)

    out["empty.elf"] = b""
    out["not-elf.elf"] = b"#!/bin/sh\necho this is not an ELF image\n"
    out["truncated.elf"] = good[:100]
    mutate("x86.elf", lambda b: struct.pack_into("<H", b, 18, 62))
    mutate("elf32.elf", lambda b: b.__setitem__(4, 1))
    mutate("big-endian.elf", lambda b: b.__setitem__(5, 2))
    mutate("dyn.elf", lambda b: struct.pack_into("<H", b, 16, 3))

    def outside(b):
        off, p = _loads(b)[0]
        _set_addr(b, off, p, 0x7ff00000)  # past the end of 32 MiB of RAM at 0x40000000
    mutate("outside-ram.elf", outside)

    def below(b):
        off, p = _loads(b)[0]
        _set_addr(b, off, p, 0x40000000)  # where the host puts the device tree
    mutate("below-load-min.elf", below)

    def overlap(b):
        (o0, p0), (o1, p1) = _loads(b)[0], _loads(b)[1]
        # Page-aligned and congruent to its file offset, so only the overlap
        # check can object: the second segment now starts inside the first.
        p1[7] = 0x1000
        _set_addr(b, o1, p1, p0[3] + 0x1000 + (p1[2] % 0x1000))
    mutate("overlap.elf", overlap)

    def entry(b):
        e = list(EHDR.unpack_from(b, 0))
        e[4] = 0x40000010  # not inside any executable segment
        EHDR.pack_into(b, 0, *e)
    mutate("entry-outside-text.elf", entry)

    def filesz(b):
        off, p = _loads(b)[0]
        p[6] = p[5] - 1 if p[5] else 0  # p_memsz smaller than p_filesz
        _set_ph(b, off, p)
    mutate("filesz-gt-memsz.elf", filesz)

    def noload(b):
        for off, p in _loads(b):
            p[0] = PT_NOTE
            _set_ph(b, off, p)
    mutate("no-load.elf", noload)

    # From the rootfs app's image: its .duet_rootfs section moved off a page
    # boundary, or made to run past the end of the file.
    rootfs = os.path.join(os.path.dirname(good_path), "rootfs.duet.elf")
    if os.path.exists(rootfs):
        img = open(rootfs, "rb").read()
        for name, field, delta in (("rootfs-misaligned.elf", 4, 16), ("rootfs-outside.elf", 5, 1 << 40)):
            b = bytearray(img)
            off = _section(b, b".duet_rootfs")
            sh = list(SHDR.unpack_from(b, off))
            sh[field] += delta
            SHDR.pack_into(b, off, *sh)
            out[name] = bytes(b)

    out["disk-300.img"] = bytes(300)  # a block device file that is no whole sectors
    out["disk-512.img"] = bytes(512)
    for name, data in out.items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
    return sorted(out)
