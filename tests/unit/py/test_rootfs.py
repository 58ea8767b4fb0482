"""The rootfs packer (tools/duetbuild/rootfs.py) and app.cfg's rootfs: key:
the archive laid out as shared/include/duet/rootfs.h says, modes kept,
symlinks inside become second names, anything else refused by name."""
import os
import stat
import tempfile
import unittest

from duetbuild import appcfg, rootfs


def read_archive(path):
    """{path: (mode, bytes or None)} and the raw header, parsed independently."""
    b = open(path, "rb").read()
    magic, version, nnodes, size, nodes_off, names_off, names_size = rootfs.HEADER.unpack_from(b)
    nodes = [rootfs.NODE.unpack_from(b, nodes_off + i * rootfs.NODE.size) for i in range(nnodes)]
    out = {}

    def name(n):
        return b[names_off + n[2]:names_off + n[2] + n[1]].decode()

    def visit(i, path):
        mode, _, _, first, count, _, _ = nodes[i]
        if mode & 0o170000 == rootfs.S_IFDIR:
            kids = [name(nodes[k]) for k in range(first, first + count)]
            assert kids == sorted(kids, key=os.fsencode), kids
            out[path or "/"] = (mode, None)
            for k in range(first, first + count):
                visit(k, path + "/" + name(nodes[k]))
        else:
            assert first % rootfs.ALIGN == 0 and first + count <= size
            out[path] = (mode, b[first:first + count], first)
    visit(0, "")
    return (magic, version, size, len(b)), out


class Packer(unittest.TestCase):
    def tree(self):
        d = tempfile.mkdtemp(prefix="duet-rootfs-")
        os.makedirs(os.path.join(d, "etc"))
        os.makedirs(os.path.join(d, "usr", "share"))
        with open(os.path.join(d, "etc", "config"), "w") as f:
            f.write("a = 1\n")
        with open(os.path.join(d, "usr", "share", "big"), "wb") as f:
            f.write(bytes(range(256)) * 40)
        os.chmod(os.path.join(d, "etc", "config"), 0o640)
        os.chmod(os.path.join(d, "usr", "share", "big"), 0o755)
        os.symlink("../etc/config", os.path.join(d, "usr", "link"))
        os.symlink("share", os.path.join(d, "usr", "dirlink"))
        return d

    def test_layout_modes_and_links(self):
        d = self.tree()
        out = os.path.join(d + ".img")
        size = rootfs.pack(d, out)
        (magic, version, hsize, fsize), files = read_archive(out)
        self.assertEqual((magic, version, hsize, fsize), (b"DUETROFS", 1, size, size))
        self.assertEqual(size % rootfs.ALIGN, 0)
        self.assertEqual(files["/etc/config"][:2], (rootfs.S_IFREG | 0o640, b"a = 1\n"))
        self.assertEqual(files["/usr/share/big"][0], rootfs.S_IFREG | 0o755)
        self.assertEqual(files["/usr/share/big"][1], bytes(range(256)) * 40)
        # A symlink is a second name of its target: the same data, stored once.
        self.assertEqual(files["/usr/link"][1:], files["/etc/config"][1:])
        self.assertEqual(files["/usr/dirlink/big"][1:], files["/usr/share/big"][1:])
        self.assertTrue(stat.S_ISDIR(files["/usr"][0]))
        self.assertEqual(sorted(files), ["/", "/etc", "/etc/config", "/usr", "/usr/dirlink",
                                         "/usr/dirlink/big", "/usr/link", "/usr/share",
                                         "/usr/share/big"])

    def test_build_repacks_only_on_change(self):
        d = self.tree()
        out = d + ".img"
        rootfs.build(d, out)
        before = os.stat(out).st_mtime_ns
        rootfs.build(d, out)
        self.assertEqual(os.stat(out).st_mtime_ns, before)
        with open(os.path.join(d, "etc", "new"), "w") as f:
            f.write("x")
        rootfs.build(d, out)
        self.assertIn("/etc/new", read_archive(out)[1])

    def refused(self, make, words):
        d = self.tree()
        make(d)
        with self.assertRaises(rootfs.RootfsError) as e:
            rootfs.pack(d, d + ".img")
        for w in words:
            self.assertIn(w, str(e.exception))

    def test_refused(self):
        self.refused(lambda d: os.symlink("/etc/passwd", os.path.join(d, "etc", "pw")),
                     ["etc/pw", "outside"])
        self.refused(lambda d: os.symlink("../../..", os.path.join(d, "etc", "up")),
                     ["etc/up", "outside"])
        self.refused(lambda d: os.symlink("nothing", os.path.join(d, "etc", "dangling")),
                     ["etc/dangling", "dangling"])
        self.refused(lambda d: os.symlink("..", os.path.join(d, "usr", "share", "loop")),
                     ["usr/share/loop", "loop"])
        self.refused(lambda d: os.mkfifo(os.path.join(d, "etc", "fifo")), ["etc/fifo", "FIFO"])

    def test_flash_image_for_qemu_virt(self):
        d = self.tree()
        img = rootfs.build(d, d + ".img")
        flash = rootfs.flash_image(img, d + ".flash")
        self.assertEqual(os.path.getsize(flash), rootfs.QEMU_FLASH_SIZE)
        self.assertEqual(open(flash, "rb").read(os.path.getsize(img)), open(img, "rb").read())


class AppCfgKey(unittest.TestCase):
    def app(self, cfg, dirs=()):
        d = tempfile.mkdtemp(prefix="duet-rootfs-app-")
        for sub in dirs:
            os.makedirs(os.path.join(d, sub))
        if cfg is not None:
            with open(os.path.join(d, "app.cfg"), "w") as f:
                f.write(cfg)
        return d

    def test_default_and_named(self):
        d = self.app(None, ["rootfs"])
        self.assertEqual(appcfg.read(d).rootfs_dir(), os.path.join(d, "rootfs"))
        self.assertIsNone(appcfg.read(self.app(None)).rootfs_dir())
        d = self.app("rootfs: files/tree\n", ["files/tree", "rootfs"])
        self.assertEqual(appcfg.read(d).rootfs_dir(), os.path.join(d, "files/tree"))

    def test_refused(self):
        for text, word in (("rootfs: /abs\n", "inside"), ("rootfs: ../up\n", "inside"),
                           ("rootfs: a b\n", "one folder"), ("rootfs: a\nrootfs: a\n", "twice")):
            with self.assertRaises(appcfg.ManifestError) as e:
                appcfg.read(self.app(text, ["a"]))
            self.assertIn(word, str(e.exception))
        with self.assertRaises(appcfg.ManifestError) as e:
            appcfg.read(self.app("rootfs: missing\n")).rootfs_dir()
        self.assertIn("not a folder", str(e.exception))


if __name__ == "__main__":
    unittest.main()
