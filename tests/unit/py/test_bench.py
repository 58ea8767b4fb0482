"""The bench driver (tools/duetbuild/bench): --only's parts, which commands a
lab boot's script holds for them, and the --stats split it reads back."""
import unittest

from duetbuild.bench import exits
from duetbuild.bench import run


class Parts(unittest.TestCase):
    def test_default_is_everything(self):
        self.assertEqual(run.parts(None), set(run.PARTS))

    def test_named_parts(self):
        self.assertEqual(run.parts("exits, boot"), {"exits", "boot"})

    def test_unknown_part_is_refused(self):
        with self.assertRaises(SystemExit) as e:
            run.parts("exits,bogus")
        self.assertIn("bogus", str(e.exception))
        with self.assertRaises(SystemExit):
            run.parts(",")


class LabScript(unittest.TestCase):
    def test_exits_only_has_no_boot_rounds(self):
        s = run.lab_script("duet", "qemu", {"exits"}, strace=True)
        self.assertIn("--bench-exits apps/exitbench.duet.elf", s)
        self.assertIn("--stats --bench-exits", s)  # the split, in the first boot only
        self.assertNotIn("timeit", s)
        self.assertNotIn("strace", s)
        self.assertNotIn("--stats", run.lab_script("floor", "qemu", {"exits"}, strace=True))

    def test_boot_only_has_no_exitbench(self):
        s = run.lab_script("duet", "qemu", {"boot"}, strace=True)
        self.assertIn("./duet timeit ./duet floor", s)
        self.assertIn("/strace/run/strace", s)
        self.assertNotIn("exitbench", s)
        self.assertTrue(s.startswith("uname -r"))  # the kernel line in every script


class Split(unittest.TestCase):
    def test_split_lines(self):
        text = ("duet: exit reason  count\n"
                "duet: split hypercall floor exits=662 kvm_run_ns=215912 host_ns=1260\n"
                "duet: split hypercall walltime exits=663 kvm_run_ns=260752 host_ns=26371\n"
                "duet: split hvc_floor exits=10 kvm_run_ns=5 host_ns=0\n"
                "duet: split hypercall broken exits=x\n")
        s = exits.parse_split(text)
        self.assertEqual(sorted(s), ["floor", "hvc_floor", "walltime"])
        self.assertEqual(s["walltime"], {"exits": 663, "kvm_run_ns": 260752, "host_ns": 26371})

    def test_timeit_rss(self):
        runs, _, _ = run._parse_boot("duet timeit_ms 12.5 status 0 maxrss_kb 780\n"
                                     "floor timeit_ms 5.0 status 0\n"
                                     "duet timeit_ms 99.0 status 3 maxrss_kb 1\n")
        self.assertEqual(runs["duet"], [12.5])
        self.assertEqual(runs["duet_rss_kb"], [780])
        self.assertEqual(runs["floor"], [5.0])
        self.assertEqual(runs["floor_rss_kb"], [])


if __name__ == "__main__":
    unittest.main()


class BootRatios(unittest.TestCase):
    def test_paired_ratio_takes_neighbours(self):
        # A slow patch (rounds 2-3) moves both runs of a round: the paired ratio stays 1.5.
        duet, floor = [15, 15, 60, 60, 15], [10, 10, 40, 40, 10]
        r = run.paired_ratio(duet, floor)
        self.assertEqual((r["median"], r["q1"], r["q3"], r["n"]), (1.5, 1.5, 1.5, 5))
        self.assertIsNone(run.paired_ratio([1, 2], [1, 2]))  # too few rounds to say

    def test_cold_script_puts_the_asked_vm_first(self):
        for first, other in (("duet", "floor"), ("floor", "duet")):
            lines = run.cold_script(first).splitlines()
            self.assertEqual(len(lines), 2)
            self.assertTrue(lines[0].endswith("s/^/%s /'" % first), lines[0])
            self.assertTrue(lines[1].endswith("s/^/%s /'" % other), lines[1])
            runs, _, _ = run._parse_boot("%s timeit_ms 30.0 status 0 maxrss_kb 648\n" % first)
            self.assertEqual(runs[first], [30.0])
