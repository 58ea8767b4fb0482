/*
 * The socket half of poll()/select() (guest/posix/poll.c answers the files):
 * the socket entries go to lwip_poll() under lwIP's numbers and events,
 * which sleeps on a semaphore that lwIP's event callback posts (no polling),
 * and come back with Linux's revents: POLLHUP where Linux says it (an
 * error, or a TCP socket that is not connected).
 */
#include <errno.h>
#include <stdlib.h>
#include "socket.h"

struct lx_pollfd {
    int fd;
    short events, revents;
};

int duet_sock_poll(struct pollfd *fds_in, unsigned long n, int timeout_ms, int ready)
{
    struct lx_pollfd *fds = (struct lx_pollfd *)(void *)fds_in;
    struct pollfd one[32], *lp = one;
    unsigned long *idx, one_idx[32];
    unsigned long m = 0;
    for (unsigned long i = 0; i < n; i++) {
        struct file *f = fds[i].fd >= 0 ? fd_get(fds[i].fd) : NULL;
        m += f && f->ops == &sock_file_ops;
    }
    idx = one_idx;
    if (m > 32) {
        lp = malloc(m * sizeof *lp);
        idx = malloc(m * sizeof *idx);
        if (!lp || !idx) {
            free(lp);
            free(idx);
            return -ENOMEM;
        }
    }
    unsigned long j = 0;
    for (unsigned long i = 0; i < n; i++) {
        struct file *f = fds[i].fd >= 0 ? fd_get(fds[i].fd) : NULL;
        if (!f || f->ops != &sock_file_ops)
            continue;
        struct sock *k = f->priv;
        short ev = 0;
        if (fds[i].events & (LX_POLLIN | LX_POLLRDNORM)) ev |= POLLIN;
        if (fds[i].events & (LX_POLLOUT | LX_POLLWRNORM)) ev |= POLLOUT;
        lp[j] = (struct pollfd){ k->s, ev, 0 };
        idx[j++] = i;
    }
    int r = lwip_poll(lp, (nfds_t)m, timeout_ms);
    int e = r < 0 ? sock_err() : 0;
    if (r >= 0) {
        for (j = 0; j < m; j++) {
            struct lx_pollfd *p = &fds[idx[j]];
            struct file *f = fd_get(p->fd);
            if (!f || f->ops != &sock_file_ops) {  /* another thread closed it meanwhile */
                p->revents = LX_POLLNVAL;
                ready++;
                continue;
            }
            struct sock *k = f->priv;
            short re = 0, lre = (short)lp[j].revents;
            if (lre & POLLIN) re |= p->events & (LX_POLLIN | LX_POLLRDNORM);
            if (lre & POLLOUT) re |= p->events & (LX_POLLOUT | LX_POLLWRNORM);
            if (lre & POLLERR) re |= LX_POLLERR | LX_POLLHUP;
            if (k->type == LX_SOCK_STREAM && !k->connected && !k->connecting && !k->listening)
                re |= LX_POLLHUP | (p->events & LX_POLLOUT);  /* Linux: a closed socket */
            if (k->connecting && (lre & POLLOUT) && !(lre & POLLERR))
                k->connecting = 0, k->connected = 1;
            p->revents = re;
            ready += re != 0;
        }
    }
    if (lp != one) {
        free(lp);
        free(idx);
    }
    return r < 0 ? e : ready;
}
