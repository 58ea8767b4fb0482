"""`./build.py run APP [duet run options]`: the options are duet's, the paths
in them the user's. In the lab each file's or folder's place is shared into
the lab's Linux over 9p (live: what the guest writes is in the user's file
afterwards) and the option rewritten to the path inside; natively paths are
only made absolute."""
import os

from . import ui

# Options naming a host path, and what the path must be.
PATH_OPTIONS = {"--block:": "file", "--dir:": "folder"}


class HostOptionError(Exception):
    pass


def _split(opt):
    """('--block:', 'disk0', '/p/disk.img', ',ro') or None for other options."""
    for prefix in PATH_OPTIONS:
        if opt.startswith(prefix):
            name, eq, rest = opt[len(prefix):].partition("=")
            if not eq:
                return None  # duet itself explains the malformed option
            path, comma, flags = rest.partition(",")
            return prefix, name, path, comma + flags
    return None


def translate(opts, in_lab):
    """(options for duet inside, [(host folder, tag)] to share into the lab)."""
    out, shares, tags = [], [], {}
    for opt in opts:
        parts = _split(opt)
        if not parts:
            out.append(opt)
            continue
        prefix, name, path, flags = parts
        path = os.path.abspath(os.path.expanduser(path))
        kind = PATH_OPTIONS[prefix]
        if kind == "file" and not os.path.isfile(path):
            raise HostOptionError("%s%s: no file %s" % (prefix, name, path))
        if kind == "folder" and not os.path.isdir(path):
            raise HostOptionError("%s%s: no folder %s" % (prefix, name, path))
        if in_lab:
            folder = os.path.dirname(path) if kind == "file" else path
            if folder not in tags:
                tags[folder] = "share%d" % len(tags)
                shares.append((folder, tags[folder]))
            inside = "/mnt/" + tags[folder]
            path = inside + "/" + os.path.basename(path) if kind == "file" else inside
        out.append("%s%s=%s%s" % (prefix, name, path, flags))
    for folder, tag in shares:
        ui.cmd(["share", folder, "->", "/mnt/" + tag], False)
    return out, shares
