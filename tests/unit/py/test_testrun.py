"""Which unit test programs `./build.py test` runs (tools/duetbuild/testrun.py):
the ones the build targets make, never a stale binary left in build/tests."""
import contextlib
import io
import os
import shutil
import tempfile
import types
import unittest

from duetbuild import testrun


def program(path, case):
    """A stand-in unit test: prints one PASS line, as tests/unit/check.h does."""
    with open(path, "w") as f:
        f.write("#!/bin/sh\necho 'PASS %s'\n" % case)
    os.chmod(path, 0o755)


class UnitPrograms(unittest.TestCase):
    def setUp(self):
        self.top = tempfile.mkdtemp(prefix="duet-testrun-")
        self.addCleanup(shutil.rmtree, self.top)
        tests = os.path.join(self.top, "build", "tests")
        os.makedirs(tests)
        built = os.path.join(tests, "test_live")
        tsan = os.path.join(tests, "test_live_tsan")
        program(built, "live case")
        program(tsan, "tsan case")
        program(os.path.join(tests, "test_gone"), "stale case")  # no target makes it now
        targets = types.SimpleNamespace(
            unit_tests=lambda: [types.SimpleNamespace(output=built)],
            tsan_tests=lambda: [types.SimpleNamespace(output=tsan)])
        self.proj = types.SimpleNamespace(root=self.top, build_dir=os.path.join(self.top, "build"),
                                          targets=targets)

    def run_units(self, pattern):
        res = testrun.Results()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            testrun.unit_tests(self.proj, res, pattern)
        return res, out.getvalue()

    def test_only_the_targets_programs_run(self):
        res, out = self.run_units(None)
        self.assertEqual(out, "PASS test_live: live case\nPASS test_live_tsan: tsan case\n")
        self.assertEqual((res.passed, res.failed), (2, []))

    def test_pattern_picks_among_them(self):
        res, out = self.run_units("_tsan")
        self.assertEqual(out, "PASS test_live_tsan: tsan case\n")
        res, out = self.run_units("test_gone")
        self.assertEqual((out, res.passed), ("", 0))

    def test_a_target_without_its_program_fails(self):
        os.unlink(os.path.join(self.top, "build", "tests", "test_live"))
        res, _ = self.run_units(None)
        self.assertEqual(res.failed, ["test_live"])
