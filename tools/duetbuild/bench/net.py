"""The network rows of `./build.py bench`: UDP echo round trips per second
and TCP echo throughput, a Duet guest (udpecho / tcpecho apps on lwIP,
behind a tap) against the same echo services as native Linux processes
(netload serve-udp / serve-tcp, in a network namespace behind a veth pair),
alternated in one lab boot. The ratio duet/native is what to read.
Duet runs once per network backend (vhost: virtio-net on vhost-net; thread:
virtio-net on duet's own thread), each
with the host CPU it used (duet's process plus its vhost worker thread, from
/proc) and its exits, per frame the guest moved."""
import re
import statistics

ROUNDS = 3
BACKENDS = ("vhost", "thread")
# The echo rows also run vhost with an offload turned off (netif_duet.c reads
# these from the guest's environment), so each step is measured in one boot.
VARIANTS = {"vhost": ("vhost", ""), "thread": ("thread", ""),
            "vhost_copy": ("vhost", "--env DUET_NET_ZEROCOPY=0"),
            "vhost_swcsum": ("vhost", "--env DUET_NET_CSUM=sw"),
            "vhost_lro": ("vhost", "--env DUET_NET_LRO=1")}
SECONDS = 5
UDP_SIZE, UDP_WINDOW = 64, 4

PRELUDE = r"""
N=/nettools/run
up() { for i in $(seq 100); do [ -e /sys/class/net/$1 ] && break; sleep 0.1; done; ip addr add $2 dev $1; ip link set $1 up; }
ready() { for i in $(seq 200); do grep -q "$2" $1 2>/dev/null && return 0; sleep 0.1; done; cat $1; return 1; }
mkdir -p /run/netns
$N/ip netns add srv
$N/ip link add veth0 type veth peer name veth1
$N/ip link set veth1 netns srv
ip addr add 10.0.9.1/24 dev veth0; ip link set veth0 up
$N/ip netns exec srv sh -c 'ip addr add 10.0.9.2/24 dev veth1; ip link set veth1 up; ip link set lo up'
"""

# Where the time goes, per run: utime and stime ticks of duet (all its
# threads) and of its vhost worker (a kernel thread "vhost-PID"), the whole
# lab's busy ticks (/proc/stat: what the 2 emulated CPUs spent on anything),
# and KVM's exit counters (debugfs): all exits, MMIO handled in the kernel
# (ioeventfd kicks), MMIO to duet, WFI sleeps.
PROBES = r"""
mount -t debugfs none /sys/kernel/debug 2>/dev/null
# duet's threads and its vhost worker: a thread "vhost-PID" of duet's (Linux >= 6.4) or a kernel thread.
split() { p=$1; du=0; ds=0; vu=0; vs=0
  for t in /proc/$p/task/*; do set -- $(awk '{print $14, $15}' $t/stat)
    case "$(cat $t/comm)" in vhost-*) vu=$((vu + $1)); vs=$((vs + $2));; *) du=$((du + $1)); ds=$((ds + $2));; esac; done
  for k in /proc/[0-9]*; do [ "$(cat $k/comm 2>/dev/null)" = "vhost-$p" ] && { set -- $(awk '{print $14, $15}' $k/stat); vu=$((vu + $1)); vs=$((vs + $2)); }; done
  echo $du $ds $vu $vs; }
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
kvm() { for f in exits mmio_exit_kernel mmio_exit_user wfi_exit_stat; do cat /sys/kernel/debug/kvm/$f 2>/dev/null || echo 0; done | tr '\n' ' '; }
probe() { echo "$(split $1) $(busy) $(kvm)"; }
"""

GUEST = r"""
rm -f /tmp/g.out
./duet run --stats --net-backend={backend} {opts} --net:net0=tap0 apps/{app}.duet.elf -- net0=10.0.2.2/24 for={guest_secs} > /tmp/g.out 2>&1 & pid=$!
up tap0 10.0.2.1/24; ready /tmp/g.out echoing
p0=$(probe $pid)
./netload {client} 10.0.2.2 7 {args} | sed 's/^/duet-{label} {kind} /'
p1=$(probe $pid)
echo "duet-{label} {kind} probe0 $p0"
echo "duet-{label} {kind} probe1 $p1"
wait $pid; sed -n 's/^duet: *\(KVM_EXIT_MMIO\|MMIO\)/duet-{label} {kind} stats &/p; s/^\(udpecho\|tcpecho\|netstack\):/duet-{label} {kind} guest &/p' /tmp/g.out
"""

NATIVE = r"""
$N/ip netns exec srv ./netload serve-{proto} 7 & spid=$!
sleep 0.5
b0=$(busy)
./netload {client} 10.0.9.2 7 {args} | sed 's/^/native {kind} /'
echo "native {kind} lab_busy_ticks $(( $(busy) - b0 ))"
kill $spid; wait $spid 2>/dev/null || true
"""


# Forwarding: the same UDP echo generator from namespace fa to an echo server
# in fb, once through a Linux bridge (veth pairs), once through l2fwd per backend.
FWD_PRELUDE = r"""
$N/ip netns add fa; $N/ip netns add fb
$N/ip link add fva type veth peer name fva0; $N/ip link add fvb type veth peer name fvb0
$N/ip link set fva netns fa; $N/ip link set fvb netns fb
$N/ip link add fbr type bridge; $N/ip link set fva0 master fbr; $N/ip link set fvb0 master fbr
$N/ip link set fbr up; $N/ip link set fva0 up; $N/ip link set fvb0 up
$N/ip -n fa addr add 10.0.20.1/24 dev fva; $N/ip -n fa link set fva up
$N/ip -n fb addr add 10.0.20.2/24 dev fvb; $N/ip -n fb link set fvb up
"""
FWD_BRIDGE = r"""
$N/ip netns exec fb ./netload serve-udp 7 & s=$!; sleep 0.5
$N/ip netns exec fa ./netload udp 10.0.20.2 7 {secs} {size} 8 | sed 's/^/fwd bridge {size} /'
kill $s; wait $s 2>/dev/null || true
"""
FWD_L2FWD = r"""
./duet run --stats --net-backend={backend} --net:net0=tap0 --net:net1=tap1 apps/l2fwd.duet.elf -- for={guest_secs} idle=2 > /tmp/f.out 2>&1 & pid=$!
for i in $(seq 100); do [ -e /sys/class/net/tap1 ] && break; sleep 0.1; done
$N/ip netns add fc; $N/ip netns add fd; $N/ip link set tap0 netns fc; $N/ip link set tap1 netns fd
$N/ip -n fc addr add 10.0.21.1/24 dev tap0; $N/ip -n fc link set tap0 up
$N/ip -n fd addr add 10.0.21.2/24 dev tap1; $N/ip -n fd link set tap1 up
$N/ip netns exec fd ./netload serve-udp 7 & s=$!; sleep 0.5
$N/ip netns exec fc $N/ping -c 1 -w 3 10.0.21.2 > /dev/null
p0=$(probe $pid)
$N/ip netns exec fc ./netload udp 10.0.21.2 7 {secs} {size} 8 | sed 's/^/fwd l2fwd-{backend} {size} /'
p1=$(probe $pid)
echo "fwd-l2fwd-{backend} {size} probe0 $p0"
echo "fwd-l2fwd-{backend} {size} probe1 $p1"
kill $s; wait $pid; $N/ip netns del fc; $N/ip netns del fd
sed -n 's/^duet: *\(MMIO\)/fwd-l2fwd-{backend} {size} stats duet: &/p; s/^l2fwd: \([0-9]*\) frames forwarded.*/fwd-l2fwd-{backend} {size} guest netstack: \1 frames in, 0 out/p' /tmp/f.out
"""
# UDP payloads: 18 bytes make a 60-byte frame (64 on the wire with its FCS),
# 1472 bytes a 1514-byte one (a 1500-byte IP packet, the MTU).
FWD_SIZES = (18, 1472)


def forward_script():
    lines = [PROBES, FWD_PRELUDE]
    for i in range(ROUNDS):
        for size in FWD_SIZES:
            runs = [FWD_BRIDGE.format(secs=SECONDS, size=size)] + [
                FWD_L2FWD.format(backend=b, secs=SECONDS, size=size, guest_secs=SECONDS + 30)
                for b in BACKENDS]
            shift = i % len(runs)
            lines += runs[shift:] + runs[:shift]
    return "\n".join(lines)


def parse_forward(text):
    vals = {}
    for line in text.splitlines():
        m = re.match(r"fwd (\S+) (\d+) udp_pps ([\d.]+)", line)
        if m:
            vals.setdefault("%s %s" % (m.group(1), m.group(2)), []).append(float(m.group(3)))
    out = {"method": "UDP echo round trips/s (8 in flight) from one namespace to an echo server "
                     "in another, through a Linux bridge of two veth pairs or through apps/l2fwd "
                     "between two taps; same generator (netload), alternated, medians; frames/s "
                     "= 2 x round trips (each crosses the forwarder twice); size_18: 60-byte "
                     "frames (64 with FCS), size_1472: 1514-byte frames (1500-byte packets)"}
    for size in FWD_SIZES:
        row = {k.split()[0]: round(statistics.median(v), 1) for k, v in vals.items()
               if k.endswith(" %d" % size)}
        for k in list(row):
            row[k + "_frames_per_s"] = round(2 * row[k], 1)  # a request and its echo cross
            if k != "bridge" and row.get("bridge"):
                row[k + "_over_bridge"] = round(row[k] / row["bridge"], 3)
        for b in BACKENDS:
            row["l2fwd-%s_per_frame" % b] = _per_frame(text, "fwd-l2fwd-" + b, str(size))
        out["size_%d" % size] = row
    return out


def script():
    lines = [PRELUDE, PROBES]
    udp = dict(app="udpecho", client="udp", proto="udp", kind="udp",
               args="%d %d %d" % (SECONDS, UDP_SIZE, UDP_WINDOW), guest_secs=SECONDS + 4)
    tcp = dict(app="tcpecho", client="tcp", proto="tcp", kind="tcp", args="%d" % SECONDS,
               guest_secs=SECONDS + 4)
    for i in range(ROUNDS):
        for p in (udp, tcp):
            runs = [GUEST.format(label=v, backend=b, opts=o, **p)
                    for v, (b, o) in VARIANTS.items()] + [NATIVE.format(**p)]
            shift = i % len(runs)  # nobody always goes first
            lines += runs[shift:] + runs[:shift]
    lines.append(forward_script())
    return "\n".join(lines)


PROBE_FIELDS = ("duet_user", "duet_sys", "vhost_user", "vhost_sys", "lab_busy", "kvm_exits",
                "kvm_mmio_kernel", "kvm_mmio_user", "kvm_wfi")


def _per_frame(text, who, kind):
    """Host CPU (us of utime+stime ticks at 100 Hz) and exits per frame the
    guest moved, summed over rounds, split by who spent it."""
    tot = dict.fromkeys(PROBE_FIELDS, 0)
    exits = frames = runs = 0
    before = None
    for line in text.splitlines():
        if not line.startswith("%s %s " % (who, kind)):
            continue
        rest = line[len(who) + len(kind) + 2:]
        m = re.match(r"probe([01]) (.*)", rest)
        if m:
            vals = [int(v) for v in m.group(2).split()]
            if m.group(1) == "0":
                before = vals
            elif before and len(vals) == len(before) == len(PROBE_FIELDS):
                runs += 1
                for k, a, b in zip(PROBE_FIELDS, before, vals):
                    tot[k] += b - a
        m = re.match(r"stats duet: +MMIO +(\d+)", rest)
        exits += int(m.group(1)) if m else 0
        m = re.match(r"guest netstack: (\d+) frames in, (\d+) out", rest)
        frames += int(m.group(1)) + int(m.group(2)) if m else 0
    if not frames:
        return None
    us = lambda ticks: round(ticks * 10000.0 / frames, 2)  # noqa: E731
    out = {"frames": frames, "mmio_exits_per_frame": round(exits / frames, 3),
           "host_cpu_us_per_frame": us(tot["duet_user"] + tot["duet_sys"] + tot["vhost_user"]
                                       + tot["vhost_sys"]),
           "duet_user_us": us(tot["duet_user"]), "duet_sys_us": us(tot["duet_sys"]),
           "vhost_us": us(tot["vhost_user"] + tot["vhost_sys"]),
           "lab_busy_us_per_frame": us(tot["lab_busy"]),
           # of the lab's 2 CPUs (200 ticks/s): 100% = both busy all the time
           "lab_busy_pct": round(tot["lab_busy"] / (2.0 * SECONDS * runs), 1) if runs else None}
    for k in ("kvm_exits", "kvm_mmio_kernel", "kvm_mmio_user", "kvm_wfi"):
        out[k + "_per_frame"] = round(tot[k] / frames, 3)
    return out


def parse(text):
    who = ["duet-" + v for v in VARIANTS] + ["native"]
    vals = {"%s %s" % (w, k): [] for w in who for k in ("udp", "tcp")}
    lost = {w + " udp": 0 for w in who}
    for line in text.splitlines():
        m = re.match(r"(duet-\w+|native) udp udp_pps ([\d.]+) .*stalls (\d+)", line)
        if m:
            vals[m.group(1) + " udp"].append(float(m.group(2)))
            lost[m.group(1) + " udp"] += int(m.group(3))
        m = re.match(r"(duet-\w+|native) tcp tcp_MBps ([\d.]+)", line)
        if m:
            vals[m.group(1) + " tcp"].append(float(m.group(2)))
    med = {k: round(statistics.median(v), 3) if v else None for k, v in vals.items()}
    net = {
        "udp_echo_pps": {"duet": med["duet-vhost udp"], "native": med["native udp"],
                         "runs": {k: v for k, v in vals.items() if "udp" in k},
                         "stalls_200ms": lost},
        "tcp_echo_MBps": {"duet": med["duet-vhost tcp"], "native": med["native tcp"],
                          "runs": {k: v for k, v in vals.items() if "tcp" in k}},
        "method": "netload in the lab's root namespace; Duet: udpecho/tcpecho guests behind "
                  "a tap; native: the same echo services (netload serve-udp/serve-tcp) in a "
                  "network namespace behind a veth pair; %d rounds of %d s, alternated, "
                  "medians; UDP %d-byte datagrams, %d in flight; 'duet' is the vhost backend, "
                  "'backends' has all three" % (ROUNDS, SECONDS, UDP_SIZE, UDP_WINDOW),
    }
    for key, kind in (("udp_echo_pps", "udp"), ("tcp_echo_MBps", "tcp")):
        ticks = [int(m.group(1)) for m in re.finditer(r"^native %s lab_busy_ticks (\d+)" % kind,
                                                       text, re.M)]
        if ticks:
            net[key]["native_lab_busy_pct"] = round(sum(ticks) / (2.0 * SECONDS * len(ticks)), 1)
        d, n = net[key]["duet"], net[key]["native"]
        if d and n:
            net[key]["duet_over_native"] = round(d / n, 3)
        net[key]["backends"] = {}
        for b in VARIANTS:
            m = med["duet-%s %s" % (b, kind)]
            net[key]["backends"][b] = {"median": m, "over_native": round(m / n, 3) if m and n else None,
                                       "per_frame": _per_frame(text, "duet-" + b, kind)}
    net["forwarding"] = parse_forward(text)
    return net


def print_table(net):
    for key in ("udp_echo_pps", "tcp_echo_MBps"):
        r = net[key]
        print("net %-14s duet %10s  native %10s  duet/native %s"
              % (key, r["duet"], r["native"], r.get("duet_over_native")))
        for b, v in r.get("backends", {}).items():
            print("    %-9s %10s  /native %-6s per frame: %s" % (b, v["median"], v["over_native"],
                                                            v["per_frame"]))
    for size in FWD_SIZES:
        print("net forward %-5d %s" % (size, net.get("forwarding", {}).get("size_%d" % size)))


def main(proj, script_text=None, out_name="net.json"):
    """The network rows alone, in one lab boot (what `./build.py bench` runs
    among the others): python3 -c 'import sys; sys.path[:0] = ["tools"];
    from duetbuild.bench import net; net.cli()' [ROUNDS] [--forward-only]."""
    import json
    import os
    from .. import runner, ui
    from duetlab import native_possible
    images = proj.build(["udpecho", "tcpecho", "l2fwd"], ["duet"], native=False, bench=True)
    files = runner.lab_files(proj, images)
    files["netload"] = os.path.join(proj.build_dir, "host", "netload")
    lab = runner.lab_instance(proj)
    extra = [] if native_possible() else [lab.nettools_archive()]
    res = lab.run(script_text or script(), files, timeout=1800, extra=extra)
    text = res.stdout.decode("utf-8", "replace")
    if res.status != 0:
        ui.error("bench net: the lab run failed (status %s):\n%s" % (
            res.status, (res.stdout + res.stderr).decode("utf-8", "replace")[-3000:]))
        return 1
    net = parse(text)
    os.makedirs(os.path.join(proj.build_dir, "bench"), exist_ok=True)
    with open(os.path.join(proj.build_dir, "bench", out_name), "w") as f:
        json.dump({"net": net, "raw": text}, f, indent=1)
    print_table(net)
    return 0


def cli():
    import os
    import sys
    from ..cli import Project
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    sys.path.insert(0, os.path.join(root, "tools"))
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    global ROUNDS
    if args:
        ROUNDS = int(args[0])
    proj = Project(root, verbose=False)
    text = None
    if "--forward-only" in sys.argv:
        text = PRELUDE + "\n" + forward_script()
    elif "--echo-only" in sys.argv:
        text = script().replace(forward_script(), "")
    sys.exit(main(proj, text))
