/* One-line error messages into a caller's buffer, for the host's parsers. */
#ifndef DUET_ERRMSG_H
#define DUET_ERRMSG_H

#include <stddef.h>

/* Formats into err (if err and errlen) and returns -1, for `return errmsg(...)`. */
int errmsg(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
