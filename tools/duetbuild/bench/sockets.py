"""The sockets rows (issue 13), one lab boot, alternated, medians of ROUNDS:
- TCP echo MB/s and UDP echo round trips/s (netload, as in net.py) of
  apps/sockecho (BSD sockets, a thread per connection) next to the raw-API
  tcpecho/udpecho guests and the same services as native Linux processes
  (netload serve-*, a network namespace behind a veth pair);
- requests/s through microsocks (apps/ports/microsocks, Debian's source)
  in the guest against the same source built natively (static aarch64) in a
  namespace, the same client (OpenBSD nc -X 5 fetching a small file from
  busybox httpd), one client at a time and 4 at once;
- thread create+join and mutex+cond handoff (apps/threads bench) in the
  guest and natively in the lab.
Run alone: python3 -m duetbuild.bench.sockets (from tools/), or with the bench.
"""
import re
import statistics

from .net import PRELUDE

ROUNDS = 3
SECONDS = 5
REQS = 40

SETUP = r"""
mkdir -p /tmp/www && echo small-file > /tmp/www/small && busybox httpd -p 8000 -h /tmp/www
G="./duet run --env DUET_NET_net0=10.0.2.2/24 --net:net0=tap0"
now() { cut -d' ' -f1 /proc/uptime; }
rate() { awk -v n=$1 -v a=$2 -v b=$3 'BEGIN { printf "%%.1f", n / (b - a) }'; }
reqs() { i=0; while [ $i -lt $3 ]; do printf 'GET /small HTTP/1.0\r\n\r\n' | $N/nc -X 5 -x $1:1080 -w 10 $2 8000 > /dev/null || echo req-failed; i=$((i+1)); done; }
socks() {  # WHO PROXY TARGET
  t0=$(now); reqs $2 $3 %(reqs)d; t1=$(now); echo "socks1 $1 $(rate %(reqs)d $t0 $t1)"
  t0=$(now); p=; for k in 1 2 3 4; do reqs $2 $3 %(quarter)d & p="$p $!"; done; wait $p; t1=$(now)
  echo "socks4 $1 $(rate %(reqs)d $t0 $t1)"
}
""" % {"reqs": REQS, "quarter": REQS // 4}

ECHO_GUEST = r"""
rm -f /tmp/g.out; $G apps/{app}.duet.elf -- {args} > /tmp/g.out 2>&1 & pid=$!
up tap0 10.0.2.1/24; ready /tmp/g.out echoing
./netload {client} 10.0.2.2 7 {cargs} | sed 's/^/{kind} {who} /'
wait $pid
"""
RAW_GUEST = r"""
rm -f /tmp/g.out; ./duet run --net:net0=tap0 apps/{app}.duet.elf -- net0=10.0.2.2/24 for={secs} > /tmp/g.out 2>&1 & pid=$!
up tap0 10.0.2.1/24; ready /tmp/g.out echoing
./netload {client} 10.0.2.2 7 {cargs} | sed 's/^/{kind} {who} /'
wait $pid
"""
ECHO_NATIVE = r"""
$N/ip netns exec srv ./netload serve-{proto} 7 & spid=$!; sleep 0.5
./netload {client} 10.0.9.2 7 {cargs} | sed 's/^/{kind} native /'
kill $spid; wait $spid 2>/dev/null || true
"""
SOCKS_GUEST = r"""
rm -f /tmp/g.out; $G apps/microsocks.duet.elf -- -i 0.0.0.0 -p 1080 > /tmp/g.out 2>&1 & pid=$!
up tap0 10.0.2.1/24; sleep 1; socks duet 10.0.2.2 10.0.2.1; kill $pid; wait $pid 2>/dev/null
"""
SOCKS_NATIVE = r"""
$N/ip netns exec srv ./apps/microsocks.linux -i 0.0.0.0 -p 1080 2>/dev/null & spid=$!; sleep 0.5
socks native 10.0.9.2 10.0.9.1; kill $spid; wait $spid 2>/dev/null || true
"""
THREADS = r"""
./duet run apps/threads.duet.elf -- bench | sed 's/^/threads duet /'
./apps/threads.linux bench | sed 's/^/threads native /'
"""


def script():
    lines = [PRELUDE, SETUP]
    tcp = dict(client="tcp", proto="tcp", kind="tcp", cargs="%d" % SECONDS)
    udp = dict(client="udp", proto="udp", kind="udp", cargs="%d 64 4" % SECONDS)
    for i in range(ROUNDS):
        for p, raw in ((tcp, "tcpecho"), (udp, "udpecho")):
            runs = [ECHO_GUEST.format(app="sockecho", who="sockets", args="for=%d" % (SECONDS + 4), **p),
                    RAW_GUEST.format(app=raw, who="raw", secs=SECONDS + 4, **p),
                    ECHO_NATIVE.format(**p)]
            shift = i % len(runs)
            lines += runs[shift:] + runs[:shift]
        runs = [SOCKS_GUEST, SOCKS_NATIVE]
        lines += runs[i % 2:] + runs[:i % 2]
        lines.append(THREADS)
    return "\n".join(lines)


def parse(text):
    vals = {}

    def add(key, v):
        vals.setdefault(key, []).append(float(v))
    for line in text.splitlines():
        m = re.match(r"(tcp|udp) (sockets|raw|native) (tcp_MBps|udp_pps) ([\d.]+)", line)
        if m:
            add("%s %s" % (m.group(1), m.group(2)), m.group(4))
        m = re.match(r"(socks[14]) (duet|native) ([\d.]+)", line)
        if m:
            add("%s %s" % (m.group(1), m.group(2)), m.group(3))
        m = re.match(r"threads (duet|native) bench: create\+join (\d+) ns, mutex\+cond handoff (\d+)",
                     line)
        if m:
            add("create_join_ns " + m.group(1), m.group(2))
            add("handoff_ns " + m.group(1), m.group(3))
    med = {k: round(statistics.median(v), 1) for k, v in vals.items()}
    out = {"runs": vals, "failed_requests": text.count("req-failed"),
           "method": __doc__.split("\n\n")[0] if __doc__ else ""}

    def row(name, a, b, c=None):
        r = {k.split()[1]: med.get(k) for k in (a, b, c) if k}
        base = r.get("native")
        for k in list(r):
            if k != "native" and base and r[k]:
                r[k + "_over_native"] = round(r[k] / base, 3)
        out[name] = r
    row("tcp_echo_MBps", "tcp sockets", "tcp native", "tcp raw")
    row("udp_echo_pps", "udp sockets", "udp native", "udp raw")
    row("socks_req_per_s_1_client", "socks1 duet", "socks1 native")
    row("socks_req_per_s_4_clients", "socks4 duet", "socks4 native")
    row("thread_create_join_ns", "create_join_ns duet", "create_join_ns native")
    row("mutex_cond_handoff_ns", "handoff_ns duet", "handoff_ns native")
    return out


def print_table(res):
    for k, v in res.items():
        if isinstance(v, dict) and k != "runs":
            print("sockets %-28s %s" % (k, v))


def run(proj, lab, verbose=False):
    """Builds what the rows need, runs them in one lab boot: the parsed
    rows (also in build/bench/sockets.json), or None if the run failed."""
    import json
    import os
    from .. import runner
    images = proj.build(["sockecho", "tcpecho", "udpecho", "microsocks", "threads"], ["duet"],
                        native=False, bench=True)
    images += proj.build_lab_native(["microsocks", "threads"])
    files = runner.lab_files(proj, images)
    files["netload"] = os.path.join(proj.build_dir, "host", "netload")
    from duetlab import native_possible
    r = lab.run(script(), files, timeout=1500,
                extra=[] if native_possible() else [lab.nettools_archive()])
    text = r.stdout.decode("utf-8", "replace")
    if verbose:
        print(text)
    if r.status != 0:
        return None
    res = parse(text)
    os.makedirs(os.path.join(proj.build_dir, "bench"), exist_ok=True)
    with open(os.path.join(proj.build_dir, "bench", "sockets.json"), "w") as f:
        json.dump(res, f, indent=1)
    return res


if __name__ == "__main__":
    import os
    import sys
    from .. import cli, runner
    tools = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proj = cli.Project(os.path.dirname(tools), False)
    res = run(proj, runner.lab_instance(proj), "-v" in sys.argv)
    if res is None:
        sys.exit("bench sockets: the lab run failed")
    print_table(res)
