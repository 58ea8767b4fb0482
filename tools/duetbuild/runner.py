"""Running guests: on the duet platform through the lab (or natively on
arm64 KVM), on qemu-virt by QEMU's virt board directly."""
import os
import shlex
import subprocess
import sys

from . import ui

QEMU_VIRT = ["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a72",
             "-m", "128M", "-nographic", "-no-reboot", "-monitor", "none",
             "-semihosting-config", "enable=on,target=native",
             "-nic", "none"]  # the default NIC wants ipxe's ROM, which need not be installed
TIMEOUT_STATUS = 124  # like timeout(1)


def lab_instance(proj):
    from duetlab import Lab
    return Lab(verbose=proj.verbose)


def lab_files(proj, images):
    """The payload of a lab boot: the static host and guest images under /duet."""
    files = {"duet": proj.host_binary()}
    for img in images:
        files["apps/" + os.path.basename(img)] = img
    return files


def duet_command(image_name, args, host_opts=()):
    return "./duet run %s apps/%s -- %s" % (
        " ".join(shlex.quote(o) for o in host_opts), shlex.quote(image_name),
        " ".join(shlex.quote(a) for a in args))


def qemu_virt_argv(image, args, gic=3):
    argv = [a.replace("gic-version=3", "gic-version=%d" % gic) for a in QEMU_VIRT]
    argv += ["-kernel", image]
    flash = image[:-len(".elf")] + ".rootfs"  # the app's rootfs (targets.py)
    if image.endswith(".elf") and os.path.exists(flash):
        argv += ["-drive", "if=pflash,unit=1,format=raw,readonly=on,file=" + flash]
    if args:
        argv += ["-append", " ".join(shlex.quote(a) for a in args)]
    return argv


def run_qemu_virt(image, args, timeout, capture=False, gic=3):
    """Returns (status, stdout, stderr); status TIMEOUT_STATUS on timeout."""
    argv = qemu_virt_argv(image, args, gic)
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, timeout=timeout,
                           stdout=subprocess.PIPE if capture else None,
                           stderr=subprocess.PIPE if capture else None)
        return r.returncode, r.stdout or b"", r.stderr or b""
    except subprocess.TimeoutExpired as e:
        return TIMEOUT_STATUS, e.stdout or b"", e.stderr or b""


def run_app(proj, app, args, platform=None, mem=None, host_opts=()):
    from duetlab import native_possible
    from . import hostopts
    platform = platform or proj.platform()
    app_dir = proj.app_dir(app)
    if platform == "qemu-virt" and host_opts:
        ui.error("%s: duet run's options need the duet platform (qemu-virt boots the "
                 "image on QEMU's board directly)" % " ".join(host_opts))
        return 2
    try:
        opts, shares = hostopts.translate(host_opts, in_lab=not native_possible())
    except hostopts.HostOptionError as e:
        ui.error(str(e))
        return 2
    image = proj.build([app_dir], [platform], native=False)[0]
    timeout = int(proj.config.values()["HOST_RUN_TIMEOUT_S"])
    if platform == "qemu-virt":
        status, _, _ = run_qemu_virt(image, args, timeout)
        if status == TIMEOUT_STATUS:
            ui.error("the guest did not stop within %d s; killed" % timeout)
        return status
    opts = (["--mem=" + mem] if mem else []) + opts
    script = "exec timeout -s KILL %d %s\n" % (timeout, duet_command(os.path.basename(image), args, opts))
    res = lab_instance(proj).run(script, lab_files(proj, [image]), timeout=timeout + 60,
                                 shares=shares)
    sys.stdout.buffer.write(res.stdout)
    sys.stdout.flush()
    sys.stderr.buffer.write(res.stderr)
    sys.stderr.flush()
    if res.timed_out:
        ui.error("the lab did not finish within %d s; killed" % (timeout + 60))
        return TIMEOUT_STATUS
    if res.status == 137:
        ui.error("the guest did not stop within %d s; killed" % timeout)
        return TIMEOUT_STATUS
    return res.status


def lab(proj, script, shell):
    images = proj.build(None, ["duet"], native=False)
    files = lab_files(proj, images)
    lab_ = lab_instance(proj)
    if shell or not script:
        return lab_.shell(files)
    res = lab_.run(open(script).read(), files, timeout=600)
    sys.stdout.buffer.write(res.stdout)
    sys.stderr.buffer.write(res.stderr)
    if res.timed_out:
        ui.error("the lab timed out")
        return TIMEOUT_STATUS
    return res.status
