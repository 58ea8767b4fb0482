/* Device names, as --block:NAME, --net:NAME and manifests (app.cfg) use them. */
#ifndef DUET_DEVICE_NAME_H
#define DUET_DEVICE_NAME_H

#include <stddef.h>
#include "duet/manifest.h"

/* 1 if s[0..n) is 1..DUET_DEVICE_NAME_MAX of a-z 0-9 _ (what a manifest can declare). */
static inline int device_name_ok(const char *s, size_t n)
{
    if (n == 0 || n > DUET_DEVICE_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

#endif
