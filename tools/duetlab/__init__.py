"""The lab: run commands inside an arm64 Linux with /dev/kvm.

On x86_64 (or any machine without arm64 KVM) the lab is Debian's arm64
kernel booted under qemu-system-aarch64 with an initramfs made here; on an
arm64 machine with /dev/kvm the same script runs natively. Either way:

    lab = Lab()
    res = lab.run(script, files={"duet": "build/host/duet", "apps/x.elf": path},
                  timeout=60)
    res.status, res.stdout, res.stderr      # the script's own
    res.cases                               # one Record per duet_case
    res.timed_out, res.log                  # the lab hung; boot console

The script runs with cwd /duet (where `files` land) and can call
`duet_case NAME TIMEOUT CMD...` (see frames.LIB_SH) for framed results:
output bytes and exit statuses come back exactly.

Environment: DUET_CACHE (cache root, default ~/.cache/duet), DUET_LAB=force
(emulate even on arm64) or native, DUET_LAB_KERNEL=6.1|6.12 (the emulated
lab's Debian kernel, default 6.12; see kernel.py).
"""
import os
import platform
import secrets
import tempfile
from dataclasses import dataclass, field
from typing import List

from . import frames, initramfs, kernel, qemu
from .errors import LabError

__all__ = ["Lab", "LabResult", "LabError"]


@dataclass
class LabResult:
    status: int
    stdout: bytes
    stderr: bytes
    cases: List[frames.Record] = field(default_factory=list)
    timed_out: bool = False
    log: str = ""


def native_possible():
    mode = os.environ.get("DUET_LAB", "")
    if mode == "force":
        return False
    if mode == "native":
        return True
    return platform.machine() in ("aarch64", "arm64") and os.access("/dev/kvm", os.R_OK | os.W_OK)


class Lab:
    def __init__(self, cache_dir=None, verbose=False, smp=2, mem_mb=1024, kernel_version=None):
        self.cache = kernel.cache_dir(cache_dir)
        self.kernel_version = kernel.choice(kernel_version)  # DUET_LAB_KERNEL, default newest
        self.verbose, self.smp, self.mem_mb = verbose, smp, mem_mb

    def _initrd(self, files, script, extra=()):
        kernel.kernel(self.cache, self.kernel_version)  # also fetches the modules
        base = open(initramfs.base_archive(self.cache, self.kernel_version), "rb").read()
        fd, path = tempfile.mkstemp(prefix="duet-initrd-", suffix=".img")
        # Linux finds each next archive only at a 4-byte boundary (NULs skipped).
        def aligned(data):
            return data + b"\0" * (-len(data) % 4)
        with os.fdopen(fd, "wb") as f:
            f.write(aligned(base))
            for archive in extra:  # prebuilt, cached archives (e.g. an arm64 QEMU)
                f.write(aligned(open(archive, "rb").read()))
            f.write(initramfs.payload_archive(files, script))
        return path

    def qemu_archive(self):
        """The cached arm64 QEMU payload (see payload.py); builds it once."""
        from . import payload
        return payload.build(self.cache, payload.QEMU)

    def strace_archive(self):
        """The cached strace payload (see payload.py); builds it once."""
        from . import payload
        return payload.build(self.cache, payload.STRACE)

    def nettools_archive(self):
        """The cached ping / nc / ip payload (see payload.py); builds it once."""
        from . import payload
        return payload.build(self.cache, payload.NETTOOLS)

    def run(self, script, files, timeout=120, extra=(), shares=(), nic=None, on_start=None):
        """extra: archives to append to the initramfs (ignored natively).
        shares: (host folder, tag) pairs, mounted read-write at /mnt/TAG in
        the lab through 9p (natively the script uses the folders directly).
        nic: forwards (labnet.Forward) for the lab's user-mode NIC, eth0 inside;
        None: no NIC. timeout None: no limit. on_start(popen): see qemu.run."""
        if native_possible():
            from . import native
            return native.run(script, files, timeout)
        nonce = secrets.token_hex(8)
        vmlinuz = kernel.kernel(self.cache, self.kernel_version)
        initrd = self._initrd(files, script, extra)
        try:
            append = "console=ttyAMA0 quiet loglevel=1 panic=-1 duet.nonce=" + nonce
            if shares:
                append += " duet.shares=" + ",".join(tag for _, tag in shares)
            cmd = qemu.argv(vmlinuz, initrd, self.smp, self.mem_mb, append, shares=shares,
                            nic=nic)
            if self.verbose:
                print("+ " + " ".join(cmd), flush=True)
            text, timed_out = qemu.run(cmd, timeout, on_start)
        finally:
            os.unlink(initrd)
        return _result(frames.parse(text, nonce), timed_out, text)

    def shell(self, files):
        if native_possible():
            from . import native
            return native.shell(files)
        vmlinuz = kernel.kernel(self.cache, self.kernel_version)
        initrd = self._initrd(files, "")
        try:
            cmd = qemu.argv(vmlinuz, initrd, self.smp, self.mem_mb,
                            "console=ttyAMA0 quiet loglevel=1 panic=-1 duet.shell=1",
                            interactive=True)
            return qemu.interactive(cmd)
        finally:
            os.unlink(initrd)


def _result(parsed, timed_out, text):
    script = [r for r in parsed.records if r.kind == "SCRIPT"]
    cases = [r for r in parsed.records if r.kind == "CASE"]
    if script and script[0].status is not None:
        s = script[0]
        return LabResult(s.status, s.stdout, s.stderr, cases, timed_out, parsed.junk)
    why = "the lab timed out" if timed_out else "the lab stopped before the script finished"
    return LabResult(125, b"", (why + "; console:\n" + text[-3000:]).encode(), cases,
                     timed_out, parsed.junk)
