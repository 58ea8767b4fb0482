"""BSD socket cases in the lab (issue 13): plain POSIX guests (apps/sockecho,
apps/socktest) whose interface is up before main() from DUET_NET_net0,
against the lab's real clients (OpenBSD nc, busybox wget) and, for the
errno checks, against the same program run natively on the lab's Linux.
"""
from cases import ShellCase
from net_cases import PRELUDE, net_case

ECHO = ("./duet run --env DUET_NET_net0=10.0.2.2/24 --net:net0=tap0 apps/sockecho.duet.elf -- %s")

SOCKET_SHELL_CASES = [
    net_case("sockets: TCP echo, 1 MB byte for byte, then 16 concurrent 100 KB connections",
             ECHO % "conns=17",
             "up tap0 10.0.2.1/24 && ready /tmp/g.out echoing && "
             "head -c 1000000 /dev/urandom > /tmp/d && $N/nc -N -w 20 10.0.2.2 7 < /tmp/d > /tmp/e && "
             "cmp /tmp/d /tmp/e && echo sock-1MB-same && head -c 100000 /dev/urandom > /tmp/s && "
             "p=; for i in $(seq 16); do ($N/nc -N -w 60 10.0.2.2 7 < /tmp/s > /tmp/s$i) & "
             "p=\"$p $!\"; done; wait $p; "
             "ok=0; for i in $(seq 16); do cmp -s /tmp/s /tmp/s$i && ok=$((ok+1)); done; "
             "echo \"same=$ok of 16\"; [ $ok = 16 ]",
             ["sock-1MB-same", "same=16 of 16", "17 connections, 2600000 bytes echoed, 0 failed",
              "client=0 guest=0"], timeout=200),
]

TEST = ("./duet run --env DUET_NET_net0=10.0.2.2/24 --net:net0=tap0 apps/socktest.duet.elf -- ")


def oracle_case(mode, expect, timeout=90):
    """socktest MODE in the guest and natively on the lab's Linux (its
    loopback as the peer): every `ck` line must be the same in both."""
    cmd = (PRELUDE + "rm -f /tmp/g.out; ip link set lo up; ./apps/socktest.linux %s > /tmp/n.out 2>&1; nst=$?; "
           "{ %s%s peer=10.0.2.1; } > /tmp/g.out 2>&1 & pid=$!; up tap0 10.0.2.1/24; "
           "wait $pid; gst=$?; cat /tmp/g.out; grep '^ck ' /tmp/n.out | sed 's/   FAIL, want.*//' "
           "> /tmp/n.ck; grep '^ck ' /tmp/g.out | sed 's/   FAIL, want.*//' > /tmp/g.ck; "
           "echo \"native: $(wc -l < /tmp/n.ck) checks, status $nst; guest: $(wc -l < /tmp/g.ck) "
           "checks, status $gst\"; if diff /tmp/n.ck /tmp/g.ck > /tmp/d.ck; then "
           "echo same-as-linux; else echo 'differs from Linux (< native, > guest):'; "
           "cat /tmp/d.ck; fi; [ $nst = 0 ] && [ $gst = 0 ] && [ -s /tmp/n.ck ] && "
           "cmp -s /tmp/n.ck /tmp/g.ck" % (mode, TEST, mode))
    return ShellCase("net: sockets: " + mode + ", the same results as Linux", cmd, 0,
                     expect + ["socktest %s: 0 failure(s)" % mode, "same-as-linux"], timeout)


SOCKET_SHELL_CASES += [
    oracle_case("errors", ["ck recv on a file: ENOTSOCK", "ck bind, bad address: EFAULT",
                           "ck send, TCP not connected: EPIPE",
                           "ck connect to a closed port: ECONNREFUSED",
                           "ck non-blocking connect to a closed port: EINPROGRESS",
                           "ck ... SO_ERROR: ECONNREFUSED"]),
    oracle_case("names", ["ck getaddrinfo 10.0.2.1 53 flags 0 family 2 type 0: "
                          "10.0.2.1:53/tcp 10.0.2.1:53/udp"]),
    oracle_case("loopback", ["ck 100 KB through loopback, byte for byte: same",
                             "ck ... poll says readable: ok 1"]),
    oracle_case("poll", ["ck poll a quiet listener, 300 ms: ok 0", "ck ... it waited 300 ms: in time",
                         "ck recv with SO_RCVTIMEO 300 ms: EAGAIN"]),
    net_case("sockets: listen backlog 2 overflowed by 6 clients: at most 3 queue, all served",
             TEST + "backlog 2 6",
             "up tap0 10.0.2.1/24 && ready /tmp/g.out listening && p=; for i in 1 2 3 4 5 6; do "
             "(echo hi | $N/nc -N -w 40 10.0.2.2 8 > /tmp/b$i; echo \"client $i: status $? $(cat /tmp/b$i)\") & "
             "p=\"$p $!\"; done; wait $p; "
             "cat /tmp/b*; n=$(cat /tmp/b* | grep -c served); echo \"replies=$n\"; [ $n = 6 ]",
             ["replies=6", "ck accept queue no longer than backlog + 1: yes",
              "backlog: all 6 clients served", "client=0 guest=0"], timeout=120),
    net_case("sockets: half-close: the server writes after the client's FIN",
             ECHO % "conns=1 bye",
             "up tap0 10.0.2.1/24 && ready /tmp/g.out echoing && "
             "printf 'abc\\n' | $N/nc -N -w 10 10.0.2.2 7 > /tmp/h && cat /tmp/h && "
             "[ \"$(cat /tmp/h)\" = \"$(printf 'abc\\nbye 4')\" ] && echo half-close-ok",
             ["half-close-ok", "1 connections, 4 bytes echoed, 0 failed", "client=0 guest=0"]),
    net_case("sockets: a client that vanishes mid-transfer; the next one is served",
             ECHO % "conns=2",
             "up tap0 10.0.2.1/24 && ready /tmp/g.out echoing && head -c 4000000 /dev/urandom > /tmp/v && "
             "($N/nc 10.0.2.2 7 < /tmp/v > /dev/null & p=$!; sleep 1; kill -9 $p; wait $p) ; "
             "echo killed; sleep 1; head -c 50000 /dev/urandom > /tmp/w && "
             "$N/nc -N -w 20 10.0.2.2 7 < /tmp/w > /tmp/x && cmp /tmp/w /tmp/x && echo next-served",
             ["killed", "next-served", "2 connections", "client=0 guest=0"], timeout=90),
    net_case("sockets: UDP echo: a line and a 1400-byte datagram",
             ECHO % "conns=1",
             "up tap0 10.0.2.1/24 && ready /tmp/g.out echoing && "
             "echo hello-udp | $N/nc -u -w 2 10.0.2.2 7 && head -c 1400 /dev/urandom > /tmp/d && "
             "$N/nc -u -w 2 10.0.2.2 7 < /tmp/d > /tmp/e && cmp /tmp/d /tmp/e && echo udp-1400-same; "
             "st=$?; echo bye | $N/nc -N -w 5 10.0.2.2 7; [ $st = 0 ]",
             ["hello-udp", "udp-1400-same", "client=0 guest=0"]),
    # A sockets guest waiting in accept(): tcpip, receive and main threads all blocked.
    ShellCase("net: sockets: an idle guest blocked in accept sleeps (host CPU over 4 s)",
              PRELUDE + "rm -f /tmp/g.out; " + ECHO % "conns=1" + " > /tmp/g.out 2>&1 & pid=$!; "
              "up tap0 10.0.2.1/24; ready /tmp/g.out echoing; a=$(awk '{print $14+$15}' /proc/$pid/stat); "
              "sleep 4; b=$(awk '{print $14+$15}' /proc/$pid/stat); echo bye | $N/nc -N -w 5 10.0.2.2 7; "
              "wait $pid; st=$?; echo \"idle_cpu_ticks=$((b - a)) of 400 guest=$st\"; "
              "[ $st = 0 ] && [ $((b - a)) -lt 40 ]",
              0, ["bye", "idle_cpu_ticks=", "guest=0"], 60),
]

# A real server from a Debian source package (apps/ports/microsocks): a SOCKS5
# proxy, a thread per client, in front of busybox httpd on the lab's side.
SOCKS = ("mkdir -p /tmp/www && head -c 1000000 /dev/urandom > /tmp/www/blob && "
         "echo small > /tmp/www/small && busybox httpd -p 10.0.2.1:8000 -h /tmp/www && ")
GET = ("printf 'GET /%s HTTP/1.0\\r\\n\\r\\n' | $N/nc -X 5 -x 10.0.2.2:1080 -w 30 10.0.2.1 8000 "
       "| sed '1,/^\\r$/d' > %s")

SOCKET_SHELL_CASES += [
    ShellCase("net: sockets: microsocks (Debian's, unchanged) proxies wget-style GETs: "
              "1 MB intact, 8 clients at once",
              PRELUDE + "rm -f /tmp/g.out; ./duet run --env DUET_NET_net0=10.0.2.2/24 "
              "--net:net0=tap0 apps/microsocks.duet.elf -- -i 0.0.0.0 -p 1080 > /tmp/g.out 2>&1 & "
              "pid=$!; up tap0 10.0.2.1/24 && " + SOCKS + "sleep 1; " +
              GET % ("blob", "/tmp/got") + " && cmp /tmp/got /tmp/www/blob && echo proxied-1MB-same && "
              "p=; for i in 1 2 3 4 5 6 7 8; do (" + GET % ("blob", "/tmp/got$i") + ") & "
              "p=\"$p $!\"; done; wait $p; ok=0; for i in 1 2 3 4 5 6 7 8; do "
              "cmp -s /tmp/got$i /tmp/www/blob && ok=$((ok+1)); done; echo \"same=$ok of 8\"; "
              "kill $pid; wait $pid; cat /tmp/g.out | tail -5; ! grep -q 'crash' /tmp/g.out && "
              "[ $ok = 8 ]",
              0, ["proxied-1MB-same", "same=8 of 8", "connected to 10.0.2.1:8000"], 120),
]

# Names through DNS: a tiny DNS server on the lab's side (socktest dnsd, run
# natively), named by DUET_DNS, or handed out by udhcpd with the address.
DNSD = "./apps/socktest.linux dnsd %s web.duet.test=10.0.2.77 db.duet.test=10.0.2.78 > /tmp/dnsd.out & dp=$!; "
RESOLVE = "resolve web.duet.test=10.0.2.77 DB.duet.test=10.0.2.78 nosuch.duet.test=none"
SOCKET_SHELL_CASES += [
    net_case("sockets: names through DNS (DUET_DNS=10.0.2.1): getaddrinfo, gethostbyname",
             "./duet run --env DUET_NET_net0=10.0.2.2/24 --env DUET_DNS=10.0.2.1 --net:net0=tap0 "
             "apps/socktest.duet.elf -- " + RESOLVE,
             "up tap0 10.0.2.1/24 && " + DNSD % "10.0.2.1" + "sleep 8; kill $dp; cat /tmp/dnsd.out",
             ["dnsd: web.duet.test type 1 -> 10.0.2.77", "ck getaddrinfo web.duet.test: 10.0.2.77",
              "ck gethostbyname DB.duet.test: 10.0.2.78",
              "ck getaddrinfo nosuch.duet.test: none (Name or service not known)",
              "socktest resolve: 0 failure(s)", "client=0 guest=0"], timeout=60),
    net_case("sockets: DHCP before main() gives the address and the resolver",
             "printf 'start 10.0.5.50\\nend 10.0.5.60\\ninterface tap0\\nlease_file /tmp/leases\\n"
             "option subnet 255.255.255.0\\noption dns 10.0.5.1\\n' > /tmp/udhcpd.conf && "
             "touch /tmp/leases && ./duet run --net:net0=tap0 apps/socktest.duet.elf -- " + RESOLVE,
             "up tap0 10.0.5.1/24 && udhcpd -S /tmp/udhcpd.conf && " + DNSD % "10.0.5.1" +
             "sleep 12; kill $dp; cat /tmp/dnsd.out",
             ["ck getaddrinfo web.duet.test: 10.0.2.77", "socktest resolve: 0 failure(s)",
              "client=0 guest=0"], timeout=60),
]

# Random calls with bad fds, lengths and pointers (socktest chaos): the guest
# must answer every one, as Linux does (the same calls run natively first).
# A tap made beforehand: the three guests attach to it in turn.
CHAOS = ("./duet run --env DUET_NET_net0=10.0.2.2/24 --net:net0=tapc apps/socktest.duet.elf -- "
         "chaos 3000 $s peer=10.0.2.1")
SOCKET_SHELL_CASES += [
    ShellCase("net: sockets: 9,000 random calls with bad fds, lengths, pointers: no crash",
              "N=/nettools/run; bad=0; ip link set lo up; for s in 1 2 3; do timeout 60 ./apps/socktest.linux "
              "chaos 3000 $s > /dev/null || { echo native-failed; bad=1; }; done; $N/ip tuntap add tapc mode tap && "
              "ip addr add 10.0.2.1/24 dev tapc && ip link set tapc up && "
              "for s in 1 2 3; do timeout 100 " + CHAOS + " || { echo guest-failed; bad=1; }; done; "
              "$N/ip tuntap del tapc mode tap; [ $bad = 0 ]",
              0, ["chaos: 3000 calls", "socktest chaos: 0 failure(s)", "chaos: 3000 calls",
                  "socktest chaos: 0 failure(s)", "chaos: 3000 calls", "socktest chaos: 0 failure(s)"],
              240),
]
