"""The lab on an arm64 machine with /dev/kvm: the same script, run here."""
import os
import secrets
import shutil
import subprocess
import tempfile

from . import frames


def _layout(files, script, d):
    os.makedirs(os.path.join(d, ".lab"))
    with open(os.path.join(d, ".lab", "lib.sh"), "w") as f:
        f.write(frames.LIB_SH)
    with open(os.path.join(d, "script.sh"), "w") as f:
        f.write(script)
    for inside, src in files.items():
        dst = os.path.join(d, inside.lstrip("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if isinstance(src, (bytes, bytearray)):
            with open(dst, "wb") as f:
                f.write(src)
        else:
            shutil.copy(src, dst)


def run(script, files, timeout):
    from . import LabResult, _result
    with tempfile.TemporaryDirectory(prefix="duet-native-") as d:
        _layout(files, script, d)
        nonce = secrets.token_hex(8)
        framefile = os.path.join(d, ".lab", "frames")
        env = dict(os.environ, DUET_NONCE=nonce, DUET_FRAMES=framefile, DUET_DIR=d,
                   DUET_TMP=os.path.join(d, ".lab", "tmp"))
        os.makedirs(env["DUET_TMP"])
        runner = '. "$DUET_DIR/.lab/lib.sh"; duet__run_script'
        timed_out = False
        try:
            subprocess.run(["sh", "-c", runner], cwd=d, env=env, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            timed_out = True
        text = open(framefile).read() if os.path.exists(framefile) else ""
        res = _result(frames.parse(text, nonce), timed_out, text)
        assert isinstance(res, LabResult)
        return res


def shell(files):
    with tempfile.TemporaryDirectory(prefix="duet-native-") as d:
        _layout(files, "", d)
        print("Duet lab (native): the build is in %s. Leave with exit." % d)
        return subprocess.call([os.environ.get("SHELL", "sh")], cwd=d)
