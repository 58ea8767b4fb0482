"""Failed compiles and links of a user's app, said in a few lines (the whole
output goes to OUTPUT.log beside the output): what a user porting a program
needs to see first.

A link that fails because the program calls something Duet's libc lacks
becomes one line per missing call:
    duet: unlink is not provided by Duet's libc (used in shell.c, main.c)
instead of a screen of ld output; any other link error is shown as ld said it.
"""
import os
import re

# ld: "src/x.c:12:(.text.f+0x8): undefined reference to `unlink'" (with -g),
# or "x.o: in function `f':" on the line before and "(.text+0x8): undefined ...".
_UNDEF = re.compile(r"undefined reference to [`'‘]([^'’`]+)['’]")
_IN_FUNCTION = re.compile(r"^(?:.*?: )?(\S+?\.(?:o|a))(?:\(([^)]+)\))?: in function")
_SOURCE_LINE = re.compile(r"(?:^|: )([^\s:]+\.(?:c|S|s|cc|cpp|h)):\d+")
_LD_NOISE = ("collect2: error: ld returned", "in function", "undefined reference to",
             "against undefined symbol")
_DIAG = re.compile(r"^[^\s:][^:]*:\d+(?::\d+)?: (error|fatal error|warning|note): ")
MAX_ERROR_LINES = 12


def _source_name(obj_or_src):
    """shell.c from build/obj/apps/x/duet/ext/.../shell.c.o or shell.c."""
    base = os.path.basename(obj_or_src)
    return base[:-2] if base.endswith(".o") else base


def missing_calls(text):
    """[(name, [files])] of undefined references, in first-seen order."""
    found, where = {}, None
    for line in text.splitlines():
        m = _IN_FUNCTION.search(line)
        if m:
            where = _source_name(m.group(2) or m.group(1))
            continue
        u = _UNDEF.search(line)
        if not u:
            continue
        name = u.group(1)
        s = _SOURCE_LINE.search(line[:u.start()])
        used_in = _source_name(s.group(1)) if s else where
        files = found.setdefault(name, [])
        if used_in and used_in not in files:
            files.append(used_in)
    return list(found.items())


def other_link_errors(text):
    """ld's error lines that are not about a missing call (e.g. a second main)."""
    out = []
    for line in text.splitlines():
        if not line.strip() or any(n in line for n in _LD_NOISE):
            continue
        if "error" in line or "multiple definition" in line or "cannot find" in line:
            out.append(line.strip())
    return out


def link_report(text):
    """The lines to show for a failed link."""
    lines = ["duet: %s is not provided by Duet's libc%s"
             % (name, " (used in %s)" % ", ".join(files) if files else "")
             for name, files in missing_calls(text)]
    others = other_link_errors(text)
    if others:
        lines.append("first other link error: " + others[0])
    if not lines:  # not a shape we know: show the start of what ld said
        lines = text.strip().splitlines()[:MAX_ERROR_LINES]
    return lines


def compile_report(text):
    """The first error diagnostic with its context lines (the source line,
    the caret, notes), not the warnings before it or the errors after it."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _DIAG.match(line)
        if not m or "error" not in m.group(1):
            continue
        start = i
        # "In file included from ..." / "In function ..." lines belong to it.
        while start > 0 and not _DIAG.match(lines[start - 1]) and (
                lines[start - 1].startswith(("In file included", "                 from"))
                or ": In function" in lines[start - 1] or ": In " in lines[start - 1]):
            start -= 1
        end = i + 1
        while end < len(lines) and end - i < MAX_ERROR_LINES:
            d = _DIAG.match(lines[end])
            if d and d.group(1) != "note":
                break
            if lines[end].startswith("In file included") or ": In function" in lines[end]:
                break
            end += 1
        return lines[start:end]
    return lines[:MAX_ERROR_LINES]


def explain(output, text, is_link):
    """A short message for a failed step; writes the full output to OUTPUT.log."""
    log = output + ".log"
    os.makedirs(os.path.dirname(log) or ".", exist_ok=True)
    with open(log, "w") as f:
        f.write(text)
    lines = link_report(text) if is_link else compile_report(text)
    what, full = ("link failed", "full linker output") if is_link else ("first error", "full output")
    return "%s:\n%s\n(%s: %s)" % (what, "\n".join(lines), full, os.path.relpath(log))
