"""The exit rows of exitbench: parsing its output, and the run-to-run noise.

exitbench runs once in each of the bench's two lab boots. The rows of the
first run are the results; the second run exists to measure how much a row
moves between runs on this machine now: noise = |p50_a - p50_b| / min(p50).
`./build.py bench --compare` calls a change real only when it exceeds that
noise (old or new run's, whichever is larger), so a verdict is never made
on a difference the run itself could not reproduce.
"""
import re

SPLIT_NOTE = ("duet run --stats, clock_gettime around each KVM_RUN: kvm_run_ns is the "
              "ioctl (kernel entry/exit and the guest's run up to the exit), host_ns our "
              "own work until the next KVM_RUN; per exit, means; instrumented, so only "
              "the split is meaningful, not the sum")
FLOOR_NOISE = 0.02  # below 2% even two runs that agree cannot tell changes apart


def parse(text):
    """rows {name: {stat: int}}, skipped {name: why}, counter {freq_hz, overhead_ns}."""
    rows, skipped, counter = {}, {}, {}
    for line in text.splitlines():
        if line.startswith("row "):
            parts = line.split()
            rows[parts[1]] = {k: int(v) for k, v in (p.split("=") for p in parts[2:])}
        elif line.startswith("skip "):
            _, name, why = line.split(" ", 2)
            skipped[name] = why
        else:
            m = re.match(r"freq_hz (\d+) counter_overhead_ns (\d+)", line)
            if m:
                counter = {"counter_freq_hz": int(m.group(1)),
                           "counter_overhead_ns": int(m.group(2))}
    return rows, skipped, counter


def parse_split(text):
    """{name: {exits, kvm_run_ns, host_ns}} from duet run --stats' 'split' lines."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"duet: split (?:hypercall )?(\S+) exits=(\d+) kvm_run_ns=(\d+) "
                     r"host_ns=(\d+)", line)
        if m:
            out[m.group(1)] = {"exits": int(m.group(2)), "kvm_run_ns": int(m.group(3)),
                               "host_ns": int(m.group(4))}
    return out


def noise(rows_a, rows_b):
    """{row: relative p50 difference between the two runs} for rows in both."""
    out = {}
    for name in sorted(set(rows_a) & set(rows_b)):
        a, b = rows_a[name]["p50_ns"], rows_b[name]["p50_ns"]
        if min(a, b) > 0:
            out[name] = round(abs(a - b) / min(a, b), 3)
    return out


def verdict(ratio, noise_old, noise_new):
    """'faster', 'slower' or '' (within the noise) for a new/old ratio."""
    limit = max(noise_old or 0, noise_new or 0, FLOOR_NOISE)
    if ratio > 1 + limit:
        return "slower"
    if ratio < 1 / (1 + limit):
        return "faster"
    return ""
