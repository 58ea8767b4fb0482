"""The file throughput row ("files" in results.json): apps/fsbench writes
and reads back a 64 MiB file in 1 MiB calls, in the guest on its RAM file
system (/tmp) and on a --dir share, and the same C program built as a
static aarch64 Linux binary does it natively in the same lab boot: on a
tmpfs (against the RAM fs) and on the very folder the share shows (against
--dir). The rootfs side only reads: a 64 MiB shipped file in the guest,
against reading the image file it is mapped from natively. Interleaved, PROCESSES runs of each; inside a run, round 1 writes
into fresh memory ("cold": the guest's first stage-2 faults, the native
kernel's page allocation) and the best later round is "warm". MB/s are
medians over the runs; ratios are Duet over native."""
import re
import statistics

import os

MIB, CHUNK_KIB, ROUNDS, PROCESSES = 64, 1024, 3, 3
GUEST_MEM = "--mem=256M"  # the file, twice over, and the heap
ROOTFS_APP = "fsbench-rootfs"  # fsbench with a MIB MiB shipped file (rootfs_app)

SIDES = {  # name: the command (fsbench's arguments follow)
    "duet_ramfs": "./duet run %s apps/fsbench.duet.elf -- /tmp/fsbench.dat" % GUEST_MEM,
    "native_tmpfs": "./fsbench-native $T/fsbench.dat",
    "duet_dir": "./duet run --mem=64M --dir:data=/tmp/fsbench-dir apps/fsbench.duet.elf -- "
                "/data/fsbench.dat",
    "native_dir": "./fsbench-native /tmp/fsbench-dir/fsbench.dat",
    # Reads only: a shipped file, through the read-only memslot over the image
    # file, against reading that image file natively from the lab's RAM disk.
    "duet_rootfs": "./duet run --mem=64M apps/%s.duet.elf -- -r /data/blob" % ROOTFS_APP,
    "native_rootfs": "./fsbench-native -r apps/%s.duet.elf" % ROOTFS_APP,
}
PAIRS = {"ramfs": ("duet_ramfs", "native_tmpfs"), "dir": ("duet_dir", "native_dir"),
         "rootfs": ("duet_rootfs", "native_rootfs")}


def rootfs_app(proj):
    """build/bench-apps/fsbench-rootfs: fsbench with a MIB MiB file at
    /data/blob in its rootfs, made at bench time."""
    from .. import rootfs
    return rootfs.generated_app(os.path.join(proj.build_dir, "bench-apps", ROOTFS_APP),
                                os.path.join(proj.root, "apps", "fsbench", "fsbench.c"),
                                "data/blob", MIB << 20)


def script():
    # A tmpfs of our own in the lab (root); natively without root, /dev/shm's.
    lines = ["mkdir -p /tmp/fsbench-dir; T=/mnt/fsbench; M=1",
             "{ mkdir -p $T && mount -t tmpfs fsbench $T; } 2>/dev/null || "
             "{ T=/dev/shm/fsbench-$$; M=0; mkdir -p $T || exit 1; }"]
    for p in range(PROCESSES):
        order = list(SIDES) if p % 2 == 0 else list(reversed(SIDES))
        for side in order:
            args = ("%d %d" % (CHUNK_KIB, ROUNDS) if side.endswith("rootfs")
                    else "%d %d %d" % (MIB, CHUNK_KIB, ROUNDS))
            lines.append("%s %s | sed 's/^/%s /' || exit 1" % (SIDES[side], args, side))
    lines.append('if [ $M = 1 ]; then umount $T; else rm -rf "$T"; fi; rm -rf /tmp/fsbench-dir')
    return "\n".join(lines) + "\n"


def parse(text):
    """{"ramfs": {"duet": {...}, "native": {...}, "duet_over_native": {...}}, "dir": ...}"""
    runs = {}  # side -> [[(write or None, read) per round] per process]
    for line in text.splitlines():
        m = re.match(r"(\w+) round (\d+) (?:write_MBps ([\d.]+) )?read_MBps ([\d.]+)", line)
        if not m or m.group(1) not in SIDES:
            continue
        procs = runs.setdefault(m.group(1), [])
        if m.group(2) == "1":
            procs.append([])
        if procs:
            procs[-1].append((float(m.group(3)) if m.group(3) else None, float(m.group(4))))

    def side(name):
        procs = [p for p in runs.get(name, []) if p]
        if not procs:
            return None
        pick = {"read_cold": [p[0][1] for p in procs],
                "read_warm": [max(r[1] for r in p[1:] or p) for p in procs]}
        if procs[0][0][0] is not None:
            pick["write_cold"] = [p[0][0] for p in procs]
            pick["write_warm"] = [max(r[0] for r in p[1:] or p) for p in procs]
        return {k: round(statistics.median(v), 1) for k, v in pick.items()}

    out = {"method": "apps/fsbench: %d MiB in %d KiB write()s, close, read() back; %d rounds per "
                     "process (round 1 cold, best later round warm), %d processes interleaved, "
                     "medians, MB/s; native = the same C program, static aarch64 Linux, in the "
                     "same lab boot (tmpfs; the folder the --dir share shows)"
                     % (MIB, CHUNK_KIB, ROUNDS, PROCESSES)}
    for row, (duet, native) in PAIRS.items():
        d, n = side(duet), side(native)
        if d and n:
            out[row] = {"duet": d, "native": n,
                        "duet_over_native": {k: round(d[k] / n[k], 3) if n.get(k) else None
                                             for k in d}}
    return out


def print_table(files):
    print("%-8s %-11s %10s %10s %8s" % ("files", "MB/s", "duet", "native", "ratio"))
    for row in PAIRS:
        r = files.get(row)
        if not r:
            print("%-8s missing" % row)
            continue
        for k in ("write_cold", "write_warm", "read_cold", "read_warm"):
            if k in r["duet"] and k in r["native"]:
                print("%-8s %-11s %10.1f %10.1f %8.3f" % (row, k, r["duet"][k], r["native"][k],
                                                          r["duet_over_native"][k] or 0))
