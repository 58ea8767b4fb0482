/* select() and pselect() over poll(): the same files-and-sockets readiness,
 * fd_sets sized for the whole fd table (FD_SETSIZE is VFS_FD_MAX). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include "duet/uaccess.h"
#include "duet/vfs.h"
#include "sysret.h"

_Static_assert(FD_SETSIZE >= VFS_FD_MAX, "fd_set smaller than the fd table");

/* The bytes of a set that select(n) reads and writes: whole longs, as Linux. */
static size_t set_bytes(int n)
{
    return ((size_t)n + 63) / 64 * 8;
}

static int set_ok(fd_set *s, int n)
{
    return !s || uaccess_ok(s, set_bytes(n), 1);
}

static int to_ms(const struct timespec *t)
{
    if (!t)
        return -1;
    if (t->tv_sec > 2000000)
        return 2000000000;
    return (int)(t->tv_sec * 1000L + (t->tv_nsec + 999999L) / 1000000L);
}

static int do_select(int n, fd_set *r, fd_set *w, fd_set *x, int ms)
{
    if (n < 0 || n > FD_SETSIZE)
        return (int)sys_ret(-EINVAL);
    if (!set_ok(r, n) || !set_ok(w, n) || !set_ok(x, n))
        return (int)sys_ret(-EFAULT);
    struct pollfd one[64], *p = one;
    int count = 0;
    for (int fd = 0; fd < n; fd++)
        count += (r && FD_ISSET(fd, r)) || (w && FD_ISSET(fd, w)) || (x && FD_ISSET(fd, x));
    if (count > 64 && !(p = malloc(sizeof *p * (size_t)count)))
        return (int)sys_ret(-ENOMEM);
    int k = 0;
    for (int fd = 0; fd < n; fd++) {
        short ev = (short)(((r && FD_ISSET(fd, r)) ? POLLIN : 0) |
                           ((w && FD_ISSET(fd, w)) ? POLLOUT : 0) |
                           ((x && FD_ISSET(fd, x)) ? POLLPRI : 0));
        if (!ev)
            continue;
        if (!fd_get(fd)) {  /* Linux: EBADF for a closed fd in any set */
            if (p != one)
                free(p);
            return (int)sys_ret(-EBADF);
        }
        p[k++] = (struct pollfd){ fd, ev, 0 };
    }
    int res = poll(p, (nfds_t)k, ms);
    if (res >= 0) {
        res = 0;
        if (r) memset(r, 0, set_bytes(n));  /* no further than the program gave */
        if (w) memset(w, 0, set_bytes(n));
        if (x) memset(x, 0, set_bytes(n));
        for (int i = 0; i < k; i++) {
            short re = p[i].revents;
            if (r && (p[i].events & POLLIN) && (re & (POLLIN | POLLHUP | POLLERR)))
                FD_SET(p[i].fd, r), res++;
            if (w && (p[i].events & POLLOUT) && (re & (POLLOUT | POLLERR)))
                FD_SET(p[i].fd, w), res++;
            if (x && (p[i].events & POLLPRI) && (re & POLLPRI))
                FD_SET(p[i].fd, x), res++;
        }
    }
    if (p != one)
        free(p);
    return res;
}

int select(int n, fd_set *r, fd_set *w, fd_set *x, struct timeval *tv)
{
    struct timespec ts, *t = NULL;
    if (tv) {
        if (!uaccess_ok(tv, sizeof *tv, 1))
            return (int)sys_ret(-EFAULT);
        if (tv->tv_sec < 0 || tv->tv_usec < 0)
            return (int)sys_ret(-EINVAL);
        ts.tv_sec = tv->tv_sec + tv->tv_usec / 1000000;
        ts.tv_nsec = (tv->tv_usec % 1000000) * 1000L;
        t = &ts;
    }
    int res = do_select(n, r, w, x, to_ms(t));
    if (tv && res == 0)
        tv->tv_sec = 0, tv->tv_usec = 0;  /* Linux: the time left */
    return res;
}

int pselect(int n, fd_set *r, fd_set *w, fd_set *x, const struct timespec *t,
            const sigset_t *mask)
{
    (void)mask;
    if (t && (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000L))
        return (int)sys_ret(-EINVAL);
    return do_select(n, r, w, x, to_ms(t));
}
