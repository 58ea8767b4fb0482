/* dprintf/vdprintf: formatted output straight to an fd (no FILE), as
 * POSIX 2008 says; picolibc has no such call. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int vdprintf(int fd, const char *fmt, va_list ap)
{
    char small[256], *buf = small;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= (int)sizeof small) {
        buf = malloc((size_t)n + 1);
        if (!buf) {
            va_end(again);
            return -1;
        }
        vsnprintf(buf, (size_t)n + 1, fmt, again);
    }
    va_end(again);
    int done = 0;
    while (n >= 0 && done < n) {
        ssize_t w = write(fd, buf + done, (size_t)(n - done));
        if (w <= 0) {
            n = -1;
            break;
        }
        done += (int)w;
    }
    if (buf != small)
        free(buf);
    return n;
}

int dprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vdprintf(fd, fmt, ap);
    va_end(ap);
    return n;
}
