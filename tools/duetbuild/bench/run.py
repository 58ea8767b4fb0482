"""`./build.py bench`: vm-exit latencies and the boot comparison, measured
side by side in the same lab boot, written to build/bench/results.json with
a table on the console and an SVG plot. Absolute times under emulation mean
little: compare the ratios, which are computed within one run."""
import json
import os
import platform
import re
import statistics

from .. import runner, ui
from . import exits
from . import files as benchfiles
from . import net as benchnet
from .plot import write_svg

ROUNDS = 30
ITERATIONS = 2000
# Cold boots: the first VM of a lab boot, one sample per boot, so more boots
# than the two the rest of the bench needs (alternating which VM goes first).
# A boot is a few seconds; cold times spread by +-10%, so 6 samples each.
COLD_BOOTS = 10
PARTS = ("exits", "boot", "net", "files", "sockets")
# --bench-exits: the SMCCC filter (hvc_user) and the bench ioeventfd, set up on request only.
EXITBENCH = "./duet run --bench-exits apps/exitbench.duet.elf -- %d\n"


def _exit_rows_as(prefix, options, rows):
    """exitbench's ROWS under `duet run OPTIONS`, each output row renamed PREFIX_NAME."""
    return ("./duet run %s apps/exitbench.duet.elf -- %%d %s "
            "| sed 's/^row /row %s_/; s/^skip /skip %s_/'\n" % (options, rows, prefix, prefix))


# The exit rows again with no vGIC in the VM (--no-vgic; the image's timer
# rows then skip): what the in-kernel GIC's state switch adds to each exit.
# Solo5's hvt makes no GIC, nor does Duet for an image without interrupts.
EXIT_NOVGIC = _exit_rows_as("novgic", "--no-vgic", "hypercall hvc")
# And with no seccomp filter either (--no-sandbox): what the sandbox costs
# each exit, against the no-vGIC rows.
EXIT_NOSANDBOX = _exit_rows_as("nosandbox", "--no-vgic --no-sandbox", "hypercall")
# The same with --stats: each exit split into KVM_RUN time and the host's own work.
EXIT_SPLIT = ("./duet run --stats --bench-exits apps/exitbench.duet.elf -- %d 2>&1 >/dev/null "
              "| grep 'duet: split '\n")


QEMU_ROUNDS = 6
# QEMU's virt board with KVM booting the same hello built for qemu-virt.
QEMU = ("./duet timeit %s -accel kvm -M virt,gic-version=3 -cpu host -m 64 -nodefaults "
        "-display none -serial stdio -kernel apps/hello.qemu-virt.elf 2>&1 >/dev/null "
        "| sed 's/^/qemu /'")


# An app that takes interrupts: a vGIC in the VM, the guest's GIC and timer
# set up, 20 timer interrupts (exitbench's timer rows, 10 samples each), exit.
IRQ_APP = ("./duet timeit ./duet run --quiet apps/exitbench.duet.elf -- 10 timer_irq "
           "2>&1 >/dev/null | grep timeit_ms | sed 's/^/irqapp /'")


HELLO_TIMED = ("./duet timeit ./duet run --quiet apps/hello.duet.elf 2>&1 >/dev/null "
               "| sed 's/^/duet /'")
FLOOR_TIMED = "./duet timeit ./duet floor 2>&1 >/dev/null | sed 's/^/floor /'"


def _boot_script(first, qemu_run):
    """Duet hello, the bare-KVM floor and QEMU, alternated; `first` runs first (cold).
    Each round also boots the interrupt-taking app, after the pair."""
    qemu = QEMU % qemu_run
    pair = [HELLO_TIMED, FLOOR_TIMED] if first == "duet" else [FLOOR_TIMED, HELLO_TIMED]
    lines = []
    for i in range(ROUNDS):
        lines += pair
        lines.append(IRQ_APP)
        if i < QEMU_ROUNDS:
            lines.append(qemu)
        lines.append("./duet timeit ./duet run --verbose apps/hello.duet.elf 2>&1 >/dev/null "
                     "| sed 's/^/phases%d /'" % i)
        pair.reverse()  # interleave: neither always goes first
    return "\n".join(lines) + "\n"


# Duet's phases in its first run of a boot, after the floor's VM: the kernel's
# KVM paths are warm by then, so what is left over the warm run's phases is
# Duet's own code (and the kernel paths only it takes) running for the first
# time. Under emulation that is QEMU translating the code; on hardware,
# cache and TLB misses, far smaller.
VERBOSE = ("./duet run --verbose apps/hello.duet.elf 2>&1 >/dev/null | grep 'duet: phase' "
           "| sed 's/^/%s /'")


def cold_script(first):
    """A short lab boot: `first` (duet hello or the floor) as its first VM, then
    the other; after the floor, Duet's first and warm phases."""
    if first == "floor":
        return "\n".join([FLOOR_TIMED, VERBOSE % "first", VERBOSE % "warm", VERBOSE % "warm"]) + "\n"
    return HELLO_TIMED + "\n" + FLOOR_TIMED + "\n"


def first_run_phases(texts):
    """Medians of Duet's phases in its first run of a boot and in warm runs, and
    the difference: {phase: {"first_ms", "warm_ms", "excess_ms"}}."""
    seen = {"first": {}, "warm": {}}
    for text in texts:
        for line in text.splitlines():
            m = re.match(r"(first|warm) duet: phase (.+?)\s+([\d.]+) ms", line)
            if m:
                seen[m.group(1)].setdefault(m.group(2), []).append(float(m.group(3)))
    out = {}
    for name, xs in seen["first"].items():
        ws = seen["warm"].get(name)
        if ws:
            f, w = statistics.median(xs), statistics.median(ws)
            out[name] = {"first_ms": round(f, 3), "warm_ms": round(w, 3),
                         "excess_ms": round(f - w, 3), "n": len(xs)}
    return out


def paired_ratio(duet, floor):
    """Median of duet/floor over adjacent runs (round i of each), and its quartiles:
    the lab's speed drifts between rounds, less so between neighbours."""
    rs = sorted(d / f for d, f in zip(duet, floor) if f > 0)
    if len(rs) < 4:
        return None
    q = statistics.quantiles(rs, n=4)
    return {"median": round(statistics.median(rs), 3), "q1": round(q[0], 3),
            "q3": round(q[2], 3), "n": len(rs)}


def _parse_boot(text):
    runs = {"duet": [], "floor": [], "qemu": [], "irqapp": [], "duet_rss_kb": [],
            "floor_rss_kb": []}
    phases = {}
    kernel = None
    for line in text.splitlines():
        m = re.match(r"(duet|floor|qemu|irqapp) timeit_ms ([\d.]+) status (\d+)"
                     r"(?: maxrss_kb (\d+))?", line)
        if m and m.group(3) == "0":
            runs[m.group(1)].append(float(m.group(2)))
            if m.group(4) and m.group(1) in ("duet", "floor"):
                runs[m.group(1) + "_rss_kb"].append(int(m.group(4)))
        m = re.match(r"phases\d+ duet: phase (.+?)\s+([\d.]+) ms", line)
        if m:
            phases.setdefault(m.group(1), []).append(float(m.group(2)))
        m = re.match(r"phases\d+ timeit_ms ([\d.]+)", line)
        if m:  # the whole process: what the phases leave out is exit and teardown
            phases.setdefault("process wall (fork to exit)", []).append(float(m.group(1)))
        if line.startswith("kernel "):
            kernel = line.split(" ", 1)[1]
    return runs, phases, kernel


# System calls and image reads of one `duet run hello`, from strace inside the lab.
STRACE_COUNTS = r"""
/strace/run/strace -f -o /tmp/st.txt ./duet run --quiet apps/hello.duet.elf >/dev/null 2>&1
awk '/execve\(/ {go = 1; next} go && /KVM_RUN/ {print "count host syscalls exec to first KVM_RUN", n; exit} go {n++}' /tmp/st.txt
awk '/KVM_RUN/ {k++; if (k > 1) n += pending; pending = 0; next} k {pending++}
     END {print "count host KVM_RUN calls (hello)", k; print "count host syscalls between KVM_RUNs (hello)", n}' /tmp/st.txt
awk '/openat\(.*hello.duet.elf/ {o++} /pread64\(3,/ {sub(/.*= /, ""); b += $0}
     END {print "count image opens", o + 0; print "count image bytes read by pread", b + 0}' /tmp/st.txt
"""


def _parse_counts(text):
    """duet run --verbose's counts (pages touched...): the median over the runs.
    Counts do not depend on how fast the machine is: they travel to real hardware."""
    counts = {}
    for line in text.splitlines():
        m = re.match(r"(?:phases\d+ duet: )?count (.+?)\s+(-?\d+)$", line)
        if m:
            counts.setdefault(m.group(1), []).append(int(m.group(2)))
    return {k: statistics.median(v) for k, v in counts.items()}


def _median(xs):
    return statistics.median(xs) if xs else None


def _quartiles(xs):
    if len(xs) < 2:
        return None
    q = statistics.quantiles(xs, n=4)
    return [round(q[0], 3), round(q[2], 3)]


def _summary(xs):
    return {"median_ms": round(statistics.median(xs), 3), "min_ms": round(min(xs), 3),
            "n": len(xs)} if xs else None


def _files_row(proj, lab, files):
    """The file throughput row (bench/files.py), or None if its lab run failed.
    Its 64 MiB rootfs image travels in this lab boot only."""
    image = proj.build([benchfiles.rootfs_app(proj)], ["duet"], host=False, native=False)[0]
    files = dict(files, **{"fsbench-native": os.path.join(proj.build_dir, "host", "fsbench-native"),
                           "apps/" + os.path.basename(image): image})
    res = lab.run(benchfiles.script(), files, timeout=900)
    if res.status != 0:
        ui.error("bench: the file run failed (status %s):\n%s" % (
            res.status, (res.stdout + res.stderr).decode("utf-8", "replace")[-2000:]))
        return None
    return benchfiles.parse(res.stdout.decode("utf-8", "replace"))


def parts(only):
    """The parts `--only` names (all by default); SystemExit on a name not in PARTS."""
    if not only:
        return set(PARTS)
    names = {p.strip() for p in only.split(",") if p.strip()}
    bad = names - set(PARTS)
    if bad or not names:
        raise SystemExit("build.py bench --only: %s is not one of %s"
                         % (", ".join(sorted(bad)) or "''", ", ".join(PARTS)))
    return names


def lab_script(first, qemu_run, want, strace):
    """One lab boot's script: boot rounds, exitbench (twice: plain and split), counts."""
    script = "uname -r | sed 's/^/kernel /'\n"
    script += _boot_script(first, qemu_run) if "boot" in want else ""
    if "exits" in want:
        # In both boots: the second run measures the rows' run-to-run noise.
        script += EXITBENCH % ITERATIONS
        script += EXIT_NOVGIC % ITERATIONS
        script += EXIT_NOSANDBOX % ITERATIONS
        if first == "duet":
            script += EXIT_SPLIT % (ITERATIONS // 4)
    if "boot" in want and strace:
        script += STRACE_COUNTS
    return script


def main(proj, only=None):
    want = parts(only)
    apps = ["hello", "exitbench"] + (["udpecho", "tcpecho", "l2fwd"] if "net" in want else [])
    apps += ["fsbench"] if "files" in want else []
    images = proj.build(apps, ["duet"], native=False, bench="net" in want or "files" in want)
    if "boot" in want:
        images += proj.build(["hello"], ["qemu-virt"], host=False, native=False)
    files = runner.lab_files(proj, images)
    lab = runner.lab_instance(proj)
    from duetlab import native_possible
    from duetlab.payload import RUN
    extra = [] if native_possible() or "boot" not in want else [lab.qemu_archive(),
                                                                  lab.strace_archive()]
    qemu_run = "qemu-system-aarch64" if native_possible() else RUN
    out = {}
    for first in ("duet", "floor"):
        script = lab_script(first, qemu_run, want, strace=not native_possible())
        res = lab.run(script, files, timeout=900, extra=extra)
        if res.status != 0:
            ui.error("bench: the lab run failed (status %s):\n%s" % (
                res.status, (res.stdout + res.stderr).decode("utf-8", "replace")[-2000:]))
            return 1
        out[first] = res.stdout.decode("utf-8", "replace")
    # More first VMs of a boot (emulated lab only: natively nothing reboots).
    cold = {"duet": [], "floor": []}
    cold_texts = []
    for i in range(COLD_BOOTS if "boot" in want and not native_possible() else 0):
        first = ("duet", "floor")[i % 2]
        res = lab.run(cold_script(first), files, timeout=120)
        text = res.stdout.decode("utf-8", "replace")
        r, _, _ = _parse_boot(text)
        if res.status == 0 and r[first]:
            cold[first].append(r[first][0])
            cold_texts.append(text)
    net = None
    if "net" in want:
        files["netload"] = os.path.join(proj.build_dir, "host", "netload")
        res = lab.run(benchnet.script(), files, timeout=900,
                      extra=[] if native_possible() else [lab.nettools_archive()])
        if res.status != 0:
            ui.error("bench: the network run failed (status %s):\n%s" % (
                res.status, (res.stdout + res.stderr).decode("utf-8", "replace")[-2000:]))
            return 1
        net = benchnet.parse(res.stdout.decode("utf-8", "replace"))
    files_row = None
    if "files" in want:
        files_row = _files_row(proj, lab, files)
        if files_row is None:
            return 1
    socks = None
    if "sockets" in want:
        from . import sockets as benchsockets  # issue 13's rows, their own lab boot
        socks = benchsockets.run(proj, lab)
    runs_a, phases, kernel = _parse_boot(out["duet"])
    runs_b, phases_b, _ = _parse_boot(out["floor"])
    for k, v in phases_b.items():
        phases.setdefault(k, []).extend(v)
    rows, skipped, counter = exits.parse(out["duet"])
    rows_b, _, _ = exits.parse(out["floor"])
    noise = exits.noise(rows, rows_b)
    split = exits.parse_split(out["duet"])
    warm_duet = runs_a["duet"][1:] + runs_b["duet"]
    warm_floor = runs_a["floor"] + runs_b["floor"][1:]
    cold["duet"][:0] = runs_a["duet"][:1]
    cold["floor"][:0] = runs_b["floor"][:1]
    boot = {
        "duet_ms": _summary(warm_duet), "floor_ms": _summary(warm_floor),
        # Round i's two runs are neighbours; round 0 holds a boot's cold VM.
        "duet_over_floor_paired": paired_ratio(runs_a["duet"][1:] + runs_b["duet"][1:],
                                               runs_a["floor"][1:] + runs_b["floor"][1:]),
        "duet_cold_ms": _median(cold["duet"]), "floor_cold_ms": _median(cold["floor"]),
        "cold_samples": cold,
        "cold_quartiles_ms": {k: _quartiles(v) for k, v in cold.items()},
        "first_run_phases": first_run_phases(cold_texts),
        "first_run_note": "Duet's phases (duet run --verbose) in its first run of a lab boot, "
                          "after the floor's VM, against its warm runs: the excess is Duet's "
                          "code and the kernel paths only it takes (ELF mapping, seccomp's BPF "
                          "JIT, the guest's own code) running for the first time, which under "
                          "emulation means QEMU translating them",
        "irq_app_ms": _summary(runs_a["irqapp"] + runs_b["irqapp"]),
        # Round i's app runs right after round i's pair: pair it with that floor.
        "irq_app_over_floor_paired": paired_ratio(runs_a["irqapp"][1:] + runs_b["irqapp"][1:],
                                                  runs_a["floor"][1:] + runs_b["floor"][1:]),
        "irq_app_note": "duet run exitbench -- 10 timer_irq: a vGIC, the guest's GIC and timer "
                        "set up, 20 timer interrupts; warm, one per round after the pair",
        "qemu_ms": _summary(runs_a["qemu"][1:] + runs_b["qemu"][1:]),
        "qemu_cold_ms": runs_a["qemu"][0] if runs_a["qemu"] else None,
        "qemu_note": "qemu-system-aarch64 -accel kvm -M virt booting hello.qemu-virt.elf; "
                     "Debian's arm64 QEMU, its start-up included",
        "phases": {k: round(statistics.median(v), 3) for k, v in phases.items()},
        "counts": _parse_counts(out["duet"] + out["floor"]),
        # Peak RSS of the whole process (getrusage of the child): guest pages touched,
        # the static binary's pages, page tables, stack.
        "duet_maxrss_kb": _median(runs_a["duet_rss_kb"] + runs_b["duet_rss_kb"]),
        "floor_maxrss_kb": _median(runs_a["floor_rss_kb"] + runs_b["floor_rss_kb"]),
        "method": "wall time of each process (duet timeit), warm runs interleaved over "
                  "two lab boots (paired: the median of each round's duet/floor); cold = "
                  "the first VM of a boot, the median over %d boots each" % (1 + COLD_BOOTS // 2),
    }
    if boot["duet_ms"] and boot["floor_ms"]:
        boot["duet_over_floor"] = round(boot["duet_ms"]["median_ms"] / boot["floor_ms"]["median_ms"], 3)
    if boot["duet_cold_ms"] and boot["floor_cold_ms"]:
        boot["duet_cold_over_floor_cold"] = round(boot["duet_cold_ms"] / boot["floor_cold_ms"], 3)
    if boot["irq_app_ms"] and boot["floor_ms"]:
        boot["irq_app_over_floor"] = round(boot["irq_app_ms"]["median_ms"] /
                                           boot["floor_ms"]["median_ms"], 3)
    if boot["duet_ms"] and boot["qemu_ms"]:
        boot["qemu_over_duet"] = round(boot["qemu_ms"]["median_ms"] / boot["duet_ms"]["median_ms"], 3)
    floor = {"mmio_exit": rows.pop("floor_mmio_exit")} if "floor_mmio_exit" in rows else {}
    ratios = {}
    if "hypercall" in rows and floor:
        for stat in ("p50_ns", "mean_ns", "loop_mean_ns"):
            ratios["hypercall_over_floor_" + stat[:-3]] = round(
                rows["hypercall"][stat] / max(floor["mmio_exit"][stat], 1), 3)
    nf = rows.get("novgic_floor_mmio_exit")
    if nf and "novgic_hypercall" in rows:  # both without a vGIC
        ratios["novgic_hypercall_over_novgic_floor_p50"] = round(
            rows["novgic_hypercall"]["p50_ns"] / max(nf["p50_ns"], 1), 3)
    if nf and floor:  # the same no-op exit with and without the vGIC
        ratios["floor_vgic_over_novgic_p50"] = round(
            floor["mmio_exit"]["p50_ns"] / max(nf["p50_ns"], 1), 3)
    ns = rows.get("nosandbox_floor_mmio_exit")
    if nf and ns:  # the same no-op exit with and without the seccomp filter
        ratios["floor_sandbox_over_nosandbox_p50"] = round(nf["p50_ns"] / max(ns["p50_ns"], 1), 3)
    if "hvc_user" in rows and floor:  # the HVC that reaches the host vs the MMIO one
        ratios["hvc_user_over_floor_p50"] = round(
            rows["hvc_user"]["p50_ns"] / max(floor["mmio_exit"]["p50_ns"], 1), 3)
    if "ioeventfd" in rows and floor:  # completed in the kernel vs an exit to us
        ratios["ioeventfd_over_floor_p50"] = round(
            rows["ioeventfd"]["p50_ns"] / max(floor["mmio_exit"]["p50_ns"], 1), 3)
    results = {
        "env": {"kernel": kernel, "machine": platform.machine(),
                "lab": "native" if _native() else "qemu-system-aarch64 TCG, -cpu max,pauth=off",
                "iterations": ITERATIONS, **counter},
        "exits": rows, "exit_noise": noise, "skipped": skipped, "floor": floor, "ratios": ratios,
        "exit_split": split, "exit_split_note": exits.SPLIT_NOTE, "boot": boot, "net": net,
        "files": files_row, "sockets": socks, "parts": sorted(want),
    }
    d = os.path.join(proj.build_dir, "bench")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    write_svg(os.path.join(d, "results.svg"), results)
    _print_table(results)
    ui.info("wrote build/bench/results.json and build/bench/results.svg")
    return 0


def _native():
    from duetlab import native_possible
    return native_possible()


def _print_table(r):
    print("%-18s %10s %10s %10s %10s %10s %4s %6s" % ("exit row", "p50 ns", "mean ns", "p90 ns",
                                                     "p99 ns", "loop ns", "k", "noise"))
    rows = dict(r["exits"])
    rows.update({"floor_mmio_exit": r["floor"]["mmio_exit"]} if r["floor"] else {})
    for name, v in rows.items():
        noise = r.get("exit_noise", {}).get(name)
        print("%-18s %10d %10d %10d %10d %10s %4s %6s" % (
            name, v["p50_ns"], v["mean_ns"], v["p90_ns"], v["p99_ns"], v.get("loop_mean_ns", "-"),
            v.get("k", 1), "-" if noise is None else "%.1f%%" % (100 * noise)))
    if r["env"].get("counter_freq_hz"):
        print("counter %d Hz (a tick is %.1f ns); k = operations per sample"
              % (r["env"]["counter_freq_hz"], 1e9 / r["env"]["counter_freq_hz"]))
    for name, why in r["skipped"].items():
        print("%-18s skipped: %s" % (name, why))
    for k, v in r["ratios"].items():
        print("%-32s %.3f" % (k, v))
    for name, v in r.get("exit_split", {}).items():
        print("split %-18s exits %6d  in KVM_RUN %9d ns  host (ours) %8d ns"
              % (name, v["exits"], v["kvm_run_ns"], v["host_ns"]))
    b = r["boot"]
    print("boot: duet %s ms, floor %s ms (median warm), ratio %s; cold duet %s ms, cold floor %s ms"
          % (b["duet_ms"] and b["duet_ms"]["median_ms"], b["floor_ms"] and b["floor_ms"]["median_ms"],
             b.get("duet_over_floor"), b["duet_cold_ms"], b["floor_cold_ms"]))
    pr = b.get("duet_over_floor_paired")
    if pr:
        print("boot: duet/floor paired over %d rounds: median %.3f (quartiles %.3f-%.3f)"
              % (pr["n"], pr["median"], pr["q1"], pr["q3"]))
    if b.get("duet_cold_over_floor_cold"):
        q = b.get("cold_quartiles_ms") or {}
        print("boot: cold duet/floor %.3f (medians of %d and %d first VMs of a boot; "
              "quartiles duet %s, floor %s ms)"
              % (b["duet_cold_over_floor_cold"], len(b["cold_samples"]["duet"]),
                 len(b["cold_samples"]["floor"]), q.get("duet"), q.get("floor")))
    if b.get("irq_app_ms"):
        pi = b.get("irq_app_over_floor_paired") or {}
        print("boot: an app with interrupts (vGIC, 20 timer interrupts) %s ms (median warm), "
              "%s the floor, paired %s" % (b["irq_app_ms"]["median_ms"], b.get("irq_app_over_floor"),
                                           pi.get("median")))
    first = b.get("first_run_phases") or {}
    if first:
        print("boot: Duet's first run of a boot after the floor's, by phase (medians of %d):"
              % max(v["n"] for v in first.values()))
        for k, v in sorted(first.items(), key=lambda kv: -kv[1]["excess_ms"]):
            print("  first %-40s %8.3f ms, warm %8.3f ms, +%.3f" % (k, v["first_ms"], v["warm_ms"],
                                                                    v["excess_ms"]))
    print("boot: qemu %s ms (median warm), qemu/duet %s; cold qemu %s ms"
          % (b["qemu_ms"] and b["qemu_ms"]["median_ms"], b.get("qemu_over_duet"), b["qemu_cold_ms"]))
    print("boot: peak RSS duet hello %s KB, floor %s KB" % (b.get("duet_maxrss_kb"),
                                                           b.get("floor_maxrss_kb")))
    for k, v in b["phases"].items():
        print("  phase %-40s %8.3f ms" % (k, v))
    for k, v in b.get("counts", {}).items():
        print("  count %-40s %8s" % (k, v))
    if r.get("net"):
        benchnet.print_table(r["net"])
    if r.get("files"):
        benchfiles.print_table(r["files"])
    if r.get("sockets"):
        from . import sockets as benchsockets
        benchsockets.print_table(r["sockets"])
