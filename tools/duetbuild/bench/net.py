"""The network rows of `./build.py bench`: UDP echo round trips per second
and TCP echo throughput, a Duet guest (udpecho / tcpecho apps on lwIP,
behind a tap) against the same echo services as native Linux processes
(netload serve-udp / serve-tcp, in a network namespace behind a veth pair),
alternated in one lab boot. The ratio duet/native is what to read."""
import re
import statistics

ROUNDS = 3
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

GUEST = r"""
rm -f /tmp/g.out
./duet run --stats --net:net0=tap0 apps/{app}.duet.elf -- net0=10.0.2.2/24 for={guest_secs} > /tmp/g.out 2>&1 & pid=$!
up tap0 10.0.2.1/24; ready /tmp/g.out echoing
./netload {client} 10.0.2.2 7 {args} | sed 's/^/duet {kind} /'
wait $pid; sed -n 's/^duet: *\(KVM_EXIT_MMIO\|MMIO\)/duet {kind} stats &/p; s/^\(udpecho\|tcpecho\|netstack\):/duet {kind} guest &/p' /tmp/g.out
"""

NATIVE = r"""
$N/ip netns exec srv ./netload serve-{proto} 7 & spid=$!
sleep 0.5
./netload {client} 10.0.9.2 7 {args} | sed 's/^/native {kind} /'
kill $spid; wait $spid 2>/dev/null || true
"""


def script():
    lines = [PRELUDE]
    udp = dict(app="udpecho", client="udp", proto="udp", kind="udp",
               args="%d %d %d" % (SECONDS, UDP_SIZE, UDP_WINDOW), guest_secs=SECONDS + 4)
    tcp = dict(app="tcpecho", client="tcp", proto="tcp", kind="tcp", args="%d" % SECONDS,
               guest_secs=SECONDS + 4)
    for i in range(ROUNDS):
        for p in (udp, tcp):
            pair = [GUEST.format(**p), NATIVE.format(**p)]
            lines += pair if i % 2 == 0 else pair[::-1]  # neither always goes first
    return "\n".join(lines)


def parse(text):
    vals = {"duet udp": [], "native udp": [], "duet tcp": [], "native tcp": []}
    lost = {"duet udp": 0, "native udp": 0}
    for line in text.splitlines():
        m = re.match(r"(duet|native) udp udp_pps ([\d.]+) .*stalls (\d+)", line)
        if m:
            vals[m.group(1) + " udp"].append(float(m.group(2)))
            lost[m.group(1) + " udp"] += int(m.group(3))
        m = re.match(r"(duet|native) tcp tcp_MBps ([\d.]+)", line)
        if m:
            vals[m.group(1) + " tcp"].append(float(m.group(2)))
    med = {k: round(statistics.median(v), 3) if v else None for k, v in vals.items()}
    net = {
        "udp_echo_pps": {"duet": med["duet udp"], "native": med["native udp"],
                         "runs": {k: v for k, v in vals.items() if "udp" in k},
                         "stalls_200ms": lost},
        "tcp_echo_MBps": {"duet": med["duet tcp"], "native": med["native tcp"],
                          "runs": {k: v for k, v in vals.items() if "tcp" in k}},
        "method": "netload in the lab's root namespace; Duet: udpecho/tcpecho guests behind "
                  "a tap; native: the same echo services (netload serve-udp/serve-tcp) in a "
                  "network namespace behind a veth pair; %d rounds of %d s, alternated, "
                  "medians; UDP %d-byte datagrams, %d in flight"
                  % (ROUNDS, SECONDS, UDP_SIZE, UDP_WINDOW),
    }
    for key in ("udp_echo_pps", "tcp_echo_MBps"):
        d, n = net[key]["duet"], net[key]["native"]
        if d and n:
            net[key]["duet_over_native"] = round(d / n, 3)
    return net


def print_table(net):
    for key in ("udp_echo_pps", "tcp_echo_MBps"):
        r = net[key]
        print("net %-14s duet %10s  native %10s  duet/native %s"
              % (key, r["duet"], r["native"], r.get("duet_over_native")))
