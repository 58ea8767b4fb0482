"""`./build.py run ...` in the background, as a user at a terminal runs it:
for the cases that talk to a guest from this machine (gdb_live_cases.py,
portfwd_cases.py). Output goes to a file that wait_for() polls; stop() is
the user's Ctrl-C; leftovers() finds a QEMU still holding the run's ports."""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def free_port(kind=socket.SOCK_STREAM):
    """A port free for TCP and UDP on 127.0.0.1 now."""
    while True:
        s = socket.socket(socket.AF_INET, kind)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if kind == socket.SOCK_STREAM
                              else socket.SOCK_STREAM)
        try:
            other.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            other.close()


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a terminal's Ctrl-C reaches it


class BgRun:
    def __init__(self, argv, ports=(), stdin=None):
        """stdin: bytes for build.py's standard input (what a user would type), else none."""
        self.ports = list(ports)
        self.out = tempfile.TemporaryFile()
        if stdin is not None:
            self._in = tempfile.TemporaryFile()
            self._in.write(stdin)
            self._in.seek(0)
        self.p = subprocess.Popen([sys.executable, os.path.join(ROOT, "build.py")] + argv,
                                  stdin=self._in if stdin is not None else subprocess.DEVNULL,
                                  stdout=self.out,
                                  stderr=subprocess.STDOUT, start_new_session=True,
                                  preexec_fn=_default_sigint)

    def text(self):
        self.out.flush()
        self.out.seek(0)
        return self.out.read().decode("utf-8", "replace")

    def wait_for(self, text, timeout):
        """True once the output holds text; False when the run ended or time ran out."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.text():
                return True
            if self.p.poll() is not None:
                return text in self.text()
            time.sleep(0.2)
        return False

    def wait(self, timeout):
        """build.py's status, or None if it did not end in time."""
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def interrupt(self, timeout=30):
        """Ctrl-C; build.py's status, or None if it did not end (then it is killed)."""
        if self.p.poll() is None:
            os.kill(self.p.pid, signal.SIGINT)
        st = self.wait(timeout)
        if st is None:
            self.kill()
        return st

    def kill(self):
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.p.wait()

    def leftovers(self):
        """PIDs of QEMUs still forwarding one of this run's ports."""
        marks = [("127.0.0.1:%d-" % p).encode() for p in self.ports]
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                cmd = open("/proc/%s/cmdline" % pid, "rb").read()
            except OSError:
                continue
            if b"qemu-system" in cmd and any(m in cmd for m in marks):
                found.append(int(pid))
        return found

    def finish(self, timeout):
        """After the case: the run must have ended by itself within timeout and left
        no QEMU. Returns a problem or None; never leaves anything running."""
        st = self.wait(timeout)
        problem = None
        if st is None:
            problem = "build.py did not end within %d s" % timeout
            self.kill()
        left = self.leftovers()
        if left:
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            problem = problem or "QEMU left running: pids %s" % left
        return problem

    def tail(self, n=600):
        return self.text()[-n:]
