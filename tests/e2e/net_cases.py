"""Network cases in the lab: real taps, the lab's Linux stack and real
clients (iputils ping, OpenBSD nc, busybox wget and udhcpd) against lwIP
guests. Each case starts duet in the background, configures the tap duet
created (or one made beforehand), talks to the guest, and checks both sides.

Clients from the nettools payload live in /nettools/run (tools/duetlab/payload.py).
"""
from cases import HostCase, ShellCase

# Shell helpers every case's command starts with.
PRELUDE = (
    "N=/nettools/run; "
    # up TAP ADDR: wait for duet to create TAP, give it ADDR, bring it up
    "up() { for i in $(seq 100); do [ -e /sys/class/net/$1 ] && break; sleep 0.1; done; "
    "ip addr add $2 dev $1 && ip link set $1 up; }; "
    # ready FILE WORD: wait until the guest printed WORD (it has its address)
    "ready() { for i in $(seq 200); do grep -q \"$2\" $1 2>/dev/null && return 0; sleep 0.1; done; "
    "echo \"guest not ready:\"; cat $1; return 1; }; "
)


def net_case(name, duet, client, expect, timeout=120):
    """duet: the `duet run` command (backgrounded, output in /tmp/g.out);
    client: what runs against it; then the guest's own output is shown."""
    cmd = (PRELUDE + "rm -f /tmp/g.out; { %s; } > /tmp/g.out 2>&1 & pid=$!; %s; st=$?; "
           "wait $pid; gst=$?; "
           "cat /tmp/g.out; echo \"client=$st guest=$gst\"; [ $st = 0 ] && [ $gst = 0 ]"
           % (duet, client))
    return ShellCase("net: " + name, cmd, 0, expect, timeout)


PING = "./duet run --net:net0=tap0 apps/pingd.duet.elf -- net0=10.0.2.2/24 for=%d"

NET_SHELL_CASES = [
    net_case("ping, then 10,000 flood pings whose payloads ping checks",
             PING % 120,
             "up tap0 10.0.2.1/24 && ready /tmp/g.out answering && "
             "$N/ping -c 3 -w 10 10.0.2.2 && "
             # -w: a deadline for a loaded machine (2 cores, TCG); loss and data are what count
             "$N/ping -q -f -c 10000 -s 200 -p a55a0ff0 -w 110 10.0.2.2 > /tmp/flood 2>&1; "
             "f=$?; cat /tmp/flood; ! grep -q 'wrong data' /tmp/flood && [ $f = 0 ] && "
             "grep -q '10000 packets transmitted, 10000 received, 0% packet loss' /tmp/flood",
             ["3 received", "10000 packets transmitted, 10000 received, 0% packet loss",
              "answering pings", "client=0 guest=0"], timeout=200),
    net_case("UDP echo with nc: a line and a 1400-byte datagram",
             "./duet run --net:net0=tap0 apps/udpecho.duet.elf -- net0=10.0.2.2/24 for=15",
             "up tap0 10.0.2.1/24 && ready /tmp/g.out echoing && "
             "echo hello-udp | $N/nc -u -w 2 10.0.2.2 7 && "
             "head -c 1400 /dev/urandom > /tmp/d && $N/nc -u -w 2 10.0.2.2 7 < /tmp/d > /tmp/e && "
             "cmp /tmp/d /tmp/e && echo udp-1400-same",
             ["hello-udp", "udp-1400-same", "2 datagrams echoed", "client=0 guest=0"]),
    net_case("TCP echo with nc: 1 MB comes back intact",
             "./duet run --net:net0=tap0 apps/tcpecho.duet.elf -- net0=10.0.2.2/24 for=40",
             "up tap0 10.0.2.1/24 && ready /tmp/g.out echoing && "
             "head -c 1000000 /dev/urandom > /tmp/d && $N/nc -N -w 20 10.0.2.2 7 < /tmp/d > /tmp/e && "
             "cmp /tmp/d /tmp/e && echo tcp-1MB-same",
             ["tcp-1MB-same", "1 connections, 1000000 bytes echoed", "client=0 guest=0"]),
    net_case("HTTP with wget: the page, a file from the block device, a 404",
             "mkdir -p /tmp/site && echo '<h1>served by duet</h1>' > /tmp/site/index.html && "
             "head -c 300000 /dev/urandom > /tmp/site/blob.bin && "
             "tar -cf /tmp/www.tar -C /tmp/site index.html blob.bin && "
             "./duet run --net:net0=tap0 --block:www=/tmp/www.tar apps/httpd.duet.elf -- "
             "net0=10.0.2.2/24 for=20",
             "up tap0 10.0.2.1/24 && ready /tmp/g.out serving && "
             "wget -q -O - http://10.0.2.2/ && wget -q -O /tmp/b http://10.0.2.2/blob.bin && "
             "cmp /tmp/b /tmp/site/blob.bin && echo blob-same && "
             "! wget -q -O /dev/null http://10.0.2.2/nothing-here && echo missing-refused",
             ["served by duet", "blob-same", "missing-refused", "serving 2 file(s)", "3 requests",
              "client=0 guest=0"]),
    net_case("two NICs at once, one with MTU 9000 (8972-byte pings, no fragmenting)",
             "./duet run --net:net0=tap0,mtu=9000 --net:net1=tap1 apps/pingd.duet.elf -- "
             "net0=10.0.2.2/24 net1=10.0.3.2/24 for=20",
             "up tap0 10.0.2.1/24 && up tap1 10.0.3.1/24 && ready /tmp/g.out answering && "
             "$N/ping -c 3 -w 10 -M do -s 8972 -p 5a 10.0.2.2 && $N/ping -c 3 -w 10 10.0.3.2",
             ["8980 bytes from 10.0.2.2", "3 received", "64 bytes from 10.0.3.2", "3 received",
              "net0: 10.0.2.2 netmask 255.255.255.0 mtu 9000",
              "net1: 10.0.3.2 netmask 255.255.255.0 mtu 1500", "client=0 guest=0"]),
    net_case("a tap made beforehand (duet attaches, does not create), a MAC from the command line",
             "$N/ip tuntap add tapx mode tap && ip addr add 10.0.4.1/24 dev tapx && "
             "ip link set tapx up && ./duet run --verbose --net:net0=tapx "
             "--net-mac:net0=02:de:ad:be:ef:01 apps/pingd.duet.elf -- net0=10.0.4.2/24 for=10",
             "ready /tmp/g.out answering && $N/ping -c 2 -w 10 10.0.4.2 && "
             "ip neigh show 10.0.4.2 | grep -q 02:de:ad:be:ef:01 && echo mac-seen",
             ["2 received", "mac-seen", "net net0: tap tapx, MAC 02:de:ad:be:ef:01",
              "client=0 guest=0"]),
    net_case("DHCP from busybox udhcpd",
             "printf 'start 10.0.5.50\\nend 10.0.5.60\\ninterface tap0\\nlease_file /tmp/leases\\n"
             "option subnet 255.255.255.0\\n' > /tmp/udhcpd.conf && touch /tmp/leases && "
             "./duet run --net:net0=tap0 apps/pingd.duet.elf -- for=25",
             "up tap0 10.0.5.1/24 && udhcpd -S /tmp/udhcpd.conf && ready /tmp/g.out answering && "
             "a=$(sed -n 's/^net0: \\(10\\.0\\.5\\.[0-9]*\\) netmask.*/\\1/p' /tmp/g.out) && "
             "echo \"leased $a\" && $N/ping -c 2 -w 10 $a",
             ["leased 10.0.5.", "2 received", "netmask 255.255.255.0", "client=0 guest=0"]),
    net_case("virtio-net on duet's own thread (--net-backend=thread): 5,000 flood pings",
             "./duet run --verbose --net-backend=thread --net:net0=tap0 apps/pingd.duet.elf -- "
             "net0=10.0.2.2/24 for=75",
             "up tap0 10.0.2.1/24 && ready /tmp/g.out answering && "
             "$N/ping -q -f -c 5000 -s 200 -p a55a0ff0 -w 70 10.0.2.2 > /tmp/flood 2>&1; "
             "f=$?; cat /tmp/flood; ! grep -q 'wrong data' /tmp/flood && [ $f = 0 ]",
             ["5000 packets transmitted, 5000 received, 0% packet loss", "backend duet thread",
              "client=0 guest=0"], timeout=150),
    # vhost_net unloaded for this case only: duet must notice and fall back.
    net_case("vhost-net absent: the thread backend is chosen, and --verbose says so",
             "rmmod vhost_net && ./duet run --verbose --net:net0=tap0 apps/pingd.duet.elf -- "
             "net0=10.0.2.2/24 for=8; st=$?; insmod /lib/modules/vhost_net.ko; exit $st",
             "up tap0 10.0.2.1/24 && ready /tmp/g.out answering && $N/ping -c 2 -w 5 10.0.2.2",
             ["2 received", "vhost-net unavailable (/dev/vhost-net: No such file or directory",
              "backend duet thread", "client=0 guest=0"], timeout=60),
    net_case("virtio-net on vhost-net is the default where /dev/vhost-net opens",
             "./duet run --verbose --net:net0=tap0 apps/pingd.duet.elf -- net0=10.0.2.2/24 for=6",
             "up tap0 10.0.2.1/24 && ready /tmp/g.out answering && $N/ping -c 2 -w 5 10.0.2.2",
             ["2 received", "backend vhost-net", "client=0 guest=0"], timeout=60),
    # The taps move into two network namespaces: the only way between them is the guest.
    net_case("l2fwd between two namespaces: ping across, then 10,000 flood pings, none lost",
             "./duet run --net:net0=tap0 --net:net1=tap1 apps/l2fwd.duet.elf -- for=280 idle=8",
             "mkdir -p /run/netns && ready /tmp/g.out switching && "
             "$N/ip netns add l2a && $N/ip netns add l2b && "
             "$N/ip link set tap0 netns l2a && $N/ip link set tap1 netns l2b && "
             "$N/ip -n l2a addr add 10.0.9.1/24 dev tap0 && $N/ip -n l2a link set tap0 up && "
             "$N/ip -n l2b addr add 10.0.9.2/24 dev tap1 && $N/ip -n l2b link set tap1 up && "
             "$N/ip netns exec l2a $N/ping -c 3 -w 10 10.0.9.2 && "
             "$N/ip netns exec l2a $N/ping -q -f -c 10000 -s 200 -p a55a0ff0 10.0.9.2 "
             "> /tmp/flood 2>&1; f=$?; cat /tmp/flood; $N/ip netns del l2a; $N/ip netns del l2b; "
             "! grep -q 'wrong data' /tmp/flood && [ $f = 0 ]",
             ["3 received", "10000 packets transmitted, 10000 received, 0% packet loss",
              "l2fwd: switching net0 <-> net1", "0 dropped, 0 send errors, 2 MACs learned",
              "client=0 guest=0"], timeout=330),
    net_case("l2fwd mode=router: routes between two namespaces, TTL decremented, a static route, "
             "TTL 1 dropped",
             "./duet run --net:net0=tap0 --net:net1=tap1 apps/l2fwd.duet.elf -- mode=router "
             "net0=10.0.10.1/24 net1=10.0.11.1/24 route=10.0.12.0/24,via=10.0.11.2 for=150 idle=8",
             "mkdir -p /run/netns && ready /tmp/g.out routing && "
             "$N/ip netns add ra && $N/ip netns add rb && "
             "$N/ip link set tap0 netns ra && $N/ip link set tap1 netns rb && "
             "$N/ip -n ra addr add 10.0.10.2/24 dev tap0 && $N/ip -n ra link set tap0 up && "
             "$N/ip -n ra route add default via 10.0.10.1 && "
             "$N/ip -n rb addr add 10.0.11.2/24 dev tap1 && $N/ip -n rb link set tap1 up && "
             "$N/ip -n rb route add default via 10.0.11.1 && "
             "$N/ip -n rb addr add 10.0.12.5/24 dev lo && $N/ip -n rb link set lo up && "
             # the first packet to an unresolved next hop is dropped while the router asks ARP
             "{ $N/ip netns exec ra $N/ping -c 1 -w 3 10.0.11.2 > /dev/null; true; } && "
             "$N/ip netns exec ra $N/ping -c 3 -w 10 10.0.11.2 && "
             "$N/ip netns exec ra $N/ping -c 2 -w 10 10.0.12.5 && "
             # -w: a deadline only against a hang. A flood sends at least every 10 ms,
             # so 3000 pings can take 30 s on a loaded lab; replies still out at the
             # deadline would count as lost.
             "$N/ip netns exec ra $N/ping -q -f -c 3000 -s 200 -w 100 10.0.11.2 && "
             "! $N/ip netns exec ra $N/ping -c 1 -t 1 -W 2 10.0.11.2 > /dev/null; "
             "r=$?; $N/ip netns del ra; $N/ip netns del rb; [ $r = 0 ]",
             ["64 bytes from 10.0.11.2: icmp_seq=1 ttl=63", "3 received",
              "64 bytes from 10.0.12.5: icmp_seq=1 ttl=63", "2 received",
              "3000 packets transmitted, 3000 received, 0% packet loss", "l2fwd: routing",
              "0 send errors", "1 TTL expired", "client=0 guest=0"], timeout=200),
    # An idle guest sleeps in WFI until its SPI fires: the host spends almost
    # no CPU while a NIC is attached and nothing arrives (utime+stime ticks, 100 Hz).
    ShellCase("net: an idle guest with a NIC sleeps (host CPU over 5 idle seconds)",
              PRELUDE + "rm -f /tmp/g.out; " + (PING % 8) + " > /tmp/g.out 2>&1 & pid=$!; "
              "up tap0 10.0.2.1/24; "
              "ready /tmp/g.out answering; a=$(awk '{print $14+$15}' /proc/$pid/stat); sleep 5; "
              "b=$(awk '{print $14+$15}' /proc/$pid/stat); wait $pid; "
              "echo \"idle_cpu_ticks=$((b - a)) of 500\"; [ $((b - a)) -lt 50 ]",
              0, ["idle_cpu_ticks="], 60),
]

# BSD sockets: tests/e2e/socket_cases.py.

# Without CAP_NET_ADMIN (a user namespace: root inside, nobody outside).
NET_SHELL_CASES += [
    ShellCase("net: no rights to create a tap: the message says how to make one",
              "unshare -r ./duet run --net:net0=nosuch apps/pingd.duet.elf 2>&1; [ $? = 2 ]",
              0, ["tap 'nosuch' does not exist and duet may not create it",
                  "ip tuntap add nosuch mode tap user"], 30),
    ShellCase("net: a tap that belongs to another user is refused",
              "/nettools/run/ip tuntap add tapo mode tap user 1000 && "
              "unshare -r ./duet run --net:net0=tapo apps/pingd.duet.elf 2>&1; [ $? = 2 ]",
              0, ["tap 'tapo' belongs to another user or group"], 30),
]

NET_HOST_CASES = [
    HostCase("net option malformed", ["run", "--net:Net0=tap0", "x.elf"], 2,
             expect_err=["NAME=TAP"]),
    HostCase("net MTU out of range", ["run", "--net:net0=tap0,mtu=9001", "x.elf"], 2,
             expect_err=["68..9000"]),
    HostCase("net MAC for no device", ["run", "--net:net0=tap0", "--net-mac:net1=02:00:00:00:00:01",
                                       "x.elf"], 2, expect_err=["no --net:net1"]),
    HostCase("net: the retired hypercall backend is refused, saying why",
             ["run", "--net:net0=tap0", "--net-backend=hypercall", "x.elf"], 2,
             expect_err=["not auto, vhost or thread", "NICs are virtio-net"]),
    HostCase("net MAC multicast", ["run", "--net:net0=tap0", "--net-mac:net0=01:00:00:00:00:01",
                                   "x.elf"], 2, expect_err=["multicast"]),
    HostCase("manifest: a declared NIC must be attached",
             ["run", "{images}/../../apps/pingd.duet.elf"], 2,
             expect_err=["needs net device 'net0'", "--net:net0=TAP"]),
    HostCase("info prints required and optional devices", ["info", "{images}/../../apps/pingd.duet.elf"],
             0, exact_stdout=b"abi 2\ndevices 2\nnet net0\nnet net1 optional\ninterrupts yes\n"),
    HostCase("net: an interface that is not a tap is refused",
             ["run", "--net:net0=lo", "apps/pingd.duet.elf"], 2,
             expect_err=["'lo' exists and is not a tap"], in_lab=True, native=False),
]
