"""--port parsing and the lab NIC's QEMU arguments (tools/duetlab/labnet.py), and the
user-space forwards of a native --net run (tools/duetbuild/portfwd.py) against echo
servers on 127.0.0.1: bytes intact both ways, half-close passed on, UDP replies back
to each client."""
import os
import socket
import threading
import unittest

from duetbuild import portfwd
from duetlab import LabError, labnet


def tcp_echo_server():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)

    def serve():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            with c:
                while True:
                    d = c.recv(65536)
                    if not d:
                        break
                    c.sendall(d)
            # closing after the client's half-close: the client sees EOF
    threading.Thread(target=serve, daemon=True).start()
    return srv


def udp_echo_server():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                d, a = s.recvfrom(65536)
            except OSError:
                return
            s.sendto(d, a)
    threading.Thread(target=serve, daemon=True).start()
    return s


class PortSpec(unittest.TestCase):
    def test_forms(self):
        self.assertEqual(labnet.parse_port("8080:80"),
                         labnet.Forward("tcp", 8080, labnet.GUEST_ADDR, 80))
        self.assertEqual(labnet.parse_port("udp:5353:53").proto, "udp")
        self.assertEqual(labnet.parse_port("tcp:1:65535").to_port, 65535)

    def test_refused(self):
        for bad in ("80", "0:80", "80:0", "65536:1", "tcp:", "udp:1", "sctp:1:2", "1:2:3",
                    "a:b", ":80", "-1:80", " 1:2"):
            with self.assertRaises(LabError, msg=bad):
                labnet.parse_port(bad)

    def test_qemu_args(self):
        a = labnet.qemu_args([labnet.Forward("tcp", 8080, labnet.GUEST_ADDR, 80),
                              labnet.Forward("udp", 7000, labnet.GUEST_ADDR, 7)])
        netdev = a[a.index("-netdev") + 1]
        self.assertIn("hostfwd=tcp:127.0.0.1:8080-10.0.2.15:80", netdev)
        self.assertIn("hostfwd=udp:127.0.0.1:7000-10.0.2.15:7", netdev)
        self.assertIn("virtio-net-device,netdev=labnet", a)

    def test_busy_port(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        try:
            with self.assertRaisesRegex(LabError, "cannot be forwarded"):
                labnet.check_free([labnet.Forward("tcp", s.getsockname()[1], "x", 1)])
        finally:
            s.close()
        with self.assertRaisesRegex(LabError, "twice"):
            labnet.check_free([labnet.Forward("udp", 5, "x", 1), labnet.Forward("udp", 5, "x", 2)])


class Forwards(unittest.TestCase):
    def test_tcp_bytes_and_half_close(self):
        srv = tcp_echo_server()
        f = portfwd.Forwarder("tcp", 0, "127.0.0.1", srv.getsockname()[1])
        try:
            data = os.urandom(300000)
            c = socket.create_connection(("127.0.0.1", f.port), timeout=10)
            t = threading.Thread(target=lambda: (c.sendall(data), c.shutdown(socket.SHUT_WR)))
            t.start()
            got = bytearray()
            while True:
                d = c.recv(65536)
                if not d:
                    break
                got += d
            t.join()
            c.close()
            self.assertEqual(bytes(got), data)
        finally:
            f.close()
            srv.close()

    def test_tcp_nobody_there(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
        s.close()
        f = portfwd.Forwarder("tcp", 0, "127.0.0.1", dead)
        try:
            c = socket.create_connection(("127.0.0.1", f.port), timeout=10)
            self.assertEqual(c.recv(10), b"")  # closed, not hung
            c.close()
        finally:
            f.close()

    def test_udp_two_clients(self):
        srv = udp_echo_server()
        f = portfwd.Forwarder("udp", 0, "127.0.0.1", srv.getsockname()[1])
        try:
            clients = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
            for i, c in enumerate(clients):
                c.settimeout(5)
                for n in (1, 1400):
                    data = bytes([i]) * n
                    c.sendto(data, ("127.0.0.1", f.port))
                    self.assertEqual(c.recv(2048), data)
            for c in clients:
                c.close()
        finally:
            f.close()
            srv.close()


if __name__ == "__main__":
    unittest.main()


class NativeTap(unittest.TestCase):
    """A native --net run without root and without the tap: the exact commands, status 2,
    nothing started."""

    def test_instructions_when_not_root(self):
        import contextlib
        import io
        from unittest import mock
        from duetbuild import netrun
        err = io.StringIO()
        real_exists = os.path.exists
        with mock.patch("os.geteuid", return_value=1000), \
                mock.patch("os.path.exists",
                           side_effect=lambda p: False if p.startswith("/sys/class/net/")
                           else real_exists(p)), \
                mock.patch("subprocess.Popen", side_effect=AssertionError("started duet")), \
                mock.patch.dict(os.environ, {"USER": "alice"}), \
                contextlib.redirect_stderr(err), contextlib.redirect_stdout(err):
            st = netrun._native(None, "img.elf", [], [], [], True, None, False)
        self.assertEqual(st, 2)
        text = err.getvalue()
        for want in ("sudo ip tuntap add duet-tap0 mode tap user alice",
                     "sudo ip addr add 10.0.2.2/24 dev duet-tap0", "sudo ip link set duet-tap0 up"):
            self.assertIn(want, text)
