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
        self.assertIn("--no-vgic apps/exitbench", s)  # the rows without a vGIC,
        self.assertIn("--no-vgic --no-sandbox", s)    # and without the sandbox too
        self.assertNotIn("timeit", s)
        self.assertNotIn("strace", s)
        self.assertNotIn("--stats", run.lab_script("floor", "qemu", {"exits"}, strace=True))

    def test_boot_only_has_no_exitbench(self):
        s = run.lab_script("duet", "qemu", {"boot"}, strace=True)
        self.assertIn("./duet timeit ./duet floor", s)
        self.assertIn("/strace/run/strace", s)
        # exitbench boots there only as the interrupt-taking app, never its rows.
        self.assertNotIn("--bench-exits", s)
        self.assertNotIn("exitbench.duet.elf -- 2000", s)
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

    def test_boot_rounds_time_the_interrupt_app_each_round(self):
        script = run._boot_script("duet", "qemu-system-aarch64")
        self.assertEqual(script.count("irqapp"), run.ROUNDS)
        self.assertIn("--quiet apps/exitbench.duet.elf -- 10 timer_irq", script)
        runs, _, _ = run._parse_boot("irqapp timeit_ms 20.0 status 0 maxrss_kb 700\n"
                                     "irqapp timeit_ms 50.0 status 112 maxrss_kb 700\n")
        self.assertEqual(runs["irqapp"], [20.0])  # a failed run is no sample


if __name__ == "__main__":
    unittest.main()


class BootRatios(unittest.TestCase):
    def test_paired_ratio_takes_neighbours(self):
        # A slow patch (rounds 2-3) moves both runs of a round: the paired ratio stays 1.5.
        duet, floor = [15, 15, 60, 60, 15], [10, 10, 40, 40, 10]
        r = run.paired_ratio(duet, floor)
        self.assertEqual((r["median"], r["q1"], r["q3"], r["n"]), (1.5, 1.5, 1.5, 5))
        self.assertIsNone(run.paired_ratio([1, 2], [1, 2]))  # too few rounds to say

    def test_first_run_phases_are_medians_and_their_difference(self):
        boots = ["first duet: phase sandbox    5.000 ms\nwarm duet: phase sandbox    1.000 ms\n"
                 "warm duet: phase sandbox    2.000 ms\nfirst duet: phase only first  1.0 ms\n",
                 "first duet: phase sandbox    7.000 ms\nwarm duet: phase sandbox    1.500 ms\n"]
        r = run.first_run_phases(boots)
        self.assertEqual(r["sandbox"], {"first_ms": 6.0, "warm_ms": 1.5, "excess_ms": 4.5, "n": 2})
        self.assertNotIn("only first", r)  # no warm run to set it against

    def test_cold_script_puts_the_asked_vm_first(self):
        for first in ("duet", "floor"):
            lines = run.cold_script(first).splitlines()
            self.assertTrue(lines[0].endswith("s/^/%s /'" % first), lines[0])
            self.assertTrue(lines[0].startswith("./duet timeit "), lines[0])
        # After the floor: Duet's first run of the boot with its phases, then warm ones.
        lines = run.cold_script("floor").splitlines()
        self.assertIn("--verbose", lines[1])
        self.assertTrue(lines[1].endswith("s/^/first /'"), lines[1])
        self.assertTrue(all(x.endswith("s/^/warm /'") for x in lines[2:]) and len(lines) >= 3)
        self.assertTrue(run.cold_script("duet").splitlines()[1].endswith("s/^/floor /'"))
        for first in ("duet", "floor"):
            runs, _, _ = run._parse_boot("%s timeit_ms 30.0 status 0 maxrss_kb 648\n" % first)
            self.assertEqual(runs[first], [30.0])
