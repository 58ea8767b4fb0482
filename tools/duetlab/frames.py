"""How results travel from the lab's serial console to Python.

The console is a hostile channel: the tty layer turns "\\n" into "\\r\\n",
the kernel may print a message at any moment (even mid-line), and the
guest program could write to /dev/console itself.  So the guest never
sends raw output.  Each result is a *record*:

    @@<nonce> BEGIN <CASE|SCRIPT> <base64 of name>
    @@<nonce> OUT <byte count> <md5>
    <base64 of stdout, wrapped lines>
    @@<nonce> ERR <byte count> <md5>
    <base64 of stderr>
    @@<nonce> END <status> <timed out 0|1> <wall ms>

plus `@@<nonce> HELLO` when /init starts and `@@<nonce> BYE` just before
power-off.  The nonce is random per run, so no output can forge a marker.
Lines that are not base64 are treated as junk (kernel messages) and end up
in the boot log; the length + md5 tell whether anything was lost.

LIB_SH is the guest (and native) half: it is sourced by /init and by the
user's script, and defines `duet_case`.
"""

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import List, Optional

_B64_LINE = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


@dataclass
class Record:
    kind: str                   # "CASE" or "SCRIPT"
    name: str
    stdout: bytes = b""
    stderr: bytes = b""
    status: Optional[int] = None   # None: the record was cut short
    timed_out: bool = False
    ms: Optional[int] = None
    intact: bool = True         # False: bytes lost (length/md5 mismatch)


@dataclass
class Parsed:
    records: List[Record]
    hello: bool                 # /init started
    bye: bool                   # the runner finished and powered off
    junk: str                   # everything outside the records


def _decode_stream(lines, want_len, want_md5):
    try:
        data = base64.b64decode("".join(lines), validate=True)
    except (binascii.Error, ValueError):
        return b"", False
    ok = len(data) == want_len and hashlib.md5(data).hexdigest() == want_md5
    return data, ok


def parse(text, nonce):
    """Split console text into records and junk.  Never raises."""
    mark = "@@%s " % nonce
    records, junk = [], []
    hello = bye = False
    rec = None          # record being read
    stream = None       # [attr, length, md5, lines] being read

    def close_stream():
        nonlocal stream
        if stream is not None and rec is not None:
            data, ok = _decode_stream(stream[3], stream[1], stream[2])
            setattr(rec, stream[0], data)
            rec.intact = rec.intact and ok
        stream = None

    for raw in text.splitlines():
        line = raw.strip()
        i = line.find(mark)
        if i < 0:
            if stream is not None and _B64_LINE.match(line):
                stream[3].append(line)
            elif line:
                junk.append(raw.rstrip("\r"))
            continue
        if i > 0:  # a kernel message glued in front of our marker
            junk.append(line[:i])
        words = line[i + len(mark):].split()
        if not words:
            continue
        close_stream()
        tag, args = words[0], words[1:]
        try:
            if tag == "HELLO":
                hello = True
            elif tag == "BYE":
                bye = True
            elif tag == "BEGIN":
                if rec is not None:       # previous record was cut short
                    rec.intact = False
                    records.append(rec)
                name = base64.b64decode(args[1]).decode("utf-8", "replace") \
                    if len(args) > 1 else ""
                rec = Record(kind=args[0], name=name)
            elif tag in ("OUT", "ERR") and rec is not None:
                attr = "stdout" if tag == "OUT" else "stderr"
                stream = [attr, int(args[0]), args[1], []]
            elif tag == "END" and rec is not None:
                rec.status = int(args[0])
                rec.timed_out = args[1] == "1"
                rec.ms = int(args[2])
                records.append(rec)
                rec = None
        except (IndexError, ValueError, binascii.Error):
            junk.append("(malformed frame) " + line[i:])
    close_stream()
    if rec is not None:
        rec.intact = False
        records.append(rec)
    return Parsed(records, hello, bye, "\n".join(junk))


# The guest half.  POSIX sh that runs under busybox ash (lab) and dash or
# bash (native).  Variables: DUET_NONCE, DUET_FRAMES (where records go:
# /dev/console in the lab, a file natively), DUET_DIR (the payload dir).
LIB_SH = r'''
# duet lab helpers: sourced, never executed.  See tools/duetlab/frames.py.

# Wall clock in ms.  busybox date may lack %N; /proc/uptime has 10 ms steps.
case "$(date +%N 2>/dev/null)" in
[0-9][0-9][0-9][0-9]*)
    duet_now_ms() { local n; n=$(date +%s%N); echo $((n / 1000000)); } ;;
*)
    duet_now_ms() {
        local u; read -r u _ < /proc/uptime
        # "12.34": the 1xx trick avoids "08" being read as bad octal
        echo $(( (${u%.*} * 100 + 1${u#*.} - 100) * 10 ))
    } ;;
esac

duet__frame() { printf '@@%s %s\n' "$DUET_NONCE" "$*"; }

duet__stream() { # TAG FILE
    duet__frame "$1" "$(wc -c < "$2")" "$(md5sum < "$2" | cut -d' ' -f1)"
    base64 < "$2"
}

# duet__record KIND NAME STATUS TIMEDOUT MS OUTFILE ERRFILE
# Built in a file, then written in one go, so a record is contiguous.
duet__record() {
    local r="$DUET_TMP/record"
    {
        duet__frame BEGIN "$1" "$(printf %s "$2" | base64 | tr -d '\n')"
        duet__stream OUT "$6"
        duet__stream ERR "$7"
        duet__frame END "$3" "$4" "$5"
    } > "$r"
    cat "$r" >> "$DUET_FRAMES"
}

# duet_case NAME TIMEOUT_SECONDS CMD [ARGS...]
# Runs CMD (stdin /dev/null) in its own session so that a timeout kills
# everything it started; emits one CASE record; returns CMD's status.
# Cases must run one at a time (records share the console).
duet_case() {
    local name="$1" limit="$2" d="$DUET_TMP/case" t0 t1 pid wd st to=0
    shift 2
    rm -rf "$d"; mkdir -p "$d"
    t0=$(duet_now_ms)
    setsid "$@" > "$d/out" 2> "$d/err" < /dev/null &
    pid=$!
    # Watchdog, also in its own session so we can kill it with its sleep.
    setsid sh -c 'sleep "$1"; kill -0 "-$2" 2>/dev/null || exit 0
                  : > "$3"; kill -s KILL "-$2"' \
        duet-watchdog "$limit" "$pid" "$d/timedout" > /dev/null 2>&1 &
    wd=$!
    wait "$pid"; st=$?
    t1=$(duet_now_ms)
    kill -s KILL "-$wd" 2>/dev/null; wait "$wd" 2>/dev/null
    kill -s KILL "-$pid" 2>/dev/null   # leftovers of the case
    [ -e "$d/timedout" ] && to=1
    duet__record CASE "$name" "$st" "$to" $((t1 - t0)) "$d/out" "$d/err"
    return "$st"
}

# Run ./script.sh with this library loaded; emit its SCRIPT record.
duet__run_script() {
    local t0 t1 st
    t0=$(duet_now_ms)
    sh -c '. "$DUET_DIR/.lab/lib.sh"; set --; . ./script.sh' \
        > "$DUET_TMP/script.out" 2> "$DUET_TMP/script.err" < /dev/null
    st=$?
    t1=$(duet_now_ms)
    duet__record SCRIPT script "$st" 0 $((t1 - t0)) \
        "$DUET_TMP/script.out" "$DUET_TMP/script.err"
}

: "${DUET_TMP:=$(mktemp -d)}"
export DUET_TMP
'''
