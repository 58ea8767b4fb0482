"""An app's rootfs/ folder -> the boot archive the guest sees read-only at /
(the format: shared/include/duet/rootfs.h).

Index first (header, nodes, names), then each file's data on its own page
boundary, so the host can map the archive straight from the image file and
the guest reads a file's pages only when it reads the file.

What a tree may hold: directories and regular files (their permission bits
and mtime are kept). A symlink pointing inside the tree becomes a second
name of its target (the guest has no symlinks; data is stored once); one
pointing outside, a dangling one, one making a directory loop, FIFOs,
sockets and device nodes fail the build with the path named.
"""
import os
import stat
import struct

MAGIC = b"DUETROFS"
VERSION = 1
ALIGN = 4096
HEADER = struct.Struct("<8sIIQQQQ")   # struct duet_rootfs_header
NODE = struct.Struct("<IIQQQqQ")      # struct duet_rootfs_node
S_IFDIR, S_IFREG = 0o040000, 0o100000
NAME_MAX = 255
MAX_SIZE = 1 << 30                    # DUET_ROOTFS_MAX
QEMU_FLASH_SIZE = 64 << 20            # qemu-virt: flash bank 1


class RootfsError(Exception):
    pass


def _align(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


class _Node:
    def __init__(self, name, st, real):
        self.name, self.st, self.real = name, st, real
        self.children = []           # directories: [_Node], sorted by name
        self.first = self.count = 0


def _resolve(top_real, path, rel):
    """(stat, real path) of path, following a symlink only to inside the tree."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        target = os.path.realpath(path)
        if os.path.commonpath([top_real, target]) != top_real:
            raise RootfsError("rootfs: %s is a symlink pointing outside the tree (to %s)"
                              % (rel, os.readlink(path)))
        if not os.path.exists(target):
            raise RootfsError("rootfs: %s is a dangling symlink (to %s)" % (rel, os.readlink(path)))
        return os.stat(target), target
    return st, os.path.realpath(path)


def scan(top):
    """The tree under top as _Nodes (the root first); RootfsError if it
    holds something the archive cannot."""
    top_real = os.path.realpath(top)
    root = _Node(b"", os.stat(top_real), top_real)
    stack = [(root, top_real, "", (top_real,))]
    while stack:
        node, real, rel, ancestors = stack.pop()
        for name in sorted(os.listdir(real), key=os.fsencode):
            raw = os.fsencode(name)
            crel = rel + "/" + name if rel else name
            if len(raw) > NAME_MAX:
                raise RootfsError("rootfs: %s: a name longer than %d bytes" % (crel, NAME_MAX))
            st, creal = _resolve(top_real, os.path.join(real, name), crel)
            child = _Node(raw, st, creal)
            if stat.S_ISDIR(st.st_mode):
                if creal in ancestors:
                    raise RootfsError("rootfs: %s is a symlink to a folder containing it "
                                      "(a loop)" % crel)
                stack.append((child, creal, crel, ancestors + (creal,)))
            elif not stat.S_ISREG(st.st_mode):
                raise RootfsError("rootfs: %s is not a file or a folder (FIFOs, sockets and "
                                  "devices cannot be shipped)" % crel)
            node.children.append(child)
    return root


def _ordered(root):
    """Nodes breadth first: a directory's children are consecutive."""
    order, i = [root], 0
    while i < len(order):
        n = order[i]
        if stat.S_ISDIR(n.st.st_mode):
            n.first, n.count = len(order), len(n.children)
            order += n.children
        i += 1
    return order


def signature(top):
    """What the archive depends on, cheaply (paths, sizes, mtimes, modes):
    an unchanged tree is not packed again."""
    lines = []
    for n in _ordered(scan(top)):
        lines.append("%r %o %d %d %s" % (n.name, n.st.st_mode, n.st.st_size, n.st.st_mtime_ns,
                                         n.real))
    return "\n".join(lines)


def pack(top, out):
    """Writes the archive of top to out; returns its size."""
    order = _ordered(scan(top))
    names, name_off = bytearray(), []
    for n in order:
        name_off.append(len(names))
        names += n.name
    nodes_off = HEADER.size
    names_off = nodes_off + NODE.size * len(order)
    offset = _align(names_off + len(names))
    data_at, files = {}, []    # a file reached twice (symlink) is stored once
    for n in order:
        if stat.S_ISREG(n.st.st_mode) and n.real not in data_at:
            data_at[n.real] = offset
            files.append(n)
            offset = _align(offset + n.st.st_size)
    total = offset
    if total > MAX_SIZE:
        raise RootfsError("rootfs: %s packs into %d MiB, more than the %d MiB a guest maps"
                          % (top, total >> 20, MAX_SIZE >> 20))
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(HEADER.pack(MAGIC, VERSION, len(order), total, nodes_off, names_off, len(names)))
        for i, n in enumerate(order):
            perm = n.st.st_mode & 0o7777
            if stat.S_ISDIR(n.st.st_mode):
                rec = (S_IFDIR | perm, len(n.name), name_off[i], n.first, n.count)
            else:
                rec = (S_IFREG | perm, len(n.name), name_off[i], data_at[n.real], n.st.st_size)
            f.write(NODE.pack(*rec, int(n.st.st_mtime), 0))
        f.write(names)
        for n in files:
            f.seek(data_at[n.real])
            with open(n.real, "rb") as src:
                left = n.st.st_size
                while left > 0:
                    chunk = src.read(min(left, 1 << 20))
                    if not chunk:
                        raise RootfsError("rootfs: %s shrank while being packed" % n.real)
                    f.write(chunk)
                    left -= len(chunk)
        f.truncate(total)
    os.replace(tmp, out)
    return total


def build(top, out):
    """Packs top into out unless its signature is unchanged (out keeps its
    mtime then, so nothing relinks). Returns out."""
    sig = signature(top)
    sig_file = out + ".sig"
    try:
        if os.path.exists(out) and open(sig_file).read() == sig:
            return out
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(out), exist_ok=True)
    pack(top, out)
    with open(sig_file, "w") as f:
        f.write(sig)
    return out


def flash_image(archive, out):
    """qemu-virt's copy: the archive padded (sparse) to QEMU's 64 MiB flash bank."""
    size = os.path.getsize(archive)
    if size > QEMU_FLASH_SIZE:
        raise RootfsError("rootfs: %d MiB does not fit qemu-virt's 64 MiB flash bank "
                          "(the duet platform maps up to 1 GiB)" % (size >> 20))
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(archive):
        return out
    tmp = out + ".tmp"
    with open(archive, "rb") as src, open(tmp, "wb") as dst:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            dst.write(chunk)
        dst.truncate(QEMU_FLASH_SIZE)
    os.replace(tmp, out)
    return out


def generated_app(app, main_src, blob_rel, size, marker=b""):
    """An app folder made at test or bench time (never committed): main_src
    copied in as main.c, and rootfs/BLOB_REL a sparse file of size bytes
    ending in marker. Left alone when already so, so nothing repacks."""
    os.makedirs(app, exist_ok=True)
    dst = os.path.join(app, "main.c")
    text = open(main_src).read()
    if not os.path.exists(dst) or open(dst).read() != text:
        with open(dst, "w") as f:
            f.write(text)
    if blob_rel:
        blob = os.path.join(app, "rootfs", blob_rel)
        os.makedirs(os.path.dirname(blob), exist_ok=True)
        if not os.path.exists(blob) or os.path.getsize(blob) != size:
            with open(blob, "wb") as f:
                f.truncate(size - len(marker))
                f.seek(size - len(marker))
                f.write(marker)
    return app


def asm_source(archive, out_s):
    """The .S that puts the archive into the image's .duet_rootfs section
    (not loaded: the host maps it from the file). Written when it changes."""
    text = ('/* Generated by build.py: the app\'s rootfs (tools/duetbuild/rootfs.py). */\n'
            '    .section .duet_rootfs, "", %%progbits\n    .p2align 12\n    .incbin "%s"\n'
            % archive.replace("\\", "\\\\").replace('"', '\\"'))
    os.makedirs(os.path.dirname(out_s), exist_ok=True)
    if not os.path.exists(out_s) or open(out_s).read() != text:
        with open(out_s, "w") as f:
            f.write(text)
    return out_s
