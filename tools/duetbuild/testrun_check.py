"""Checking a finished command's status and output against a case."""


def contains_in_order(text, parts):
    """The first of parts not found in text after the previous one, or None."""
    pos = 0
    for p in parts:
        i = text.find(p, pos)
        if i < 0:
            return p
        pos = i + len(p)
    return None


def check_output(status, out, err, want_status, expect=(), expect_err=(), exact=None):
    """A one-line description of what is wrong, or None."""
    o = out.decode("utf-8", "replace")
    e = err.decode("utf-8", "replace")
    tail = " | stdout: %r | stderr: %r" % (o[-300:], e[-300:])
    if status != want_status:
        return "status %s, expected %s%s" % (status, want_status, tail)
    if exact is not None and out != exact:
        return "stdout %r, expected %r" % (out[:300], exact)
    miss = contains_in_order(o, expect)
    if miss is not None:
        return "stdout lacks %r%s" % (miss, tail)
    miss = contains_in_order(e, expect_err)
    if miss is not None:
        return "stderr lacks %r%s" % (miss, tail)
    return None
