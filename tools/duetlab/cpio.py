"""Writer for the "newc" cpio format, the only one Linux's initramfs reads.

We write archives ourselves rather than call the cpio tool so that:
  * file modes are exactly what we ask (an executable must be 0755 inside
    the lab, whatever the umask or host file mode was), owners are root;
  * the payload can come from bytes in memory, not only from host files;
  * nothing beyond the Python standard library is needed.

Format (Documentation/driver-api/early-userspace/buffer-format.rst): each
entry is a 110-byte ASCII header ("070701" + 13 fields of 8 hex digits),
the NUL-terminated name, padding to a multiple of 4, the data, padding to
a multiple of 4.  The archive ends with an entry named "TRAILER!!!".
"""

import stat

MAGIC = b"070701"
TRAILER = "TRAILER!!!"


def _pad4(n):
    return (4 - n % 4) % 4


def _header_and_data(ino, name, mode, data, rdev):
    name_b = name.encode() + b"\0"
    fields = (
        ino,             # unique per entry (hard links are not used)
        mode,
        0, 0,            # uid, gid: root
        2 if stat.S_ISDIR(mode) else 1,  # nlink
        0,               # mtime fixed: archives are reproducible, cacheable
        len(data),
        0, 0,            # dev major/minor of the (nonexistent) source fs
        rdev[0], rdev[1],
        len(name_b),
        0,               # check: only used by the "070702" crc variant
    )
    hdr = MAGIC + b"".join(b"%08X" % f for f in fields)
    return b"".join((hdr, name_b, b"\0" * _pad4(len(hdr) + len(name_b)),
                     data, b"\0" * _pad4(len(data))))


class CpioWriter:
    """Accumulates entries in memory; `getvalue()` returns the archive.

    Parent directories are created automatically (once each), because the
    kernel's unpacker does not create missing parents for us.
    """

    def __init__(self, first_ino=1):
        # Archives that get concatenated should use disjoint inode ranges:
        # the kernel matches hard links by inode number across archives.
        self._chunks = []
        self._ino = first_ino
        self._dirs = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        self._chunks.append(
            _header_and_data(self._ino, name, mode, data, rdev))
        self._ino += 1

    @staticmethod
    def _norm(path):
        path = path.strip("/")
        if not path or any(p in ("", ".", "..") for p in path.split("/")):
            raise ValueError("bad path for the initramfs: %r" % path)
        return path

    def mkdir(self, path, mode=0o755):
        """Add a directory (and its parents) unless already added."""
        path = self._norm(path)
        parts = path.split("/")
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in self._dirs:
                self._dirs.add(d)
                self._entry(d, stat.S_IFDIR | mode)

    def _parent(self, path):
        if "/" in path:
            self.mkdir(path.rsplit("/", 1)[0])

    def add_file(self, path, data, mode=0o644):
        path = self._norm(path)
        self._parent(path)
        self._entry(path, stat.S_IFREG | (mode & 0o7777), bytes(data))

    def add_symlink(self, path, target):
        path = self._norm(path)
        self._parent(path)
        self._entry(path, stat.S_IFLNK | 0o777, target.encode())

    def add_chardev(self, path, major, minor, mode=0o600):
        """Device node: /dev/console must exist before /init runs, or the
        kernel starts init with no stdin/stdout at all."""
        path = self._norm(path)
        self._parent(path)
        self._entry(path, stat.S_IFCHR | mode, rdev=(major, minor))

    def getvalue(self):
        """The archive, terminated by the trailer entry."""
        trailer = _header_and_data(0, TRAILER, 0, b"", (0, 0))
        return b"".join(self._chunks) + trailer
