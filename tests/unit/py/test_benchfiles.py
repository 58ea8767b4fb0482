"""The file throughput row's parser (tools/duetbuild/bench/files.py): cold
is round 1, warm the best later round, medians over processes, ratios of
Duet over native; a side with no output leaves its row out."""
import unittest

from duetbuild.bench import files


def run(side, rounds):
    return "".join("%s round %d write_MBps %.1f read_MBps %.1f check 192\n" % (side, i + 1, w, r)
                   for i, (w, r) in enumerate(rounds))


class Parse(unittest.TestCase):
    def test_cold_warm_medians_ratios(self):
        text = (run("duet_ramfs", [(10, 100), (50, 200), (40, 300)]) +
                run("native_tmpfs", [(20, 400), (30, 500), (35, 450)]) +
                run("duet_ramfs", [(30, 110), (60, 210), (70, 310)]) +
                run("native_tmpfs", [(40, 300), (25, 600), (30, 700)]) +
                run("duet_ramfs", [(20, 120), (55, 220), (65, 320)]) +
                run("native_tmpfs", [(30, 350), (45, 550), (40, 650)]) +
                "noise line\nduet: phase total 3 ms\n")
        r = files.parse(text)
        self.assertNotIn("dir", r)
        d, n = r["ramfs"]["duet"], r["ramfs"]["native"]
        self.assertEqual((d["write_cold"], d["read_cold"]), (20.0, 110.0))
        self.assertEqual((d["write_warm"], d["read_warm"]), (65.0, 310.0))
        self.assertEqual((n["write_cold"], n["write_warm"], n["read_warm"]), (30.0, 35.0, 650.0))
        self.assertAlmostEqual(r["ramfs"]["duet_over_native"]["write_warm"], 65 / 35, places=3)

    def test_script_runs_every_side_each_process(self):
        s = files.script()
        for side in files.SIDES:
            self.assertEqual(s.count("sed 's/^/%s /'" % side), files.PROCESSES)
        self.assertIn("mount -t tmpfs", s)


if __name__ == "__main__":
    unittest.main()
