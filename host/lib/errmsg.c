/* errmsg(): the one way the host's parsers report why they refused something. */
#include <stdarg.h>
#include <stdio.h>
#include "lib/errmsg.h"

int errmsg(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}
