"""Fuzzing the host's parsers with libFuzzer: a short run inside `test`,
a long one with `./build.py fuzz [SECONDS]`. Each target keeps its corpus in
tests/fuzz/corpus/NAME (checked in); new finds go to build/fuzz/corpus/NAME."""
import os
import re
import subprocess

from .make import run_steps


def build(proj):
    steps = proj.targets.fuzzers()
    run_steps(steps, proj.verbose)
    return [s.output for s in steps]


def run_one(proj, exe, seconds):
    """Fuzzes for `seconds`; returns (ok, executions, message)."""
    name = os.path.basename(exe)
    seeds = os.path.join(proj.root, "tests", "fuzz", "corpus", name)
    work = os.path.join(proj.build_dir, "fuzz", "corpus", name)
    os.makedirs(work, exist_ok=True)
    artifacts = os.path.join(proj.build_dir, "fuzz", "crashes", name) + os.sep
    os.makedirs(artifacts, exist_ok=True)
    dirs = [work] + ([seeds] if os.path.isdir(seeds) else [])
    argv = [exe, "-max_total_time=%d" % seconds, "-print_final_stats=1",
            "-artifact_prefix=" + artifacts, "-max_len=65536", "-rss_limit_mb=2048"] + dirs
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=seconds + 120, cwd=proj.build_dir)
    out = r.stdout.decode("utf-8", "replace")
    m = re.search(r"stat::number_of_executed_units:\s*(\d+)", out)
    execs = int(m.group(1)) if m else 0
    if r.returncode != 0:
        return False, execs, "crashed; input saved in %s\n%s" % (artifacts, out[-3000:])
    return True, execs, "%d executions in %d s" % (execs, seconds)


def main(proj, seconds=600):
    ok = True
    for exe in build(proj):
        good, execs, msg = run_one(proj, exe, seconds)
        print("%s %s: %s" % ("PASS" if good else "FAIL", os.path.basename(exe), msg), flush=True)
        ok = ok and good
    return 0 if ok else 1


