"""`./build.py run APP --net --port [tcp:|udp:]HOSTPORT:GUESTPORT` from this
machine, as a user does it: a real client here (urllib, sockets) talks to
the guest through the forwarded port (in the lab: QEMU's hostfwd, the lab's
bridge, the guest's tap), every byte checked; the run then ends by Ctrl-C
or by the guest's own exit, with no QEMU left behind.

run(proj, res, pattern, check_output) adds one result per case.
"""
import os
import socket
import subprocess
import tarfile
import tempfile
import urllib.error
import urllib.request

from bg_run import BgRun, free_port
from qemu_net_cases import tcp_client  # bytes out, a half-close, the same bytes back


def _http_get(port, path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _udp_echo(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    try:
        for n in (1, 10, 1400):
            data = os.urandom(n)
            for _ in range(3):  # the first datagram may wait for the guest's ARP
                s.sendto(data, ("127.0.0.1", port))
                try:
                    got = s.recv(2048)
                    break
                except socket.timeout:
                    got = None
            if got != data:
                return "UDP: the %d-byte datagram came back %s" % (
                    n, "different" if got is not None else "not at all")
    finally:
        s.close()
    return None


def _start(app, port_specs, args, ports, opts=()):
    argv = ["run", app, "--net"] + ["--port=" + p for p in port_specs] + list(opts) + ["--"] + args
    return BgRun(argv, ports=ports)


def _with(bg, body):
    """body()'s problem (an exception is one); then the run must be over, no QEMU left."""
    try:
        problem = body()
    except Exception as e:  # a client's timeout or refusal fails the case
        problem = "%s: %s" % (type(e).__name__, e)
    left = bg.finish(5)
    return problem or left


def _case_httpd(d):
    """GET / and GET /FILE from a tar on block device www (the user's file, shared into the
    lab), byte for byte; a missing file is 404; Ctrl-C ends the run."""
    blob = os.urandom(100 * 1024)
    site = os.path.join(d, "site")
    os.makedirs(site)
    with open(os.path.join(site, "blob.bin"), "wb") as f:
        f.write(blob)
    www = os.path.join(d, "www.tar")
    with tarfile.open(www, "w", format=tarfile.USTAR_FORMAT) as t:
        t.add(os.path.join(site, "blob.bin"), "blob.bin")
    port = free_port()
    bg = _start("httpd", ["%d:80" % port], [], [port], ["--block:www=" + www])

    def body():
        if not bg.wait_for("httpd: serving 1 file(s) on port 80", 120):
            return "httpd never served | %r" % bg.tail()
        st, page = _http_get(port, "/")
        if st != 200 or b"Hello from a Duet unikernel" not in page or b"blob.bin" not in page:
            return "GET /: %s %r" % (st, page[:200])
        st, got = _http_get(port, "/blob.bin")
        if st != 200 or got != blob:
            return "GET /blob.bin: status %s, %d of %d bytes, same: %s" % (
                st, len(got), len(blob), got == blob)
        st, _ = _http_get(port, "/nope")
        if st != 404:
            return "GET /nope: status %s, not 404" % st
        st = bg.interrupt()
        if st != 130:
            return "after Ctrl-C build.py's status is %s, not 130 | %r" % (st, bg.tail())
        return None
    return _with(bg, body)


def _case_tcpecho(d):
    """256 KiB through --port tcp:HOST:7 and back, byte for byte, with a half-close; then the
    guest's own exit (for=SECONDS) ends the run with its status 0."""
    port = free_port()
    bg = _start("tcpecho", ["tcp:%d:7" % port], ["for=25"], [port])

    def body():
        if not bg.wait_for("tcpecho: echoing TCP port 7", 120):
            return "tcpecho never listened | %r" % bg.tail()
        problem = tcp_client(port, 256 * 1024)
        if problem:
            return problem
        st = bg.wait(90)
        if st != 0:
            return "build.py's status %s after the guest's exit, not 0 | %r" % (st, bg.tail())
        if "1 connections, 262144 bytes echoed" not in bg.text():
            return "the guest did not count the connection | %r" % bg.tail()
        return None
    return _with(bg, body)


def _case_udpecho(d):
    """Datagrams of 1, 10 and 1400 bytes through --port udp:HOST:7 and back; Ctrl-C ends it."""
    port = free_port(socket.SOCK_DGRAM)
    bg = _start("udpecho", ["udp:%d:7" % port], [], [port])

    def body():
        if not bg.wait_for("udpecho: echoing UDP port 7", 120):
            return "udpecho never listened | %r" % bg.tail()
        problem = _udp_echo(port)
        if problem:
            return problem
        st = bg.interrupt()
        return None if st == 130 else "after Ctrl-C build.py's status is %s | %r" % (st, bg.tail())
    return _with(bg, body)


def _case_qemu_virt(d):
    """The same command on --platform qemu-virt: QEMU's board here, its NIC forwarded."""
    port = free_port()
    bg = BgRun(["run", "tcpecho", "--platform", "qemu-virt", "--port", "tcp:%d:7" % port, "--",
                "for=15"], ports=[port])

    def body():
        if not bg.wait_for("tcpecho: echoing TCP port 7", 120):
            return "tcpecho never listened | %r" % bg.tail()
        problem = tcp_client(port, 64 * 1024)
        if problem:
            return problem
        st = bg.wait(60)
        return None if st == 0 else "status %s after the guest's exit | %r" % (st, bg.tail())
    return _with(bg, body)


def _case_bad_ports(d):
    """A malformed --port and a port this machine already uses are refused before a lab boots."""
    for spec, words in (("80", "HOSTPORT:GUESTPORT"), ("tcp:0:80", "1..65535"),
                        ("sctp:1:2", "HOSTPORT:GUESTPORT")):
        r = BgRun(["run", "httpd", "--port", spec])
        st = r.wait(120)
        if st is None:
            r.kill()
        if st != 2 or words not in r.text():
            return "--port %s: status %s, output %r" % (spec, st, r.tail(300))
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    try:
        r = BgRun(["run", "httpd", "--port", "%d:80" % port])
        st = r.wait(120)
        if st is None:
            r.kill()
        if st != 2 or "cannot be forwarded" not in r.text():
            return "a busy port: status %s, output %r" % (st, r.tail(300))
    finally:
        busy.close()
    return None


CASES = [
    ("port forward: httpd through --port, curl-like GETs of / and a file from --block:www, "
     "Ctrl-C ends the run", _case_httpd),
    ("port forward: TCP echo through --port tcp:, byte for byte, the guest's exit ends the run",
     _case_tcpecho),
    ("port forward: UDP echo through --port udp:, Ctrl-C ends the run", _case_udpecho),
    ("port forward: a malformed or busy --port is refused before the lab boots", _case_bad_ports),
    ("port forward: --platform qemu-virt, TCP echo through QEMU's own NIC", _case_qemu_virt),
]


def run(proj, res, pattern, check_output=None):
    for name, case in CASES:
        if pattern and pattern not in name:
            continue
        with tempfile.TemporaryDirectory(prefix="duet-portfwd-") as d:
            try:
                res.add(name, case(d))
            except (OSError, subprocess.SubprocessError) as e:
                res.add(name, "%s: %s" % (type(e).__name__, e))
