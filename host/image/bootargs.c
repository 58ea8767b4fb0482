/* argv -> bootargs quoting; the grammar is documented in bootargs.h. */
#include <string.h>
#include "image/bootargs.h"

/* Bytes that never need quoting: no shell or splitter meaning, printable. */
static int is_safe(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || (c != 0 && strchr("_./=:,+-@%", c));
}

/* Appends to out[*pos], always leaving room for the final NUL. */
static int put(char *out, size_t outlen, size_t *pos, const char *s, size_t n)
{
    if (n >= outlen - *pos)
        return -1;
    memcpy(out + *pos, s, n);
    *pos += n;
    return 0;
}

static int put_arg(char *out, size_t outlen, size_t *pos, const char *arg)
{
    size_t len = strlen(arg), i;
    for (i = 0; i < len && is_safe((unsigned char)arg[i]); i++)
        ;
    if (len && i == len)
        return put(out, outlen, pos, arg, len);

    if (put(out, outlen, pos, "'", 1))
        return -1;
    for (const char *p = arg; *p; ) {
        const char *q = strchr(p, '\'');
        size_t run = q ? (size_t)(q - p) : strlen(p);
        if (put(out, outlen, pos, p, run))
            return -1;
        if (!q)
            break;
        if (put(out, outlen, pos, "'\\''", 4))
            return -1;
        p = q + 1;
    }
    return put(out, outlen, pos, "'", 1);
}

int bootargs_join(char *out, size_t outlen, int argc, char *const argv[])
{
    size_t pos = 0;
    if (!out || outlen == 0)
        return -1;
    for (int i = 0; i < argc; i++) {
        if ((i && put(out, outlen, &pos, " ", 1)) || put_arg(out, outlen, &pos, argv[i])) {
            out[0] = '\0';
            return -1;
        }
    }
    out[pos] = '\0';
    /* Lengths beyond INT_MAX cannot occur for a 64 KiB device tree, but
     * refuse rather than return a negative length. */
    return pos > 0x7fffffff ? (out[0] = '\0', -1) : (int)pos;
}
