/* epoll over poll(): an epoll fd holds its interest list; epoll_wait polls
 * the list (files, and sockets through the socket layer: sleeping, not
 * spinning) and reports ready entries with their data. An entry whose fd
 * was closed (or now names another file) drops out, as on Linux. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "duet/uaccess.h"
#include "duet/vfs.h"
#include "sysret.h"

struct entry {
    int fd;
    struct file *file;
    struct epoll_event ev;
    int disarmed;  /* EPOLLONESHOT fired: until EPOLL_CTL_MOD */
};

struct epoll {
    struct entry *e;
    int n, cap;
};

static void ep_close(struct file *f)
{
    struct epoll *ep = f->priv;
    free(ep->e);
    free(ep);
}

static const struct file_ops epoll_ops = { .close = ep_close };

int epoll_create1(int flags)
{
    if (flags & ~EPOLL_CLOEXEC)
        return (int)sys_ret(-EINVAL);
    struct epoll *ep = calloc(1, sizeof *ep);
    struct file *f = ep ? file_new(&epoll_ops, O_RDWR, NULL) : NULL;
    if (!f) {
        free(ep);
        return (int)sys_ret(-ENOMEM);
    }
    f->priv = ep;
    int fd = fd_install(f, 0, flags & EPOLL_CLOEXEC);
    if (fd < 0) {
        f->refs = 1;
        file_put(f);
    }
    return (int)sys_ret(fd);
}

int epoll_create(int size)
{
    return size <= 0 ? (int)sys_ret(-EINVAL) : epoll_create1(0);
}

static struct epoll *epoll_of(int epfd, int *err)
{
    struct file *f = fd_get(epfd);
    *err = !f ? -EBADF : f->ops != &epoll_ops ? -EINVAL : 0;
    return *err ? NULL : f->priv;
}

/* Drops entries whose fd was closed or reused for another file. */
static void prune(struct epoll *ep)
{
    int j = 0;
    for (int i = 0; i < ep->n; i++)
        if (fd_get(ep->e[i].fd) == ep->e[i].file)
            ep->e[j++] = ep->e[i];
    ep->n = j;
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
    int e;
    struct epoll *ep = epoll_of(epfd, &e);
    if (!ep)
        return (int)sys_ret(e);
    struct file *f = fd_get(fd);
    if (!f)
        return (int)sys_ret(-EBADF);
    if (fd == epfd || f->ops == &epoll_ops)
        return (int)sys_ret(-EINVAL);  /* no nesting here */
    if (f->node)
        return (int)sys_ret(-EPERM);  /* Linux: files and directories cannot be polled */
    if (op != EPOLL_CTL_DEL && !uaccess_ok(ev, sizeof *ev, 0))
        return (int)sys_ret(-EFAULT);
    prune(ep);
    int i = 0;
    while (i < ep->n && ep->e[i].fd != fd)
        i++;
    switch (op) {
    case EPOLL_CTL_ADD:
        if (i < ep->n)
            return (int)sys_ret(-EEXIST);
        if (ep->n == ep->cap) {
            int cap = ep->cap ? ep->cap * 2 : 8;
            struct entry *ne = realloc(ep->e, sizeof *ne * (size_t)cap);
            if (!ne)
                return (int)sys_ret(-ENOMEM);
            ep->e = ne, ep->cap = cap;
        }
        ep->e[ep->n++] = (struct entry){ fd, f, *ev, 0 };
        return 0;
    case EPOLL_CTL_MOD:
        if (i == ep->n)
            return (int)sys_ret(-ENOENT);
        ep->e[i].ev = *ev;
        ep->e[i].disarmed = 0;
        return 0;
    case EPOLL_CTL_DEL:
        if (i == ep->n)
            return (int)sys_ret(-ENOENT);
        ep->e[i] = ep->e[--ep->n];
        return 0;
    default:
        return (int)sys_ret(-EINVAL);
    }
}

int epoll_wait(int epfd, struct epoll_event *out, int max, int timeout)
{
    int e;
    struct epoll *ep = epoll_of(epfd, &e);
    if (!ep)
        return (int)sys_ret(e);
    if (max <= 0)
        return (int)sys_ret(-EINVAL);
    if (!uaccess_ok(out, sizeof *out * (size_t)max, 1))
        return (int)sys_ret(-EFAULT);
    prune(ep);
    int n = ep->n;
    struct pollfd *p = calloc((size_t)(n ? n : 1), sizeof *p);
    if (!p)
        return (int)sys_ret(-ENOMEM);
    for (int i = 0; i < n; i++) {
        short want = (short)(ep->e[i].ev.events & (EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLRDNORM |
                                                   EPOLLWRNORM));
        p[i] = (struct pollfd){ ep->e[i].disarmed ? -1 : ep->e[i].fd, want, 0 };
    }
    int r = poll(p, (nfds_t)n, timeout);
    int got = 0;
    for (int i = 0; r > 0 && i < n && got < max; i++) {
        uint32_t re = (uint32_t)p[i].revents & (ep->e[i].ev.events | EPOLLERR | EPOLLHUP);
        if (!re || p[i].fd < 0)
            continue;
        out[got].events = re;
        out[got].data = ep->e[i].ev.data;
        got++;
        if (ep->e[i].ev.events & EPOLLONESHOT)
            ep->e[i].disarmed = 1;
    }
    free(p);
    return r < 0 ? -1 : got;
}
