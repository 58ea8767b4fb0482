"""Booting the lab: arm64 Linux with KVM inside qemu-system-aarch64 (TCG).

`-cpu max,pauth=off`: pointer authentication under TCG costs 3-4x.
`virtualization=on` gives the guest EL2, so its kernel runs KVM (VHE).
"""
import os
import signal
import subprocess
import threading
import time

QEMU = "qemu-system-aarch64"


def share_args(shares):
    """A host folder per (path, tag) as a virtio 9p device; the lab mounts it
    at /mnt/TAG (initramfs.py), so what the guest writes lands in the folder."""
    a = []
    for i, (path, tag) in enumerate(shares):
        a += ["-fsdev", "local,id=fs%d,path=%s,security_model=none" % (i, path),
              "-device", "virtio-9p-device,fsdev=fs%d,mount_tag=%s" % (i, tag)]
    return a


def argv(kernel, initrd, smp, mem_mb, append, interactive=False, shares=(), nic=None):
    """nic: None (no NIC), or the lab's user-mode NIC with these forwards (labnet.py)."""
    a = [QEMU, "-M", "virt,virtualization=on,gic-version=3", "-cpu", "max,pauth=off",
         "-smp", str(smp), "-m", str(mem_mb), "-no-reboot", "-nographic",
         "-kernel", kernel, "-initrd", initrd, "-append", append,
         # No NIC: the lab's networks are taps and veths inside it (and the
         # default virtio NIC wants ipxe's option ROM, not always installed).
         "-nic", "none"] + share_args(shares)
    if nic is not None:
        from . import labnet
        a += labnet.qemu_args(nic)
    if not interactive:
        a[a.index("-nographic")] = "-display"
        a[a.index("-display") + 1:a.index("-display") + 1] = ["none", "-serial", "stdio",
                                                              "-monitor", "none"]
    return a


def stop(p):
    """Ends QEMU (SIGTERM: it exits at once), and anything left in its session."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            return
        try:
            p.wait(timeout=5)
            return
        except subprocess.TimeoutExpired:
            continue


def run(cmd, timeout, on_start=None):
    """Runs QEMU with the console on a pipe; returns (console text, timed out).
    timeout None: until the lab powers off. on_start(popen) is called once QEMU
    runs (so another thread can stop it); Ctrl-C here stops QEMU, then goes on up."""
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    if on_start:
        on_start(p)
    chunks = []

    def reader():
        for chunk in iter(lambda: p.stdout.read1(65536), b""):
            chunks.append(chunk)
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    timed_out = False
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(p.pid, signal.SIGKILL)  # QEMU and anything it started
        except ProcessLookupError:
            pass
        p.wait()
    except BaseException:  # Ctrl-C: no QEMU left behind
        stop(p)
        raise
    t.join(timeout=5)
    return b"".join(chunks).decode("utf-8", "replace"), timed_out


def interactive(cmd):
    """QEMU on this terminal (the lab shell); returns QEMU's status."""
    start = time.time()
    r = subprocess.call(cmd)
    return r if r or time.time() - start > 0 else 0
