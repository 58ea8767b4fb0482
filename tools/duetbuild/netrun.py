"""`./build.py run APP --net [--port [tcp:|udp:]HOSTPORT:GUESTPORT]...` and
`--gdb` / `--gdb-port N`: a guest this machine can reach.

In the lab (tools/duetlab/labnet.py has the picture): the lab gets a QEMU
user-mode NIC with a hostfwd per --port (and one for the gdb stub), bridged
inside to the tap duet gives the guest as net0; QEMU's DHCP server gives
the guest 10.0.2.15. duet's output comes back live through a 9p share, and
the run ends with the guest (or Ctrl-C, which stops the lab: no QEMU is
left behind).

On an arm64 machine with /dev/kvm: a tap duet-tap0 with 10.0.2.2/24 (made
as root, removed afterwards; otherwise the commands to make it are
printed), the guest told DUET_NET_net0=10.0.2.15/24,gw=10.0.2.2 (an
environment variable, so a POSIX program's argv stays its own) unless its
options or arguments set net0 already, and each --port forwarded by portfwd.py.
"""
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from . import ui
from .qemunet import free_port
from .runner import TIMEOUT_STATUS, duet_command, lab_files, lab_instance

READY_GDB = b"duet: gdb: waiting for gdb on"
NATIVE_TAP = "duet-tap0"
NATIVE_HOST_ADDR = "10.0.2.2"


class LabSession:
    """One lab boot with the NIC; the script's duet writes into /mnt/live."""

    def __init__(self, proj, script, images, forwards, shares=(), echo=True):
        self.proj, self.echo = proj, echo
        self.live = tempfile.mkdtemp(prefix="duet-live-")
        for name in ("out", "err"):
            open(os.path.join(self.live, name), "wb").close()
        self._args = (script, lab_files(proj, images))
        self._shares = list(shares) + [(self.live, "live")]
        self.forwards = forwards
        self.result, self.error, self._popen = None, None, None
        self._shown = {"out": 0, "err": 0}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            self.result = lab_instance(self.proj).run(
                self._args[0], self._args[1], timeout=None, shares=self._shares,
                nic=self.forwards, on_start=lambda p: setattr(self, "_popen", p))
        except BaseException as e:  # shown by wait()
            self.error = e

    def start(self):
        self._thread.start()
        return self

    def output(self, name):
        with open(os.path.join(self.live, name), "rb") as f:
            return f.read()

    def pump(self):
        """Shows what duet wrote since the last call."""
        if not self.echo:
            return
        with self._lock:
            self._pump()

    def _pump(self):
        for name, stream in (("out", sys.stdout), ("err", sys.stderr)):
            data = self.output(name)
            if len(data) > self._shown[name]:
                stream.buffer.write(data[self._shown[name]:])
                stream.flush()
                self._shown[name] = len(data)

    def running(self):
        return self._thread.is_alive()

    def wait_for(self, text, timeout):
        """True once duet's stdout or stderr holds text; False if the lab ended or time ran out."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.pump()
            if text in self.output("err") or text in self.output("out"):
                return True
            if not self.running():
                return False
            time.sleep(0.1)
        return False

    def stop(self):
        if self._popen is not None:
            from duetlab import qemu
            qemu.stop(self._popen)
        self._thread.join(timeout=10)

    def wait(self, timeout=None):
        """duet's status (130 after Ctrl-C, TIMEOUT_STATUS after timeout)."""
        deadline = None if timeout is None else time.time() + timeout
        status = None
        try:
            while self.running():
                self.pump()
                if deadline is not None and time.time() > deadline:
                    ui.error("the lab did not finish within %d s; stopped" % timeout)
                    self.stop()
                    status = TIMEOUT_STATUS
                    break
                self._thread.join(timeout=0.2)
        except KeyboardInterrupt:
            self.stop()
            status = 130
            print("", file=sys.stderr)
            ui.info("stopped (Ctrl-C): the lab is off")
        self.pump()
        shutil.rmtree(self.live, ignore_errors=True)
        if status is not None:
            return status
        if self.error is not None:
            raise self.error
        r = self.result
        if r.status == 125 and self.echo:  # the lab itself failed: say why
            sys.stderr.buffer.write(r.stderr[-2000:] + b"\n")
        elif self.echo and r.stdout:
            sys.stdout.buffer.write(r.stdout)
        return r.status


def _run_gdb(attach):
    """gdb in the foreground: Ctrl-C is gdb's (it interrupts the guest), not ours."""
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        subprocess.call(attach)
    finally:
        signal.signal(signal.SIGINT, old)


def _say_forwards(forwards, gdb_port=None):
    for f in forwards:
        if f.to_port and f.host_port != gdb_port:
            ui.info("net: %s 127.0.0.1:%d -> guest %s:%d" % (f.proto, f.host_port, f.to_addr,
                                                              f.to_port))


def gdb_argv(image, port, batch=()):
    """gdb-multiarch with the image's symbols, attached to the stub at 127.0.0.1:port."""
    # remotetimeout: the lab is slow (TCG); gdb's 2 s would resend packets being answered.
    return ["gdb-multiarch", "-q", image, "-ex", "set remotetimeout 20",
            "-ex", "target remote 127.0.0.1:%d" % port] + list(batch)


def run(proj, app, args, mem=None, host_opts=(), ports=(), net=False, gdb_port=None,
        open_gdb=False, platform=None):
    """./build.py run with --net/--port and/or --gdb/--gdb-port. Returns duet's status."""
    from duetlab import LabError, labnet, native_possible
    from . import hostopts
    try:
        forwards = [labnet.parse_port(p) for p in ports]
    except LabError as e:
        ui.error(str(e))
        return 2
    net = net or bool(forwards)
    if (platform or proj.platform()) == "qemu-virt":
        return _qemu_virt(proj, app, args, host_opts, forwards, gdb_port, open_gdb)
    if net and any(o.startswith("--net:net0=") for o in host_opts):
        ui.error("--net attaches net0 itself: leave out --net:net0=TAP (or --net)")
        return 2
    in_lab = not native_possible()
    try:
        opts, shares = hostopts.translate(host_opts, in_lab=in_lab)
    except hostopts.HostOptionError as e:
        ui.error(str(e))
        return 2
    opts = (["--mem=" + mem] if mem else []) + opts
    gdb = open_gdb or gdb_port is not None
    if gdb_port is not None and not 1 <= gdb_port <= 65535:
        ui.error("--gdb-port %d: not a TCP port (1..65535)" % gdb_port)
        return 2
    if gdb and gdb_port is None:
        gdb_port = free_port()
    image = proj.build([proj.app_dir(app)], ["duet"], native=False)[0]
    if not in_lab:
        return _native(proj, image, args, opts, forwards, net, gdb_port if gdb else None,
                       open_gdb)
    if gdb:
        forwards = forwards + [labnet.Forward("tcp", gdb_port, labnet.LAB_ADDR, labnet.GDB_PORT)]
        opts = ["--gdb=%s:%d" % (labnet.LAB_ADDR, labnet.GDB_PORT)] + opts
    if net:
        opts = ["--net:net0=" + labnet.TAP] + opts
    try:
        labnet.check_free(forwards)
    except LabError as e:
        ui.error(str(e))
        return 2
    script = labnet.setup_script(tap=net) + "%s > /mnt/live/out 2> /mnt/live/err\n" % (
        duet_command(os.path.basename(image), args, opts))
    session = LabSession(proj, script, [image], forwards, shares)
    if net:
        ui.info("net: the guest's net0 is on the lab's network (DHCP: %s); Ctrl-C ends the run"
                % labnet.GUEST_ADDR)
        _say_forwards(forwards, gdb_port)
    # kill PID or a closed terminal: end as Ctrl-C does
    old = {sig: signal.signal(sig, _term_as_interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        session.start()
        if gdb:
            return _gdb_session(session, image, gdb_port, open_gdb)
        return session.wait()
    except KeyboardInterrupt:  # before the session waited (e.g. while the stub starts)
        session.stop()
        ui.info("stopped (Ctrl-C): the lab is off")
        return 130
    finally:
        if session.running():  # whatever went wrong here: no QEMU left behind
            session.stop()
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _term_as_interrupt(sig, frame):
    raise KeyboardInterrupt


def _gdb_session(session, image, port, open_gdb):
    if not session.wait_for(READY_GDB, 120):
        return session.wait()
    attach = " ".join(shlex.quote(a) for a in gdb_argv(image, port))
    if not open_gdb:
        ui.info("gdb: the guest waits for gdb on 127.0.0.1:%d; attach with: %s" % (port, attach))
        return session.wait()
    if not shutil.which("gdb-multiarch"):
        ui.error("gdb-multiarch is not installed (./build.py setup installs it); attach with: "
                 + attach + " (Ctrl-C ends the run)")
        return session.wait()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is gdb's (it stops the guest)
    try:
        def pump_loop():  # the guest's output while gdb has the terminal
            while session.running():
                session.pump()
                time.sleep(0.2)
        threading.Thread(target=pump_loop, daemon=True).start()
        subprocess.call(gdb_argv(image, port))
    finally:
        signal.signal(signal.SIGINT, old)
    # gdb killed the guest (quit) or detached (the guest runs on to its end or Ctrl-C).
    return session.wait()


def _qemu_virt(proj, app, args, host_opts, forwards, gdb_port, open_gdb):
    """--platform qemu-virt: QEMU's virt board here, its user-mode NIC with the forwards
    (DHCP gives the guest 10.0.2.15), QEMU's own gdb stub for --gdb (-gdb ... -S)."""
    from duetlab import LabError, labnet
    from . import runner
    if host_opts:
        ui.error("%s: duet run's options need the duet platform" % " ".join(host_opts))
        return 2
    gdb = open_gdb or gdb_port is not None
    if gdb and gdb_port is None:
        gdb_port = free_port()
    try:
        labnet.check_free(forwards + ([labnet.Forward("tcp", gdb_port, "", 0)] if gdb else []))
    except LabError as e:
        ui.error(str(e))
        return 2
    image = proj.build([proj.app_dir(app)], ["qemu-virt"], host=False, native=False)[0]
    argv = runner.qemu_virt_argv(image, args) + [
        "-global", "virtio-mmio.force-legacy=false",  # QEMU 7.2: legacy unless told
        "-netdev", "user,id=n0" + "".join(",hostfwd=%s:127.0.0.1:%d-:%d" % (
            f.proto, f.host_port, f.to_port) for f in forwards),
        "-device", "virtio-net-device,netdev=n0"]
    if gdb:
        argv += ["-gdb", "tcp:127.0.0.1:%d" % gdb_port, "-S"]
    _say_forwards(forwards)
    qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        if gdb:
            attach = gdb_argv(image, gdb_port)
            if not open_gdb:
                ui.info("gdb: QEMU waits for gdb on 127.0.0.1:%d; attach with: %s"
                        % (gdb_port, " ".join(shlex.quote(a) for a in attach)))
            else:
                _run_gdb(attach)
        return qemu.wait()
    except KeyboardInterrupt:
        ui.info("stopped (Ctrl-C)")
        return 130
    finally:
        if qemu.poll() is None:
            from duetlab import qemu as labqemu
            labqemu.stop(qemu)


def _native(proj, image, args, opts, forwards, net, gdb_port, open_gdb):
    """arm64 with /dev/kvm: duet here, a tap with addresses, forwards in user space."""
    from . import portfwd
    made, fwd = False, []
    args = list(args)
    if net:
        if not os.path.exists("/sys/class/net/" + NATIVE_TAP):
            cmds = [["ip", "tuntap", "add", NATIVE_TAP, "mode", "tap"],
                    ["ip", "addr", "add", NATIVE_HOST_ADDR + "/24", "dev", NATIVE_TAP],
                    ["ip", "link", "set", NATIVE_TAP, "up"]]
            if os.geteuid() != 0:
                user = os.environ.get("USER") or str(os.getuid())
                cmds[0] += ["user", user]
                ui.error("--net needs the tap %s; make it once as root, then run again:\n  %s"
                         % (NATIVE_TAP, "\n  ".join("sudo " + " ".join(c) for c in cmds)))
                return 2
            for c in cmds:
                if subprocess.call(c) != 0:
                    ui.error("--net: %s failed" % " ".join(c))
                    subprocess.call(["ip", "link", "del", NATIVE_TAP])
                    return 2
            made = True
        opts = ["--net:net0=" + NATIVE_TAP] + opts
        if not any(o.startswith("DUET_NET_net0=") for o in opts) and \
                not any(a.startswith("net0=") for a in args):
            # read by the socket layer and by raw-API apps alike; not an argv entry
            opts = opts + ["--env", "DUET_NET_net0=10.0.2.15/24,gw=%s" % NATIVE_HOST_ADDR]
        ui.info("net: the guest's net0 is 10.0.2.15 on %s (%s/24); Ctrl-C ends the run"
                % (NATIVE_TAP, NATIVE_HOST_ADDR))
    if gdb_port is not None:
        opts = ["--gdb=%d" % gdb_port] + opts
    duet = None
    try:
        for f in forwards:
            fwd.append(portfwd.Forwarder(f.proto, f.host_port, "10.0.2.15", f.to_port))
        _say_forwards(forwards)
        duet = subprocess.Popen([proj.host_binary(), "run"] + opts + [image, "--"] + args)
        if gdb_port is not None:
            attach = gdb_argv(image, gdb_port)
            if not open_gdb:
                ui.info("gdb: attach with: " + " ".join(shlex.quote(a) for a in attach))
            else:
                time.sleep(0.5)
                _run_gdb(attach)
        return duet.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        if duet is not None and duet.poll() is None:
            duet.terminate()
            duet.wait()
        for f in fwd:
            f.close()
        if made:
            subprocess.call(["ip", "link", "del", NATIVE_TAP])
