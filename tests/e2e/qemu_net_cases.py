"""Network cases on qemu-virt: the guest's virtio-net driver behind QEMU's
-device virtio-net-device with a user-mode NIC (QEMU's built-in DHCP server
and NAT). A hostfwd rule carries a client on this machine to the guest's
echo port; the client checks every byte that comes back."""
import os
import socket
import threading
from dataclasses import dataclass, field


def udp_client(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    for n in (10, 1400):
        data = os.urandom(n)
        s.sendto(data, ("127.0.0.1", port))
        if s.recv(2048) != data:
            return "UDP: the %d-byte datagram came back different" % n
    return None


def tcp_client(port, size=1000000):
    data = os.urandom(size)
    s = socket.create_connection(("127.0.0.1", port), timeout=30)

    def send():
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    t = threading.Thread(target=send)
    t.start()
    got = bytearray()
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    t.join()
    s.close()
    return None if bytes(got) == data else "TCP: %d of %d bytes came back, same: %s" % (
        len(got), size, bytes(got) == data[:len(got)])


@dataclass
class QemuNetCase:
    name: str
    app: str
    args: list
    proto: str                     # hostfwd protocol to the guest's port 7
    client: object                 # fn(port) -> problem or None
    ready: str                     # guest output that says it listens
    expect: list = field(default_factory=list)
    timeout: int = 90


QEMU_NET_CASES = [
    QemuNetCase("net: DHCP from a user-mode NIC, UDP echo of a line and 1400 bytes", "udpecho",
                ["net0=dhcp", "for=12"], "udp", udp_client, "echoing",
                ["net0: 10.0.2.15 netmask 255.255.255.0 mtu 1500", "2 datagrams echoed"]),
    QemuNetCase("net: TCP echo through a user-mode NIC, 1 MB intact", "tcpecho",
                ["net0=dhcp", "for=20"], "tcp", tcp_client, "echoing",
                ["net0: 10.0.2.15", "1 connections, 1000000 bytes echoed"]),
]

# BSD sockets (apps/sockecho, a plain POSIX program): the interface comes up
# by DHCP before main(), with no address argument.
QEMU_NET_CASES += [
    QemuNetCase("net: sockets: DHCP before main(), TCP echo of 1 MB through BSD sockets",
                "sockecho", ["conns=1"], "tcp", tcp_client, "echoing",
                ["net0: 10.0.2.15 netmask 255.255.255.0",
                 "1 connections, 1000000 bytes echoed, 0 failed"]),
]
