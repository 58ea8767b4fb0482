"""The lab's own NIC: a path from the user's machine to a guest in the lab.

```
 user's machine             QEMU user-mode network          the lab's Linux           duet guest
 127.0.0.1:HOSTPORT --hostfwd--> 10.0.2.15:GUESTPORT --- eth0 (virtio-net)
                                                                 |
                                                            br0 10.0.2.14 --- tap0 --- net0 10.0.2.15
 127.0.0.1:GDBPORT  --hostfwd--> 10.0.2.14:GDB_PORT  (duet run --gdb=10.0.2.14:GDB_PORT)
```

QEMU's built-in DHCP server answers the guest through the bridge and hands
out 10.0.2.15 first (the lab's Linux takes a static address below it and
never asks), so the forwards can name the guest's address before it has one.
Like any QEMU guest on a user-mode network, the guest can also reach out
through QEMU's NAT (gateway 10.0.2.2, DNS 10.0.2.3): `restrict=on`, which
would stop that, also drops the guest's UDP replies to a forward (QEMU 7.2).
"""
import socket
from dataclasses import dataclass

from .errors import LabError

NET = "10.0.2.0/24"
LAB_ADDR = "10.0.2.14"      # br0 in the lab: duet's gdb stub listens here
GUEST_ADDR = "10.0.2.15"    # what QEMU's DHCP server gives its first client
GATEWAY = "10.0.2.2"        # QEMU's side (DHCP server, gateway)
TAP = "tap0"
GDB_PORT = 1234             # the stub's port inside the lab


@dataclass(frozen=True)
class Forward:
    proto: str      # "tcp" or "udp"
    host_port: int  # on 127.0.0.1 of the user's machine
    to_addr: str    # inside the lab's network
    to_port: int


def parse_port(spec):
    """'[tcp:|udp:]HOSTPORT:GUESTPORT' -> Forward to the guest; LabError when malformed."""
    proto, rest = "tcp", spec
    for p in ("tcp:", "udp:"):
        if spec.startswith(p):
            proto, rest = p[:-1], spec[len(p):]
    parts = rest.split(":")
    if len(parts) != 2 or not all(x.isdigit() and 1 <= int(x) <= 65535 for x in parts):
        raise LabError("--port %s: not [tcp:|udp:]HOSTPORT:GUESTPORT (ports 1..65535)" % spec)
    return Forward(proto, int(parts[0]), GUEST_ADDR, int(parts[1]))


def check_free(forwards):
    """Each host port can be had now (QEMU's own error would come only after the boot)."""
    seen = set()
    for f in forwards:
        if (f.proto, f.host_port) in seen:
            raise LabError("%s port %d is forwarded twice" % (f.proto, f.host_port))
        seen.add((f.proto, f.host_port))
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if f.proto == "tcp"
                          else socket.SOCK_DGRAM)
        try:
            s.bind(("127.0.0.1", f.host_port))
        except OSError as e:
            raise LabError("%s port %d on 127.0.0.1 cannot be forwarded: %s"
                           % (f.proto, f.host_port, e.strerror))
        finally:
            s.close()


def qemu_args(forwards):
    """The lab's NIC: a QEMU user-mode network with a hostfwd per forward."""
    rules = "".join(",hostfwd=%s:127.0.0.1:%d-%s:%d" % (f.proto, f.host_port, f.to_addr, f.to_port)
                    for f in forwards)
    return ["-netdev", "user,id=labnet,net=%s,restrict=off%s" % (NET, rules),
            "-device", "virtio-net-device,netdev=labnet"]


def setup_script(tap=True):
    """Shell lines for inside the lab: br0 over eth0 with LAB_ADDR, and tap0 in it
    for `duet run --net:net0=tap0` (busybox's tunctl, brctl and ip)."""
    lines = ["brctl addbr br0", "brctl addif br0 eth0",
             "ip link set eth0 up", "ip addr add %s/24 dev br0" % LAB_ADDR, "ip link set br0 up"]
    if tap:
        lines += ["tunctl -t %s >/dev/null" % TAP, "brctl addif br0 %s" % TAP,
                  "ip link set %s up" % TAP]
    return "ip link set lo up\n" + "".join(
        "%s || { echo 'duet lab: network setup failed: %s' >&2; exit 125; }\n"
        % (line, line.replace("'", "")) for line in lines)
