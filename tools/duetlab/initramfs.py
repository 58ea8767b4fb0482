"""The lab's initramfs: a cached base (busybox + /init) and a per-run payload.

Linux unpacks concatenated cpio archives in order, so the base archive is
built once (gzip, cached) and each run only appends an uncompressed archive
with /duet: the host binary, guest images, the script and lib.sh.
"""
import gzip
import hashlib
import os

from . import kernel
from .cpio import CpioWriter
from .frames import LIB_SH

# /init: mount, read the nonce (and the 9p shares) from the kernel command line, run the script
# (or a shell), frame the results on the console, power off.
INIT = r'''#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
for m in $(cat /lib/modules/order 2>/dev/null); do insmod "/lib/modules/$m.ko"; done
for w in $(cat /proc/cmdline); do
    case "$w" in
    duet.nonce=*) DUET_NONCE="${w#duet.nonce=}" ;;
    duet.shell=1) DUET_SHELL=1 ;;
    duet.shares=*) DUET_SHARES="${w#duet.shares=}" ;;
    esac
done
# The user's folders (./build.py run --block/--dir), live over 9p.
for t in $(echo "$DUET_SHARES" | tr , ' '); do
    mkdir -p "/mnt/$t" && mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 "$t" "/mnt/$t"
done
export DUET_NONCE DUET_FRAMES=/dev/console DUET_DIR=/duet DUET_TMP=/tmp/duet
mkdir -p "$DUET_TMP"
cd /duet
if [ -n "$DUET_SHELL" ]; then
    echo "Duet lab: the build is in /duet. Leave with exit (or Ctrl-D)."
    setsid cttyhack sh -l
    poweroff -f
fi
. /duet/.lab/lib.sh
duet__frame HELLO
duet__run_script
duet__frame BYE
sync
poweroff -f
'''


def base_archive(cache_dir, version=None):
    """Path of the gzip'd base archive for kernel `version` (its modules
    inside, loaded in order); rebuilt when busybox, /init or the modules change."""
    bb = open(kernel.busybox(cache_dir), "rb").read()
    mods = [(os.path.basename(m), open(m, "rb").read()) for m in kernel.modules(cache_dir, version)]
    order = "".join(n[:-len(".ko")] + "\n" for n, _ in mods).encode()
    key = hashlib.sha256(bb + INIT.encode() + order
                         + b"".join(n.encode() + m for n, m in mods)).hexdigest()[:16]
    path = os.path.join(cache_dir, "base-%s.cpio.gz" % key)
    if os.path.exists(path):
        return path
    w = CpioWriter(first_ino=1)
    for d in ("bin", "sbin", "usr/bin", "dev", "proc", "sys", "tmp", "duet"):
        w.mkdir(d)
    w.add_chardev("dev/console", 5, 1)
    w.add_file("bin/busybox", bb, 0o755)
    for name, data in mods:
        w.add_file("lib/modules/" + name, data, 0o644)
    w.add_file("lib/modules/order", order, 0o644)
    w.add_file("init", INIT.encode(), 0o755)
    data = gzip.compress(w.getvalue(), compresslevel=6, mtime=0)
    with open(path + ".part", "wb") as f:
        f.write(data)
    os.replace(path + ".part", path)
    return path


def payload_archive(files, script):
    """Uncompressed archive of /duet: files maps inside paths -> host path or bytes."""
    w = CpioWriter(first_ino=100000)  # disjoint from the base archive's inodes
    w.add_file("duet/.lab/lib.sh", LIB_SH.encode(), 0o644)
    w.add_file("duet/script.sh", script.encode(), 0o755)
    for inside, src in sorted(files.items()):
        data = src if isinstance(src, (bytes, bytearray)) else open(src, "rb").read()
        mode = 0o755 if isinstance(src, str) and os.access(src, os.X_OK) else 0o644
        w.add_file("duet/" + inside.lstrip("/"), bytes(data), mode)
    return w.getvalue()
