"""The digest of a failed link or compile (tools/duetbuild/diagnose.py)."""
import unittest

from duetbuild import buildlog as diagnose

LD = "/usr/lib/gcc-cross/aarch64-linux-gnu/12/../../../../aarch64-linux-gnu/bin/ld"
LINK = """%(ld)s: /w/build/obj/apps/sq/duet/duet/shell.c.o: in function `main':
/c/sqlite3/duet/shell.c:120: undefined reference to `unlink'
/c/sqlite3/duet/shell.c:120:(.text.startup.main+0x1c): relocation truncated to fit: R_AARCH64_CALL26 against undefined symbol `unlink'
%(ld)s: /c/sqlite3/duet/shell.c:130: undefined reference to `getcwd'
%(ld)s: /w/build/obj/apps/sq/duet/duet/sqlite3.c.o: in function `unixDelete':
/c/sqlite3/duet/sqlite3.c:9: undefined reference to `unlink'
%(ld)s: /w/build/obj/apps/sq/duet/duet/sqlite3.c.o: in function `f':
(.text.f+0x8): undefined reference to `fsync'
%(ld)s: /usr/lib/picolibc/aarch64-linux-gnu/lib/libc.a(libc_posix_rename.c.o): in function `rename':
rename.c:(.text+0x10): undefined reference to `_rename'
collect2: error: ld returned 1 exit status
""" % {"ld": LD}


class LinkDigest(unittest.TestCase):
    def test_each_missing_call_once_with_its_files(self):
        self.assertEqual(diagnose.missing_calls(LINK), [
            ("unlink", ["shell.c", "sqlite3.c"]), ("getcwd", ["shell.c"]),
            ("fsync", ["sqlite3.c"]), ("_rename", ["libc_posix_rename.c"])])

    def test_report_lines(self):
        lines = diagnose.link_report(LINK)
        self.assertEqual(lines[0], "duet: unlink is not provided by Duet's libc "
                                   "(used in shell.c, sqlite3.c)")
        self.assertEqual(len(lines), 4)  # no relocation or collect2 noise

    def test_another_error_is_shown_first_hand(self):
        text = ("%s: b.o: in function `main':\nb.c:3: multiple definition of `main'; "
                "a.o:a.c:1: first defined here\ncollect2: error: ld returned 1 exit status\n" % LD)
        lines = diagnose.link_report(text)
        self.assertEqual(len(lines), 1)
        self.assertIn("multiple definition of `main'", lines[0])

    def test_unknown_shape_falls_back_to_the_output(self):
        self.assertEqual(diagnose.link_report("something odd\n"), ["something odd"])


COMPILE = """x.c: In function 'f':
x.c:3:9: warning: unused variable 'u' [-Wunused-variable]
    3 |     int u;
      |         ^
x.c:4:5: error: 'nope' undeclared (first use in this function)
    4 |     nope = 1;
      |     ^~~~
x.c:4:5: note: each undeclared identifier is reported only once
x.c:9:1: error: expected ';' before '}' token
"""


class CompileDigest(unittest.TestCase):
    def test_first_error_with_its_context_only(self):
        lines = diagnose.compile_report(COMPILE)
        self.assertEqual(lines[0], "x.c:4:5: error: 'nope' undeclared (first use in this function)")
        self.assertIn("x.c:4:5: note: each undeclared identifier is reported only once", lines)
        self.assertFalse(any("expected ';'" in l or "warning" in l for l in lines))

    def test_include_chain_is_kept(self):
        text = ("In file included from /p/include/dirent.h:39,\n"
                "                 from shell.c:138:\n"
                "/p/sys/dirent.h:38:2: error: #error \"<dirent.h> not supported\"\n")
        lines = diagnose.compile_report(text)
        self.assertEqual(len(lines), 3)
        self.assertTrue(lines[0].startswith("In file included"))


class Explain(unittest.TestCase):
    def test_full_output_goes_to_a_log_beside_the_output(self):
        import os
        import tempfile
        out = os.path.join(tempfile.mkdtemp(), "app.elf")
        msg = diagnose.explain(out, LINK, is_link=True)
        self.assertEqual(open(out + ".log").read(), LINK)
        self.assertIn("duet: getcwd is not provided by Duet's libc (used in shell.c)", msg)
        self.assertIn("full linker output: ", msg)
        self.assertNotIn("relocation truncated", msg)
