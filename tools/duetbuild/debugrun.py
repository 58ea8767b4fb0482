"""`./build.py run APP --core-dir DIR`: run in the lab (or natively) with
`duet run --core=`, and bring the core of a crash back to DIR on this
machine, beside the image it needs (gdb-multiarch IMAGE CORE).

The lab has no shared folder, so the core comes back through the lab's
console: gzip + base64 between marker lines, after the guest's output.
Cores never replace a file here either: a taken name gets a suffix.
(`--gdb` and `--gdb-port` are netrun.py's: the stub's port comes through the lab's NIC.)
"""
import base64
import gzip
import os
import sys

from . import ui
from .runner import TIMEOUT_STATUS, duet_command, lab_files, lab_instance

MARK = b"@@duet-core@@"


def _save(core_dir, name, data):
    os.makedirs(core_dir, exist_ok=True)
    base = os.path.basename(name) or "core"
    for i in range(1000):
        path = os.path.join(core_dir, base if i == 0 else "%s-%d" % (base, i))
        try:
            with open(path, "xb") as f:   # O_EXCL: never over an existing file
                f.write(data)
            return path
        except FileExistsError:
            continue
    raise OSError("no free core name in %s" % core_dir)


def run_with_core(proj, app, args, mem, core_dir, echo=True):
    """Returns duet's status; echo=False keeps the lab's output to itself (tests)."""
    app_dir = proj.app_dir(app)
    image = proj.build([app_dir], ["duet"], native=False)[0]
    timeout = int(proj.config.values()["HOST_RUN_TIMEOUT_S"])
    opts = (["--mem=" + mem] if mem else []) + ["--core=/tmp/cores"]
    script = ("mkdir -p /tmp/cores; timeout -s KILL %d %s; st=$?\n"
              "for f in /tmp/cores/*; do [ -e \"$f\" ] || continue; "
              "printf '\\n%s %%s\\n' \"${f##*/}\"; gzip -c \"$f\" | base64; done\n"
              "exit $st\n" % (timeout, duet_command(os.path.basename(image), args, opts),
                              MARK.decode()))
    res = lab_instance(proj).run(script, lab_files(proj, [image]), timeout=timeout + 120)
    parts = res.stdout.split(b"\n" + MARK + b" ")
    if echo:
        sys.stdout.buffer.write(parts[0])
        sys.stdout.flush()
        sys.stderr.buffer.write(res.stderr)
        sys.stderr.flush()
    for part in parts[1:]:
        name, _, b64 = part.partition(b"\n")
        name = name.decode(errors="replace")
        try:
            data = gzip.decompress(base64.b64decode(b64))
        except (ValueError, OSError) as e:
            ui.error("the core %s came back damaged: %s" % (name, e))
            continue
        path = _save(core_dir, name, data)
        if echo:
            print("core: %s (open it with: gdb-multiarch %s %s)" % (path, image, path))
    if res.timed_out:
        ui.error("the lab did not finish in time; killed")
        return TIMEOUT_STATUS
    return res.status
