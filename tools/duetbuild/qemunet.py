"""qemu-virt network cases (tests/e2e/qemu_net_cases.py): QEMU with a
virtio-net device on a user-mode NIC, a client on this machine."""
import os
import socket
import subprocess
import tempfile
import time

from . import runner


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def qemu_net_argv(image, args, proto, port):
    # force-legacy=false: QEMU 7.2's virtio-mmio is legacy (version 1) by default.
    return runner.qemu_virt_argv(image, args) + [
        "-global", "virtio-mmio.force-legacy=false",
        "-netdev", "user,id=n0,hostfwd=%s:127.0.0.1:%d-:7" % (proto, port),
        "-device", "virtio-net-device,netdev=n0"]


def run_case(c, image):
    """The case's problem, or None."""
    port = free_port()
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(qemu_net_argv(image, c.args, c.proto, port), stdin=subprocess.DEVNULL,
                             stdout=out, stderr=subprocess.STDOUT)
        problem, deadline = None, time.time() + c.timeout
        try:
            while c.ready.encode() not in _read(out) and p.poll() is None and time.time() < deadline:
                time.sleep(0.1)
            problem = c.client(port) if c.ready.encode() in _read(out) else "guest not ready"
            p.wait(timeout=max(1, deadline - time.time()))
        except Exception as e:  # a client timeout or refusal is the case's failure
            problem = problem or "%s: %s" % (type(e).__name__, e)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
                problem = problem or "timed out after %d s" % c.timeout
        text = _read(out).decode(errors="replace")
    if not problem and p.returncode != 0:
        problem = "guest status %d" % p.returncode
    for e in c.expect:
        if not problem and e not in text:
            problem = "missing %r" % e
    return problem and "%s | guest: %r" % (problem, text[-400:])


def _read(f):
    f.flush()
    f.seek(0)
    return f.read()


def cases_run(proj, res, pattern):
    import qemu_net_cases
    for c in qemu_net_cases.QEMU_NET_CASES:
        if pattern and pattern not in c.name:
            continue
        image = os.path.join(proj.build_dir, "apps", "%s.qemu-virt.elf" % c.app)
        res.add("qemu-virt: " + c.name, run_case(c, image))
