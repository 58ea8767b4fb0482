/* Numbers from the command line, strictly: what the tool modes accept. */
#ifndef DUET_STRICT_NUM_H
#define DUET_STRICT_NUM_H

#include <stdint.h>

/*
 * Decimal or 0x-prefixed hex, the whole string, at most max. Never octal
 * (strtoull's base 0 would read "010" as 8), no sign, no blanks.
 * 0, or -1 when s is anything else.
 */
int strict_u64(const char *s, uint64_t max, uint64_t *v);

#endif
