"""End-to-end cases: real guests booted by the real host (in the lab or on
arm64 KVM), on QEMU's virt board, and the native tool modes.

A case names what it runs and what must come back. `expect` strings must
appear in stdout (or stderr with `err`), in order; `status` must match exactly.
"""
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

BOTH = ("duet", "qemu-virt")


@dataclass
class GuestCase:
    """Boots apps/APP with ARGS on each platform in `platforms`."""
    name: str
    app: str
    args: List[str] = field(default_factory=list)
    status: int = 0
    expect: List[str] = field(default_factory=list)       # in stdout, in order
    expect_err: List[str] = field(default_factory=list)   # in stderr (duet's own messages)
    exact_stdout: Optional[bytes] = None
    platforms: Tuple[str, ...] = BOTH
    timeout: float = 20
    timed_out: bool = False                               # the case must hit its timeout
    host_opts: List[str] = field(default_factory=list)    # duet run options (duet platform)
    qemu_gic: int = 3                                     # qemu-virt: the board's GIC version


@dataclass
class HostCase:
    """Runs the duet binary with ARGV ({images} expands to the bad-image dir)."""
    name: str
    argv: List[str]
    status: int
    expect: List[str] = field(default_factory=list)
    expect_err: List[str] = field(default_factory=list)
    in_lab: bool = False    # also run with the static aarch64 host in the lab
    exact_stdout: Optional[bytes] = None
    native: bool = True     # run with the native build (x86_64: no KVM)


GUEST_CASES = [
    GuestCase("hello", "hello", [], 0, ["Hello from Duet"]),
    GuestCase("manifest: a declared device must be attached", "blocktest", [], 2,
              expect_err=["needs block device 'disk0'", "--block:disk0=FILE"], platforms=("duet",)),
    GuestCase("hello with args", "hello", ["one", "two words", "it's", ""], 0,
              ["Hello from Duet", "argv[1] = one", "argv[2] = two words",
               "argv[3] = it's", "argv[4] = "]),
    GuestCase("exit status 0", "exitcode", ["0"], 0),
    GuestCase("exit status 1", "exitcode", ["1"], 1),
    GuestCase("exit status 42", "exitcode", ["42"], 42),
    GuestCase("abort", "abort", [], 112, expect_err=[]),
    GuestCase("bad access crash report", "badaccess", [], 112),
    GuestCase("infinite loop hits the timeout", "spin", [], -1, timeout=3, timed_out=True),
    GuestCase("small RAM", "hello", [], 0, ["Hello from Duet"], platforms=("duet",),
              host_opts=["--mem=4M"]),
]

# The POSIX surface (issue: Real programs 1/2): files, dirs, process/time/env calls.
GUEST_CASES += [
    GuestCase("posix: files, dirs, fds, env, process, time, signals", "posix", [], 0,
              ["ok rename over existing", "ok fopen w", "ok readdir lists entries",
               "ok env default from app.cfg", "POSIX_OVERRIDE=app-cfg", "posix: 0 failure(s)"]),
    GuestCase("posix: --env overrides app.cfg's env:", "posix", ["misc"], 0,
              ["POSIX_OVERRIDE=from-host", "posix: 0 failure(s)"], platforms=("duet",),
              host_opts=["--env", "POSIX_OVERRIDE=from-host"]),
    GuestCase("posix: a full RAM file system is ENOSPC, then space comes back", "posix",
              ["enospc"], 0, ["ok fill: ENOSPC", "ok space came back", "posix: 0 failure(s)"],
              platforms=("duet",), host_opts=["--mem=8M"]),
]

# The guest OS (issue: Guest OS): libc, time and interrupts, faults named.
GUEST_CASES += [
    GuestCase("libc: data, bss, fpu, libm, tls, setjmp, malloc", "libc", [], 0,
              ["PASS", "malloc until full, free all  PASS"]),
    GuestCase("clock: monotonic, sleep, timer interrupts, wall clock", "clock", [], 0,
              ["monotonic: PASS", "sleep 50 ms", "timer interrupts", "PASS", "wall clock"]),
    GuestCase("clock on a GICv2", "clock", [], 0, ["timer interrupts: ", "(GICv2) PASS"],
              platforms=("qemu-virt",), qemu_gic=2),
    GuestCase("crash: NULL dereference", "crash", ["null"], 112, ["NULL pointer dereference"]),
    GuestCase("crash: undefined instruction", "crash", ["undef"], 112, ["undefined instruction"]),
    # An image whose code takes no interrupts boots without a vGIC: where the
    # GIC would be there is nothing, and a store there is a stray MMIO.
    GuestCase("no vGIC for an image without interrupts: a GIC store is a stray MMIO", "crash",
              ["gic-store"], 112, expect_err=["wrote 4 bytes at 0x8000000: no device there"],
              platforms=("duet",)),
    GuestCase("crash: stack overflow", "crash", ["stack-overflow"], 112, ["stack overflow"]),
    GuestCase("crash: write to text (W^X)", "crash", ["write-text"], 112,
              ["write to read-only memory"]),
    GuestCase("crash: execute data (W^X)", "crash", ["exec-data"], 112,
              ["executing memory that is not executable"]),
    GuestCase("crash: stack smash (stack protector)", "crash", ["stack-smash"], 112,
              ["stack smashing detected"]),
    GuestCase("crash: assert", "crash", ["assert"], 112, ["assertion", "abort() called"]),
    GuestCase("crash report has registers and backtrace", "badaccess", [], 112,
              ["access to unmapped memory", "pc  0x", "x30", "backtrace:", "#1 0x"]),
]

# A hostile guest breaking the hypercall ABI: the host stops it with a message.
HOSTILE = [
    ("ptr-outside", 112, "outside guest RAM"),
    ("ptr-null-struct", 112, "outside guest RAM"),
    ("len-wraps", 112, "outside guest RAM"),
    ("len-crosses-end", 112, "outside guest RAM"),
    ("unknown-nr", 112, "unknown hypercall 30"),
    ("nr-past-window", 112, "unknown hypercall 511"),
    ("byte-store", 112, "wrote 1 bytes"),
    ("word-store", 112, "wrote 4 bytes"),
    ("pair-store", 112, "cannot decode"),
    ("odd-offset", 112, "wrote 1 bytes at hypercall window +0x9"),
    ("gic-scribble", 0, ""),
    ("window-read", 112, "read 8 bytes from the hypercall window"),
    ("halt-out-of-range", 112, "outside 0..111"),
    ("stray-mmio", 112, "no device there"),
    ("storm", 0, ""),
]
for _mode, _status, _msg in HOSTILE:
    GUEST_CASES.append(GuestCase("hostile " + _mode, "hostile", [_mode], _status,
                                 ["storm survived"] if _mode == "storm" else
                                 ["still running"] if _status == 0 else [],
                                 [_msg] if _msg else [], platforms=("duet",), timeout=60))
# The retired per-frame network hypercalls: a guest still using them is stopped.
GUEST_CASES.append(GuestCase("hostile net-old-hypercall", "hostile", ["net-old-hypercall"], 112,
                             [], ["unknown hypercall 9"], platforms=("duet",), timeout=60,
                             host_opts=["--net:net0=taph"]))
# A hostile virtio driver, against each backend where their checks differ.
for _mode, _status, _out, _err, _backend in [
        ("virtio-unoffered", 0, ["unoffered feature: refused", "still running"], [], "auto"),
        ("virtio-queue-size", 112, [], ["queue 0: size 6 is not a power of two"], "auto"),
        ("virtio-rings-outside", 112, [], ["rings outside RAM or misaligned"], "vhost"),
        ("virtio-rings-outside", 112, [], ["rings outside RAM"], "thread"),
        ("virtio-chain-loop", 0, ["looping chain: device needs reset", "reset: status 0",
                                  "still running"], ["loops or is too long", "needs a reset"],
         "thread"),
        ("virtio-notify-early", 0, ["ignored, then served", "still running"], [], "vhost"),
        ("virtio-notify-early", 0, ["ignored, then served", "still running"], [], "thread"),
        ("virtio-bad-lengths", 0, ["all dropped, buffers returned", "still running"], [], "thread"),
        ("virtio-desc-outside", 0, ["descriptor outside RAM: device needs reset", "still running"],
         ["outside RAM", "needs a reset"], "thread"),
        ("virtio-avail-jump", 0, ["available index jump: device needs reset", "still running"],
         ["available index moved by", "needs a reset"], "thread")]:
    GUEST_CASES.append(GuestCase("hostile %s (%s)" % (_mode, _backend), "hostile", [_mode], _status,
                                 _out, _err, platforms=("duet",), timeout=60,
                                 host_opts=["--net:net0=taph", "--net-backend=" + _backend]))
GUEST_CASES.append(GuestCase("hostile console-flood is bounded", "hostile", ["console-flood"], 0,
                             expect_err=["console output bound"], platforms=("duet",),
                             host_opts=["--console-limit=64K"], timeout=60))

@dataclass
class ShellCase:
    """A shell command run in the lab (cwd /duet, ./duet and apps/ there)."""
    name: str
    command: str
    status: int = 0
    expect: List[str] = field(default_factory=list)
    timeout: float = 120


# A --dir share made to tempt the guest out: symlinks out (relative,
# absolute, a directory), a FIFO, a device node, a loop, one link inside.
DIR_SETUP = ("rm -rf /tmp/dshare /tmp/dout && mkdir -p /tmp/dshare /tmp/dout && echo 'from the host' > /tmp/dshare/host.txt && "
             "ln -s /etc/passwd /tmp/dshare/abs && ln -s ../../etc/passwd /tmp/dshare/out && "
             "ln -s /etc /tmp/dshare/outdir && mkfifo /tmp/dshare/fifo && mknod /tmp/dshare/null c 1 3 && "
             "ln -s loop /tmp/dshare/loop && ln -s host.txt /tmp/dshare/inside && ")
DIRTEST = "./duet run --dir:data=/tmp/dshare apps/dirtest.duet.elf -- "

SHELL_CASES = [
    ShellCase("dir: files through a share, seen on the host afterwards",
              DIR_SETUP + DIRTEST + "basic && cat /tmp/dshare/stdio.txt && ls /tmp/dshare",
              0, ["ok create in the share", "ok read a host file", "ok readdir",
                  "ok rename across file systems -> EXDEV", "dirtest basic: 0 failure(s)", "42"]),
    ShellCase("dir: every escape refused (symlinks out, FIFO, device, loop, long names)",
              DIR_SETUP + DIRTEST + "escape && ls /tmp/dout | wc -l",
              0, ["ok symlink out -> EACCES", "ok absolute symlink -> EACCES",
                  "ok create through a symlink out -> EACCES", "ok a FIFO -> EACCES",
                  "ok a device node -> EACCES", "ok a symlink loop -> ELOOP",
                  "ok a symlink inside is followed", "dirtest escape: 0 failure(s)", "0"]),
    ShellCase("dir: raw hypercalls with .., absolute paths, NULs, bad handles",
              DIR_SETUP + DIRTEST + "raw", 0,
              ["ok raw ..: EACCES", "ok raw absolute: EACCES", "ok raw NUL inside: EINVAL",
               "ok raw 5000-byte path: ENAMETOOLONG", "dirtest raw: 0 failure(s)"]),
    ShellCase("dir: a path outside guest RAM stops the guest",
              DIR_SETUP + DIRTEST + "raw-badptr 2>&1; echo status=$?", 0,
              ["outside guest RAM", "status=112"]),
    ShellCase("dir: ,ro is enforced by the host",
              DIR_SETUP + "./duet run --dir:data=/tmp/dshare,ro apps/dirtest.duet.elf -- ro", 0,
              ["ok ro: create -> EROFS", "ok ro: unlink -> EROFS", "dirtest ro: 0 failure(s)"]),
    ShellCase("dir: data fsync'd before a guest crash is in the host file",
              DIR_SETUP + DIRTEST + "fsync-crash >/dev/null 2>&1; echo status=$?; cat /tmp/dshare/durable",
              0, ["status=112", "durable"]),
    ShellCase("dir: a declared share must be attached",
              "./duet run apps/dirtest.duet.elf 2>&1; echo status=$?", 0,
              ["needs", "data", "--dir:data=HOSTDIR", "status=2"]),
    ShellCase("block: write, flush, read back, every error case",
              "dd if=/dev/zero of=/tmp/b1.img bs=512 count=64 2>/dev/null && "
              "./duet run --block:disk0=/tmp/b1.img apps/blocktest.duet.elf",
              0, ["read them back", "PASS", "sector that wraps", "PASS", "no such device"]),
    ShellCase("block: data flushed before a guest crash is on disk",
              "dd if=/dev/zero of=/tmp/b2.img bs=512 count=64 2>/dev/null; "
              "./duet run --block:disk0=/tmp/b2.img apps/blocktest.duet.elf -- crash-after-flush "
              ">/dev/null 2>&1; st=$?; od -A n -c -N 5 -j 3584 /tmp/b2.img | tr -d ' '; "
              "[ $st = 112 ]", 0, ["DUET\\a"]),
    ShellCase("block: read-only device refuses writes",
              "dd if=/dev/zero of=/tmp/b3.img bs=512 count=64 2>/dev/null && "
              "./duet run --block:disk0=/tmp/b3.img,ro apps/blocktest.duet.elf -- ro",
              0, ["read-only", "ro: write refused", "PASS"]),
    ShellCase("block: 4096-byte sectors",
              "dd if=/dev/zero of=/tmp/b4.img bs=4096 count=32 2>/dev/null && "
              "./duet run --block:disk0=/tmp/b4.img,sector=4096 apps/blocktest.duet.elf",
              0, ["32 sectors of 4096 bytes", "read them back", "PASS"]),
    # The host's memory stays flat while a guest hammers it with hypercalls:
    # Resident memory sampled during a long storm, growth after warm-up must stay under 64 KiB.
    # RssAnon: the host's own memory. VmRSS also counts the image file's
    # pages, mapped in as the guest first runs them (shared, not a leak).
    ShellCase("host memory constant over a long hypercall storm",
              "./duet run apps/hostile.duet.elf -- storm 150000 > /dev/null & pid=$!; "
              "sleep 1; a=$(awk '/RssAnon/{print $2}' /proc/$pid/status); "
              "while kill -0 $pid 2>/dev/null; do "
              "b=$(awk '/RssAnon/{print $2}' /proc/$pid/status 2>/dev/null) || true; "
              "[ -n \"$b\" ] && last=$b; sleep 1; done; wait $pid; st=$?; "
              "echo \"rss_kb start=$a end=$last status=$st\"; "
              "[ $st = 0 ] && [ -n \"$a\" ] && [ -n \"$last\" ] && [ $((last - a)) -lt 64 ]",
              0, ["rss_kb start="], timeout=300),
]

# Tool modes and image checks: no KVM needed, so they run natively (fast) and,
# where in_lab, also with the static aarch64 host inside the lab.
HOST_CASES = [
    HostCase("regs decode SCTLR_EL1", ["regs", "decode", "0x603000000013c080"], 0,
             exact_stdout=b"SCTLR_EL1 sysreg(3,0,1,0,0) u64\n"),
    HostCase("regs encode SCTLR_EL1", ["regs", "encode", "SCTLR_EL1"], 0,
             exact_stdout=b"0x603000000013c080\n"),
    HostCase("regs decode pc", ["regs", "decode", "0x6030000000100040"], 0, ["pc"]),
    HostCase("regs encode v0 is u128", ["regs", "encode", "v0"], 0,
             exact_stdout=b"0x6040000000100054\n"),
    HostCase("regs decode garbage", ["regs", "decode", "0xzz"], 2, expect_err=["duet regs:"]),
    HostCase("regs encode unknown", ["regs", "encode", "NOPE_EL9"], 2, expect_err=["duet regs:"]),
    HostCase("irq decode", ["irq", "decode", "0x0201001b"], 0, exact_stdout=b"PPI 27 vcpu 1\n"),
    HostCase("irq encode ppi", ["irq", "encode", "ppi", "27", "vcpu", "1"], 0,
             exact_stdout=b"0x0201001b\n"),
    HostCase("irq encode spi", ["irq", "encode", "spi", "32"], 0, exact_stdout=b"0x01000020\n"),
    HostCase("irq encode bad ppi", ["irq", "encode", "ppi", "40"], 2, expect_err=["duet irq:"]),
    HostCase("unknown command", ["frobnicate"], 2, expect_err=["unknown command"]),
    HostCase("run without image", ["run"], 2, expect_err=["no guest image"]),
    HostCase("run bad --mem", ["run", "--mem=12Q", "x.elf"], 2, expect_err=["--mem"]),
    HostCase("run --help", ["run", "--help"], 0, ["--mem=SIZE", "--no-sandbox", "exit status"]),
    HostCase("regs list decodes a real vCPU's registers", ["regs", "list"], 0,
             ["x0 core(0x0) u64", "pc core(0x40) u64", "v31 core(0xd0) u128", "PSCI_VERSION",
              "TIMER_CNT", "SCTLR_EL1 sysreg(3,0,1,0,0) u64"],
             in_lab=True, native=False),
    HostCase("floor boots a bare VM to its first exit", ["floor"], 0, ["floor_ms "],
             in_lab=True, native=False),
    HostCase("block file not a sector multiple", ["run", "--block:disk0={images}/disk-300.img",
             "{images}/../../apps/blocktest.duet.elf"], 2, expect_err=["300 bytes", "not a multiple"]),
    HostCase("block file missing", ["run", "--block:disk0={images}/none.img",
                                     "{images}/../../apps/blocktest.duet.elf"], 2,
             expect_err=["disk0", "none.img"]),
    HostCase("block option malformed", ["run", "--block:Disk=x", "x.elf"], 2,
             expect_err=["a-z 0-9 _"]),
    HostCase("block given twice", ["run", "--block:d=a", "--block:d=b", "x.elf"], 2,
             expect_err=["twice"]),
    HostCase("manifest: an undeclared device is refused",
             ["run", "--block:disk0={images}/disk-512.img", "{images}/../../apps/hello.duet.elf"], 2,
             expect_err=["'disk0' is attached but the image does not declare it"]),
    HostCase("info prints the manifest", ["info", "{images}/../../apps/blocktest.duet.elf"], 0,
             exact_stdout=b"abi 2\ndevices 1\nblock disk0\ninterrupts no\n"),
    HostCase("info of an image without devices", ["info", "{images}/../../apps/hello.duet.elf"], 0,
             exact_stdout=b"abi 2\ndevices 0\ninterrupts no\n"),
    HostCase("info of an image with a rootfs", ["info", "{images}/../../apps/rootfs.duet.elf"], 0,
             expect=["devices 0", "rootfs ", " bytes"]),
    HostCase("info of a non-ELF file", ["info", "{images}/not-elf.elf"], 1,
             expect_err=["not an ELF64 file"]),
    HostCase("missing image", ["run", "{images}/does-not-exist.elf"], 1,
             expect_err=["does-not-exist.elf", "No such file"], in_lab=True),
]

# Bad images (tests/e2e/bad_images.py makes them): name -> expected message part.
BAD_IMAGES = {
    "empty.elf": "empty",
    "not-elf.elf": "not an ELF",
    "truncated.elf": "",
    "x86.elf": "x86-64",
    "elf32.elf": "64-bit",
    "big-endian.elf": "endian",
    "outside-ram.elf": "outside",
    "below-load-min.elf": "",
    "overlap.elf": "overlap",
    "entry-outside-text.elf": "entry",
    "filesz-gt-memsz.elf": "",
    "no-load.elf": "PT_LOAD",
    "dyn.elf": "ET_DYN",
    "rootfs-misaligned.elf": "not page-aligned",
    "rootfs-outside.elf": "outside the file",
}
for _img, _msg in BAD_IMAGES.items():
    HOST_CASES.append(HostCase("bad image " + _img, ["run", "{images}/" + _img], 1,
                               expect_err=[_img] + ([_msg] if _msg else []), in_lab=True))

# Network cases live in their own file; they join the lists here.
from net_cases import NET_HOST_CASES, NET_SHELL_CASES  # noqa: E402
SHELL_CASES += NET_SHELL_CASES
from socket_cases import SOCKET_SHELL_CASES  # noqa: E402
SHELL_CASES += SOCKET_SHELL_CASES
from gdb_cases import GDB_SHELL_CASES  # noqa: E402
SHELL_CASES += GDB_SHELL_CASES
HOST_CASES += NET_HOST_CASES
from perf_cases import PERF_SHELL_CASES  # noqa: E402
SHELL_CASES += PERF_SHELL_CASES

# Threads (issue 13): guest/sched, apps/threads.
GUEST_CASES += [
    GuestCase("threads: many threads, mutexes, conds with timeouts, rwlocks, keys, sems", "threads",
              [], 0, ["200 threads x 100 locked increments          PASS",
                      "sleeps overlap (4 x 50 ms at once)".ljust(44) + " PASS",
                      "cond timedwait 40 ms, CLOCK_MONOTONIC        PASS",
                      "keys, errno and __thread are per thread      PASS",
                      "ALL PASSED: 0 failure(s)"], timeout=60),
    GuestCase("threads: a thread overflowing its stack is named in the crash report", "threads",
              ["overflow"], 112, ["overflowing a 16 KiB thread stack",
                                  "thread: 'overflower' (id 2",
                                  "stack overflow of thread 'overflower' (hit its guard page)"]),
    GuestCase("threads: a lock-order deadlock is reported, not a hang", "threads",
              ["deadlock"], 112, ["deadlock: every thread is blocked and nothing can wake one"]),
]

# Four sleeping threads cost the host almost no CPU (utime+stime ticks, 100 Hz):
# the idle scheduler waits in WFI like a single-threaded guest.
SHELL_CASES += [
    ShellCase("threads: an idle guest with 4 sleeping threads sleeps (host CPU over 4 s)",
              "rm -f /tmp/t.out; ./duet run apps/threads.duet.elf -- idle > /tmp/t.out 2>&1 & "
              "pid=$!; for i in $(seq 100); do grep -q asleep /tmp/t.out && break; sleep 0.1; done; "
              "a=$(awk '{print $14+$15}' /proc/$pid/stat); sleep 4; "
              "b=$(awk '{print $14+$15}' /proc/$pid/stat); wait $pid; st=$?; cat /tmp/t.out; "
              "echo \"idle_cpu_ticks=$((b - a)) of 400\"; [ $st = 0 ] && [ $((b - a)) -lt 40 ]",
              0, ["idle: 4 threads asleep", "idle: all woke", "idle_cpu_ticks="], 60),
]

# The app's rootfs/ (issue 12): read-only at / over the RAM file system.
GUEST_CASES += [
    GuestCase("rootfs: shipped files read, listed, EROFS on change, new files in RAM", "rootfs",
              [], 0, ["ok read it whole", "ok a file over three pages",
                      "ok a symlink inside the tree: the same file", "ok ls /usr: two entries",
                      "ok write open: EROFS", "ok unlink: EROFS", "ok a new file in a shipped dir",
                      "ok ls /etc: both", "rootfs: 0 failure(s)"]),
    GuestCase("rootfs: a store into the archive's memory is a crash, not a change", "rootfs",
              ["poke"], 112, ["poking 0x800000000"], platforms=("duet",)),
    GuestCase("rootfs: a 52 MiB tree, read at its end", "bigroot", ["touch"], 0,
              ["blob: 54525952 bytes, ends with BIGMARK!", "ls /data: blob"], timeout=40),
]
