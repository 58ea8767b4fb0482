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
