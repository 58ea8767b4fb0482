"""gdb stub cases in the lab (duet run --gdb): busybox nc plays gdb with a
scripted remote-protocol dialog and the stub's replies are checked, framed
and checksummed as gdb would see them. gdb-multiarch itself, attached from
this machine through the lab's NIC: gdb_live_cases.py.
"""
from cases import ShellCase


def pkt(payload):
    """One framed packet: $payload#checksum."""
    return "$%s#%02x" % (payload, sum(payload.encode()) & 0xff)


def reply(payload):
    return "+" + pkt(payload)


def dialog(steps):
    """A shell pipeline feeding nc: packets, with pauses ('sleep N') between."""
    parts = []
    for s in steps:
        if s.startswith("sleep "):
            parts.append(s)
        elif s.startswith("sh:"):
            parts.append(s[3:])
        else:
            parts.append("printf '%s'" % s.replace("%", "%%"))
    return "(%s; sleep 2) | nc 127.0.0.1 1234 > /tmp/nc.out" % "; ".join(parts)


def gdb_case(name, app, steps, expect, status, timeout=60, extra="", guest=("Hello from Duet",),
             args=""):
    """expect: the stub's replies, in order; guest: duet's and the guest's output before them."""
    cmd = ("ip link set lo up; ./duet run --gdb=1234 apps/%s.duet.elf %s > /tmp/g.out 2>&1 & pid=$!; "
           "sleep 1; %s%s; wait $pid; echo \"duet=$?\"; cat /tmp/g.out; echo; cat /tmp/nc.out; echo; cat /tmp/2nd 2>/dev/null; true"
           % (app, args, extra, dialog(steps)))
    return ShellCase("gdb: " + name, cmd, 0, ["duet=%d" % status] + list(guest) + expect, timeout)


ENTRY = 0x40100000  # the image's first instruction (memmap.h: the image from 0x4010_0000)

GDB_SHELL_CASES = [
    gdb_case("held at the first instruction; registers, memory, continue to exit status",
             "hello",
             [pkt("qSupported:swbreak+;hwbreak+"), pkt("?"), pkt("p20"),
              pkt("qXfer:features:read:target.xml:0,40"),
              pkt("P1=efbeadde00000000"), pkt("p1"), pkt("m%x,4" % ENTRY), pkt("c")],
             [reply("PacketSize=1000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+"),
              reply("T05thread:1;"), reply("0000104000000000"),
              "+$m<?xml version", reply("OK"), reply("efbeadde00000000"),
              reply("W00")], 0),
    gdb_case("hardware breakpoint, single step, software breakpoint, register write takes effect",
             "hello",
             [pkt("Z1,%x,4" % (ENTRY + 8)), pkt("c"), "sleep 2", pkt("p20"), pkt("z1,%x,4" % (ENTRY + 8)),
              pkt("s"), "sleep 2", pkt("p20"),
              pkt("Z0,%x,4" % (ENTRY + 16)), pkt("c"), "sleep 2", pkt("p20"), pkt("z0,%x,4" % (ENTRY + 16)),
              # pc written back to +12 with a hardware breakpoint there: had the write been
              # lost, the guest would run on from +16 to its exit instead of stopping
              pkt("Z1,%x,4" % (ENTRY + 12)), pkt("P20=" + (ENTRY + 12).to_bytes(8, "little").hex()),
              pkt("c"), "sleep 2", pkt("p20"), pkt("z1,%x,4" % (ENTRY + 12)), pkt("c")],
             [reply("OK"), reply("T05thread:1;hwbreak:;"), reply("0800104000000000"), reply("OK"),
              reply("T05thread:1;"), reply("0c00104000000000"),
              reply("OK"), reply("T05thread:1;swbreak:;"), reply("1000104000000000"), reply("OK"),
              reply("OK"), reply("OK"), reply("T05thread:1;hwbreak:;"), reply("0c00104000000000"),
              reply("OK"), reply("W00")], 0, timeout=90),
    gdb_case("Ctrl-C stops a spinning guest; k ends it", "spin",
             [pkt("c"), "sleep 4", "\\003", "sleep 2", pkt("p20"), pkt("k")],
             [reply("T02thread:1;"), "+$080"], 112, timeout=90,
             guest=("spinning forever", "gdb killed the guest")),
    gdb_case("bad input: checksums, malformed and huge packets, memory outside RAM, "
             "breakpoints outside RAM, a second gdb refused", "hello",
             ["$g#00", pkt("m40100000"), pkt("M40100000,ffffffff:00"), pkt("mffffffffffffffff,10"),
              pkt("m0,4"), pkt("Z0,8000000,4"), pkt("Z0,40100002,4"), pkt("p99"), pkt("Z2,40100001,8"),
              pkt("qXfer:features:read:../etc/passwd:0,10"), "sleep 1",
              "sh:{ nc 127.0.0.1 1234 </dev/null && echo second-connected || echo second-refused; } > /tmp/2nd 2>&1",
              pkt("c")],
             ["-+$E01#a6", reply("E01"), reply("E14"), reply("E14"), reply("E22"), reply("E22"),
              reply("E01"), reply("E22"), reply("E00"), reply("W00"), "second-refused"], 0),
]


GDB_SHELL_CASES.append(ShellCase(
    "gdb: --gdb=ADDR:PORT listens on that address; a bad address or port is refused",
    "ip link set lo up; ./duet run --gdb=300.1.1.1:1234 apps/hello.duet.elf 2>&1; echo st=$?; "
    "./duet run --gdb=127.0.0.1:0 apps/hello.duet.elf 2>&1; echo st=$?; "
    "./duet run --gdb=127.0.0.2:1240 apps/hello.duet.elf > /tmp/ga.out 2>&1 & pid=$!; sleep 1; "
    "(printf '%s'; sleep 2) | nc 127.0.0.2 1240; echo; wait $pid; echo st=$?; cat /tmp/ga.out"
    % pkt("c"), 0,
    ["'300.1.1.1' is not an IPv4 address", "st=2", "not a TCP port", "st=2", reply("W00"),
     "st=0", "waiting for gdb on 127.0.0.2:1240", "Hello from Duet"], 60))


def binutil(name):
    """aarch64 binutils: the cross ones on x86_64, the machine's own on arm64."""
    import shutil
    cross = "aarch64-linux-gnu-" + name
    return cross if shutil.which(cross) else name


def symbol(app, name):
    """A symbol's address in build/apps/APP.duet.elf (looked up when the case runs, after the build)."""
    import os
    import subprocess
    elf = os.path.join(os.path.dirname(__file__), "..", "..", "build", "apps", app + ".duet.elf")
    out = subprocess.run([binutil("nm"), elf], capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == name:
            return int(f[0], 16)
    raise KeyError("%s not in %s" % (name, elf))


class LazyGdbCase(ShellCase):
    """A gdb case whose dialog needs the image's symbols: built when the lab runs it."""
    def __init__(self, name, make, timeout=90):
        self._make, self._built = make, None
        ShellCase.__init__(self, "gdb: " + name, "", 0, [], timeout)

    def _case(self):
        if self._built is None:
            self._built = self._make()
        return self._built

    command = property(lambda self: self._case().command, lambda self, v: None)
    expect = property(lambda self: self._case().expect, lambda self, v: None)


def _exit_register():
    at = symbol("exitcode", "exit")
    return gdb_case("write a register and the guest takes it: x0 at exit() 7 -> 42", "exitcode",
                    [pkt("Z1,%x,4" % at), pkt("c"), "sleep 3", pkt("p0"),
                     pkt("P0=" + (42).to_bytes(8, "little").hex()), pkt("z1,%x,4" % at), pkt("c")],
                    [reply("T05thread:1;hwbreak:;"), reply((7).to_bytes(8, "little").hex()),
                     reply("OK"), reply("OK"), reply("W2a")], 42, args="-- 7", guest=())


def _watch_stack():
    # The C start code's first frame record lands just below __stack_top: a write watchpoint
    # on that doubleword must stop with its address (KVM's debug registers, WCR/WVR).
    at = symbol("exitcode", "__stack_top") - 16
    return gdb_case("write watchpoint on the first stack frame stops with watch:ADDR", "exitcode",
                    [pkt("Z2,%x,8" % at), pkt("c"), "sleep 3", pkt("z2,%x,8" % at), pkt("c")],
                    [reply("T05thread:1;watch:%x;" % at), reply("OK"), reply("W07")], 7,
                    args="-- 7", guest=())


def null_load_pc(app="crash", function="main"):
    """Where `crash null` faults: in FUNCTION's disassembly (its range from nm -S), the load
    through a register that the instruction before set to zero (`mov xN, #0x0; ldr wM, [xN]`)."""
    import os
    import re
    import subprocess
    elf = os.path.join(os.path.dirname(__file__), "..", "..", "build", "apps", app + ".duet.elf")
    nm = subprocess.run([binutil("nm"), "-S", elf], capture_output=True, text=True).stdout
    start = size = None
    for line in nm.splitlines():
        f = line.split()
        if len(f) == 4 and f[3] == function:
            start, size = int(f[0], 16), int(f[1], 16)
    if start is None:
        raise KeyError("%s not in %s" % (function, elf))
    dis = subprocess.run([binutil("objdump"), "-d", "--no-show-raw-insn",
                          "--start-address=%#x" % start, "--stop-address=%#x" % (start + size),
                          elf], capture_output=True, text=True).stdout
    zeroed = None
    for line in dis.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(\S+)\s*(.*)", line)
        if not m:
            continue
        addr, op, args = int(m.group(1), 16), m.group(2), m.group(3)
        if zeroed and op.startswith("ldr") and re.search(r"\[%s\]" % zeroed, args):
            return addr
        z = re.match(r"(x\d+), #0x0\b", args) if op == "mov" else None
        zeroed = z.group(1) if z else None
    raise KeyError("no load through a zeroed register in %s's %s" % (app, function))


def _crash_stop():
    pc = null_load_pc()
    return gdb_case("a guest crash stops in gdb at the faulting instruction, then X on continue",
                    "crash", [pkt("c"), "sleep 4", pkt("p20"), pkt("c")],
                    [reply("T0bthread:1;"), reply(pc.to_bytes(8, "little").hex()), reply("X0b")],
                    112, timeout=90, args="-- null", guest=("NULL pointer dereference",))


GDB_SHELL_CASES += [LazyGdbCase("a guest crash stops in gdb at the faulting instruction, then X on continue",
                                _crash_stop),
                    LazyGdbCase("register write at exit()", _exit_register),
                    LazyGdbCase("write watchpoint", _watch_stack)]
