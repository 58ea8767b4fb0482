"""Failed compiles and links, said in a few lines: the first compiler error,
or for a link the calls Duet does not provide. The whole output goes to a
log file beside the output, for whoever wants the wall of text."""
import os
import re

UNDEFINED = re.compile(r"undefined reference to `([^']+)'")
IN_FUNCTION = re.compile(r"^(?:.*/)?([^/:]+?)(?:\.[cS])?\.o: in function `([^']+)'")
ERROR = re.compile(r"^([^:\s]+:\d+(?::\d+)?: (?:fatal )?error: .*)$")


def undefined_calls(text):
    """[(symbol, [files that use it])] from ld's output, first seen first."""
    found, where = {}, None
    for line in text.splitlines():
        m = IN_FUNCTION.search(line)
        if m:
            where = m.group(1)
        for sym in UNDEFINED.findall(line):
            users = found.setdefault(sym, [])
            if where and where not in users:
                users.append(where)
    return list(found.items())


def first_error(text):
    """The first compiler error with the lines gcc prints under it (the source
    line and caret), or None."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if ERROR.match(line):
            tail = []
            for nxt in lines[i + 1:i + 4]:
                if ERROR.match(nxt) or re.match(r"^\S+:\d+", nxt):
                    break
                tail.append(nxt)
            return "\n".join([line] + tail)
    return None


def explain(output, text, is_link):
    """A short message for a failed step; writes the full output to OUTPUT.log."""
    log = output + ".log"
    os.makedirs(os.path.dirname(log) or ".", exist_ok=True)
    with open(log, "w") as f:
        f.write(text)
    rel = os.path.relpath(log)
    if is_link:
        calls = undefined_calls(text)
        if calls:
            msg = ["%s is not provided by Duet (used in %s)" % (s, ", ".join(u) or "?")
                   for s, u in calls]
            return ("link failed: %d call(s) Duet does not provide:\n  " % len(calls)
                    + "\n  ".join(msg) + "\n(full linker output: %s)" % rel)
    err = first_error(text)
    if err:
        return "first error:\n%s\n(full output: %s)" % (err, rel)
    return None
