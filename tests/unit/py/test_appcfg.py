"""app.cfg (tools/duetbuild/appcfg.py): every key parsed, bad lines refused
with the file and line; sources from globs; -Werror only for our own apps."""
import os
import tempfile
import unittest

from duetbuild import appcfg as manifest
from duetbuild.targets import Targets


def cfg_dir(text, files=()):
    d = tempfile.mkdtemp(prefix="duet-appcfg-")
    with open(os.path.join(d, "app.cfg"), "w") as f:
        f.write(text)
    for name in files:
        os.makedirs(os.path.dirname(os.path.join(d, name)) or d, exist_ok=True)
        open(os.path.join(d, name), "w").close()
    return d


class AppCfg(unittest.TestCase):
    def test_every_key(self):
        c = manifest.read(cfg_dir(
            "block: disk0\nnet: net0 optional  # comment\nuses: lwip\n"
            "cflags: -DFOO=1 '-DBAR=a b'\ncflags: -Wno-unused\ninclude: inc src\n"
            "sources: src/**/*.c\nexclude: src/test_*.c\nlibs: m\nldflags: -Wl,-Map=x\n"
            "werror: no\nenv: HOME=/ LANG=C\ndebian: sqlite3\nprepare: make x.c\n"))
        self.assertEqual(c.devices, [("block", "disk0", False), ("net", "net0", True)])
        self.assertEqual(c.uses, {"lwip"})
        self.assertEqual(c.cflags, ["-DFOO=1", "-DBAR=a b", "-Wno-unused"])
        self.assertEqual(c.include, ["inc", "src"])
        self.assertEqual((c.sources, c.exclude), (["src/**/*.c"], ["src/test_*.c"]))
        self.assertEqual((c.libs, c.ldflags, c.werror), (["m"], ["-Wl,-Map=x"], False))
        self.assertEqual((c.env, c.debian, c.prepare), (["HOME=/", "LANG=C"], "sqlite3", "make x.c"))

    def test_no_app_cfg_is_the_default(self):
        c = manifest.read(tempfile.mkdtemp())
        self.assertEqual((c.devices, c.cflags, c.werror, c.debian), ([], [], None, None))

    def refused(self, text, words):
        with self.assertRaises(manifest.ManifestError) as e:
            manifest.read(cfg_dir(text))
        for w in words:
            self.assertIn(w, str(e.exception))

    def test_bad_lines(self):
        self.refused("colour: blue\n", ["app.cfg:1", "expected one of", "cflags"])
        self.refused("\n\nwerror: maybe\n", ["app.cfg:3", "yes or no"])
        self.refused("include: ../outside\n", ["inside"])
        self.refused("sources: /etc/*.c\n", ["relative"])
        self.refused("libs: -lm\n", ["-lNAME"])
        self.refused("env: 1X=2\n", ["NAME=VALUE"])
        self.refused("cflags: '-DX=unclosed\n", ["app.cfg:1"])
        self.refused("block: disk0\nblock: disk0\n", ["declared twice"])
        self.refused("block: Disk\n", ["a-z 0-9"])
        self.refused("uses: openssl\n", ["unknown library"])
        self.refused("prepare: make\n", ["debian:"])
        self.refused("debian: Not_A_Package\n", ["source package name"])


def app_cflags(root, app_dir):
    t = Targets.__new__(Targets)  # only _app_cflags and _rel: no build dir needed
    t.root = root
    return t._app_cflags(["-O2", "-Wall", "-Wextra", "-Werror"], manifest.read(app_dir))


class Sources(unittest.TestCase):
    def test_globs_subfolders_and_exclude(self):
        d = cfg_dir("sources: src/**/*.c\nexclude: src/tools/*.c\ninclude: src\ncflags: -DX\n",
                    ["src/a.c", "src/deep/er/b.c", "src/tools/main2.c", "top.c",
                     "src/readme.txt"])
        c = manifest.read(d)
        self.assertEqual([os.path.relpath(s, d) for s in c.source_files()],
                         ["src/a.c", "src/deep/er/b.c"])
        self.assertEqual(c.include_dirs(), [os.path.join(d, "src")])

    def test_default_sources_are_the_folder_c_files(self):
        d = cfg_dir("", ["main.c", "util.c", "sub/skip.c"])
        self.assertEqual([os.path.basename(s) for s in manifest.read(d).source_files()],
                         ["main.c", "util.c"])

    def test_a_port_takes_sources_from_its_tree_plus_glue(self):
        tree = cfg_dir("", ["duet/sqlite3.c", "duet/shell.c", "src/other.c"])
        d = cfg_dir("debian: sqlite3\nsources: duet/*.c\ninclude: duet\n", ["glue.c"])
        c = manifest.read(d)
        c.base = tree  # what ports.prepare sets after fetching
        self.assertEqual(sorted(os.path.relpath(s, tree) if s.startswith(tree) else "glue"
                                for s in c.source_files()),
                         ["duet/shell.c", "duet/sqlite3.c", "glue"])
        self.assertEqual(c.include_dirs(), [os.path.join(tree, "duet")])

    def test_werror_only_for_this_repos_apps(self):
        root = tempfile.mkdtemp()
        inside = os.path.join(root, "apps", "x")
        os.makedirs(inside)
        outside = cfg_dir("", ["main.c"])
        self.assertIn("-Werror", app_cflags(root, inside))
        self.assertNotIn("-Werror", app_cflags(root, outside))
        with open(os.path.join(inside, "app.cfg"), "w") as f:
            f.write("werror: no\n")
        self.assertNotIn("-Werror", app_cflags(root, inside))
        with open(os.path.join(outside, "app.cfg"), "w") as f:
            f.write("werror: yes\ncflags: -DLAST\n")
        flags = app_cflags(root, outside)
        self.assertIn("-Werror", flags)
        self.assertEqual(flags[-1], "-DLAST")  # the app's flags come last, so they win
