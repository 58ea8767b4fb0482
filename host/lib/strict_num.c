/* Strict number parsing for duet's tool modes. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include "lib/strict_num.h"

int strict_u64(const char *s, uint64_t max, uint64_t *v)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (hex && !isxdigit((unsigned char)s[2]))
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, hex ? 16 : 10);
    if (errno || *end || end == s || x > max)
        return -1;
    *v = x;
    return 0;
}
