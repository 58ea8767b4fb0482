/*
 * poll() over the fd table: files and the console are always ready (a read
 * or write on them does not wait), sockets are asked of the socket layer
 * (duet_sock_poll, apps with `uses: sockets`), which sleeps until one of
 * them changes or the timeout passes. With files only, a timeout is a sleep.
 */
#include <errno.h>
#include <poll.h>
#include <time.h>
#include "duet/uaccess.h"
#include "duet/vfs.h"
#include "sysret.h"

#define READY_IN (POLLIN | POLLRDNORM)
#define READY_OUT (POLLOUT | POLLWRNORM)

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    if (n > VFS_FD_MAX * 4)  /* Linux: more than RLIMIT_NOFILE entries */
        return (int)sys_ret(-EINVAL);
    if (n && !uaccess_ok(fds, n * sizeof *fds, 1))
        return (int)sys_ret(-EFAULT);
    int ready = 0, sockets = 0;
    for (nfds_t i = 0; i < n; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;
        struct file *f = fd_get(fds[i].fd);
        if (!f)
            fds[i].revents = POLLNVAL;
        else if (f->ops->is_socket)
            sockets++;
        else
            fds[i].revents = (short)(fds[i].events & (READY_IN | READY_OUT));
        ready += fds[i].revents != 0;
    }
    if (sockets && duet_sock_poll)
        return (int)sys_ret(duet_sock_poll(fds, n, ready ? 0 : timeout_ms, ready));
    if (ready || timeout_ms == 0)
        return ready;
    if (timeout_ms < 0)
        for (;;)
            sleep_ms(1000000);  /* nothing can ever become ready */
    sleep_ms(timeout_ms);
    return 0;
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *t, const sigset_t *sigmask)
{
    (void)sigmask;  /* no signal arrives asynchronously */
    if (t && (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000L))
        return (int)sys_ret(-EINVAL);
    long ms = !t ? -1 : t->tv_sec > 2000000 ? 2000000000L
                      : t->tv_sec * 1000L + (t->tv_nsec + 999999L) / 1000000L;
    return poll(fds, n, (int)ms);
}
