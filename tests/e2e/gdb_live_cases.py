"""gdb-multiarch attached live to duet's stub, from this machine, as a user
does it: `./build.py run APP --gdb-port PORT -- ARGS` (in the lab the port
comes through the lab's NIC), then `gdb-multiarch -batch IMAGE -ex 'target
remote 127.0.0.1:PORT' -ex ...`. gdb's output must hold `expect` in order,
build.py's own output `guest`, and build.py must end with `status` and no
QEMU left behind.

run(proj, res, pattern, check_output) adds one result per case.
"""
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional

from bg_run import BgRun, free_port
from duetbuild.testrun_check import contains_in_order as in_order

READY = "gdb: the guest waits for gdb on"
CONNECTED = "duet: gdb: connected"


def gdb_batch(image, port, commands):
    return ["gdb-multiarch", "-q", "-nx", "-batch", image,
            # the lab is slow (TCG): gdb's default 2 s would resend packets the stub is
            # still answering, and pair the late replies with the wrong requests
            "-ex", "set confirm off", "-ex", "set remotetimeout 20",
            "-ex", "target remote 127.0.0.1:%d" % port] + \
        [w for c in commands for w in ("-ex", c)]


@dataclass
class GdbLiveCase:
    name: str
    app: str
    args: List[str]
    commands: List[str]             # gdb -ex commands after `target remote`
    expect: List[str]               # in gdb's output, in order
    status: int                     # build.py's (= duet's) status
    guest: List[str] = field(default_factory=list)   # in build.py's output
    interrupt_when: Optional[str] = None             # Ctrl-C gdb once build.py's output has this
    during: Optional[Callable] = None                # fn(port, image) -> problem, while gdb is attached
    timeout: int = 150


def _run_case(proj, c):
    port = free_port()
    image = os.path.join(proj.build_dir, "apps", "%s.duet.elf" % c.app)
    bg = BgRun(["run", c.app, "--gdb-port", str(port), "--"] + c.args, ports=[port])
    problem, gdb_out = None, ""
    try:
        if not bg.wait_for(READY, 120):
            return "the stub never waited for gdb | %r" % bg.tail()
        g = subprocess.Popen(gdb_batch(image, port, c.commands), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
        if c.during:
            if not bg.wait_for(CONNECTED, 90):
                problem = "gdb never connected"
            else:
                problem = c.during(port, image)
        if c.interrupt_when is not None:
            if not bg.wait_for(c.interrupt_when, 90):
                problem = problem or "the guest never printed %r" % c.interrupt_when
            time.sleep(1)  # well inside its loop
            g.send_signal(signal.SIGINT)  # what Ctrl-C in gdb's terminal does
        try:
            gdb_out = g.communicate(timeout=c.timeout)[0].decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            g.kill()
            gdb_out = g.communicate()[0].decode("utf-8", "replace")
            problem = problem or "gdb did not finish within %d s" % c.timeout
        missing = in_order(gdb_out, c.expect)
        if missing and not problem:
            problem = "gdb's output lacks %r (in order)" % missing
        st = bg.wait(60)
        if st is None and not problem:
            problem = "build.py did not end after gdb"
        elif st is not None and st != c.status and not problem:
            problem = "build.py status %s, expected %d" % (st, c.status)
        # duet's messages (stderr) and the guest's console (stdout) reach us on
        # two streams whose relative order the lab does not keep: each line is
        # looked for on its own.
        text = bg.text()
        missing = [g for g in c.guest if g not in text]
        if missing and not problem:
            problem = "build.py's output lacks %r" % missing[0]
    finally:
        left = bg.finish(5)
        problem = problem or left
    return problem and "%s | gdb: %r | run: %r" % (problem, gdb_out[-700:], bg.tail(400))


def _second_gdb(port, image):
    """While a gdb is attached, a second one is turned away (the stub's listening socket is
    closed: natively a refused connect, through QEMU's forward a reset) and the first one
    carries on (the case's own expectations)."""
    r = subprocess.run(gdb_batch(image, port, ["print $pc"]), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = r.stdout.decode("utf-8", "replace")
    if r.returncode == 0 or "$1 = " in out:
        return "a second gdb got a session: %r" % out[-300:]
    if not any(w in out for w in ("Connection refused", "Connection reset", "Target disconnected",
                                  "Remote connection closed")):
        return "a second gdb failed without saying it was refused: %r" % out[-300:]
    return None


CASES = [
    GdbLiveCase("gdb live: break at a function, bt, step, print a local, finish, watch a "
                "global change, continue to the exit status", "gdbdemo", ["7"],
                ["break square", "continue", "bt", "print n", "step", "print sq", "finish",
                 "watch ticks", "continue", "delete", "continue"],
                ["_start () at ./guest/boot.S",
                 "Breakpoint 1, square (n=1) at ./apps/gdbdemo/gdbdemo.c:13",
                 "#0  square (n=1)", "#1  ", "in tick (step=1)", "#2  ", "in main (argc=2",
                 "$1 = 1", "14\t    return sq;", "$2 = 1",
                 "in tick (step=1)", "Value returned is $3 = 1",
                 "watchpoint 2: ticks", "Old value = 0", "New value = 1",
                 "[Inferior 1 (Remote target) exited with code 07]"],
                7, guest=["gdb: connected", "gdbdemo: ticks 14, status 7"]),
    GdbLiveCase("gdb live: hardware breakpoint, write a register, the guest takes it", "gdbdemo",
                ["3"],
                # square(2)'s argument is in x0 at its first instruction: 2 -> 5 makes
                # ticks 1 + 25 + 9 = 35 instead of 14.
                ["hbreak tick", "continue", "continue", "delete", "hbreak *square", "continue",
                 "print $x0", "set var $x0 = 5", "print $x0", "delete", "continue"],
                ["Hardware assisted breakpoint 1 at", "Breakpoint 1, tick (step=1)",
                 "Breakpoint 1, tick (step=2)", "Hardware assisted breakpoint 2 at",
                 "Breakpoint 2, square", "$1 = 2", "$2 = 5",
                 "[Inferior 1 (Remote target) exited with code 03]"],
                3, guest=["gdbdemo: ticks 35, status 3"]),
    GdbLiveCase("gdb live: Ctrl-C stops a spinning guest where it spins; kill ends it", "spin", [],
                ["continue", "bt", "print $pc", "kill"],
                ["Program received signal SIGINT", "in main () at ./apps/spin/spin.c",
                 "#0  ", "in main ()", "<main+", "[Inferior 1 (Remote target) killed]"],
                112, guest=["spinning forever", "gdb killed the guest"],
                interrupt_when="spinning forever"),
    GdbLiveCase("gdb live: a guest crash stops at the faulting line, with the frame's locals",
                "crash", ["null"], ["continue", "bt", "info frame", "continue"],
                ["Program received signal SIGSEGV", "in main (argc=2", "./apps/crash/crash.c:",
                 "return *(volatile int *)0;", "#0  ", "pc = 0x", "Arglist at",
                 "Program terminated with signal SIGSEGV"], 112,
                guest=["NULL pointer dereference"]),
    GdbLiveCase("gdb live: a second gdb is turned away while one is attached", "spin", [],
                ["continue", "kill"],
                ["Program received signal SIGINT", "[Inferior 1 (Remote target) killed]"], 112,
                guest=["gdb killed the guest"], interrupt_when="spinning forever",
                during=_second_gdb),
]


def _case_open_gdb(proj):
    """`./build.py run gdbdemo --gdb -- 5`: build.py itself opens gdb-multiarch on the image,
    attached through the lab's forward; gdb reads what a user types (here: its stdin)."""
    typed = b"break tick\ncontinue\nprint step\nbt\ndelete\ncontinue\n"
    bg = BgRun(["run", "gdbdemo", "--gdb", "--", "5"], stdin=typed)
    problem = None
    st = bg.wait(240)
    if st is None:
        problem = "build.py --gdb did not end"
    elif st != 5:
        problem = "build.py's status %s, not the guest's 5" % st
    # duet's own lines (from the lab, live) share the terminal with gdb's and can
    # land inside one of gdb's lines: take them out before reading gdb's session.
    session = re.sub(r"duet: [^\n]*\n", "", bg.text())
    missing = in_order(session, ["Reading symbols from", "gdbdemo.duet.elf",
                                   "Breakpoint 1, tick (step=1)", "$1 = 1",
                                   "#1  ", "in main (argc=2",
                                   "[Inferior 1 (Remote target) exited with code 05]"])
    if missing and not problem:
        problem = "the session lacks %r (in order)" % missing
    left = bg.finish(5)
    problem = problem or left
    return problem and "%s | %r" % (problem, bg.tail(900))


def run(proj, res, pattern, check_output=None):
    import shutil
    name = "gdb live: ./build.py run APP --gdb opens gdb-multiarch attached, symbols loaded"
    if not pattern or pattern in name:
        res.add(name, _case_open_gdb(proj) if shutil.which("gdb-multiarch") else
                "gdb-multiarch is not installed (./build.py setup installs it)")
    for c in CASES:
        if pattern and pattern not in c.name:
            continue
        if not shutil.which("gdb-multiarch"):
            res.add(c.name, "gdb-multiarch is not installed (./build.py setup installs it)")
            continue
        res.add(c.name, _run_case(proj, c))
