/* The POSIX layer's one convention: the VFS returns -errno, callers get -1
 * with errno set. */
#ifndef DUET_POSIX_SYSRET_H
#define DUET_POSIX_SYSRET_H

#include <errno.h>

static inline long sys_ret(long r)
{
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

#endif
