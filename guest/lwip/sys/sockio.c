/*
 * Data on sockets: send/recv and their to/from and msghdr forms (read and
 * write on a socket come here too), with Linux's checks and errors: EFAULT
 * for a bad buffer, EPIPE (and SIGPIPE unless MSG_NOSIGNAL) once the
 * connection is gone, EDESTADDRREQ for UDP without a destination, EAGAIN.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "duet/uaccess.h"
#include "socket.h"
#include "../../posix/sysret.h"

#define MAX_RW 0x7ffff000u  /* Linux's MAX_RW_COUNT: longer requests are cut */

#define SOCK_OR_RET(fd, f, k) \
    struct file *f; struct sock *k; \
    do { int e_ = sock_get(fd, &f, &k); if (e_ < 0) return sys_ret(e_); } while (0)

static int lwip_msg_flags(int lx, int *nosignal)
{
    int l = 0;
    if (lx & LX_MSG_PEEK) l |= MSG_PEEK;
    if (lx & LX_MSG_DONTWAIT) l |= MSG_DONTWAIT;
    if (lx & LX_MSG_WAITALL) l |= MSG_WAITALL;
    if (lx & LX_MSG_MORE) l |= MSG_MORE;
    if (nosignal)
        *nosignal = (lx & LX_MSG_NOSIGNAL) != 0;
    return l;
}

ssize_t sock_recv(struct sock *k, void *buf, size_t len, int flags, void *from,
                         socklen_t *fromlen)
{
    if (len > MAX_RW)
        len = MAX_RW;
    if (len && !uaccess_ok(buf, len, 1))
        return -EFAULT;
    if (flags & LX_MSG_OOB)
        return -EINVAL;  /* Linux: no urgent data waiting */
    int e = sock_addr_out_ok(from, fromlen);
    if (e < 0)
        return e;
    if (k->type == LX_SOCK_STREAM && !k->connected && !k->connecting)
        return -ENOTCONN;
    struct sockaddr_in la;
    socklen_t llen = sizeof la;
    ssize_t r = lwip_recvfrom(k->s, buf, len, lwip_msg_flags(flags, NULL),
                              from ? (struct sockaddr *)&la : NULL, from ? &llen : NULL);
    if (r < 0) {
        e = sock_err();
        if (e == -EWOULDBLOCK)
            return -EAGAIN;
        if (e == -ECONNRESET)
            k->reset_seen = 1;
        if (e == -ENOTCONN && k->connected)
            return 0;  /* the connection was closed: end of file, as on Linux */
        return e;
    }
    if (from)
        sock_addr_out(&la, from, fromlen);
    if (k->connecting)
        k->connecting = 0, k->connected = 1;
    return r;
}

ssize_t sock_send(struct sock *k, const void *buf, size_t len, int flags, const void *to,
                         socklen_t tolen)
{
    int nosignal;
    if (len > MAX_RW)
        len = MAX_RW;
    if (len && !uaccess_ok(buf, len, 0))
        return -EFAULT;
    int lflags = lwip_msg_flags(flags, &nosignal);
    if (flags & LX_MSG_OOB)
        return -EOPNOTSUPP;
    struct sockaddr_in la;
    ssize_t r;
    if (k->type == LX_SOCK_STREAM) {
        if (k->shut_wr || (!k->connected && !k->connecting) || k->reset_seen)
            r = -EPIPE;
        else if ((r = lwip_send(k->s, buf, len, lflags)) < 0) {
            r = sock_err();
            if (r == -ECONNRESET)
                k->reset_seen = 1;
            else if (r == -ENOTCONN || r == -ECONNABORTED)
                r = -EPIPE;
        }
        if (r == -EPIPE && !nosignal)
            raise(SIGPIPE);
    } else {
        if (to) {
            int e = sock_addr_in(to, tolen, &la, 0);
            if (e < 0)
                return e;
            r = lwip_sendto(k->s, buf, len, lflags, (struct sockaddr *)&la, sizeof la);
        } else if (!k->peer_set) {
            return -EDESTADDRREQ;
        } else {
            r = lwip_sendto(k->s, buf, len, lflags, NULL, 0);
        }
        if (r < 0) {
            r = sock_err();
            if (r == -ENOTCONN && !to)
                r = -EDESTADDRREQ;
        }
    }
    return r == -EWOULDBLOCK ? -EAGAIN : r;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                 socklen_t *fromlen)
{
    SOCK_OR_RET(fd, f, k);
    (void)f;
    return sys_ret(sock_recv(k, buf, len, flags, from, fromlen));
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    return recvfrom(fd, buf, len, flags, NULL, NULL);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
               socklen_t tolen)
{
    SOCK_OR_RET(fd, f, k);
    (void)f;
    return sys_ret(sock_send(k, buf, len, flags, to, tolen));
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
    return sendto(fd, buf, len, flags, NULL, 0);
}

/* msghdr checks shared by sendmsg and recvmsg: the iovecs readable, each
 * buffer usable; their total, or -errno. */
static ssize_t msg_check(const struct lx_msghdr *m, int write)
{
    if (!uaccess_ok(m, sizeof *m, 0))
        return -EFAULT;
    if (m->msg_iovlen > 1024)
        return -EMSGSIZE;
    if (m->msg_iovlen && !uaccess_ok(m->msg_iov, m->msg_iovlen * sizeof *m->msg_iov, 0))
        return -EFAULT;
    size_t total = 0;
    for (size_t i = 0; i < m->msg_iovlen; i++) {
        size_t n = m->msg_iov[i].iov_len;
        if ((ssize_t)n < 0 || total + n < total)
            return -EINVAL;
        if (n && !uaccess_ok(m->msg_iov[i].iov_base, n, write))
            return -EFAULT;
        total += n;
    }
    return (ssize_t)total;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    SOCK_OR_RET(fd, f, k);
    (void)f;
    const struct lx_msghdr *m = (const void *)msg;
    ssize_t total = msg_check(m, 0);
    if (total < 0)
        return sys_ret(total);
    if (k->type == LX_SOCK_STREAM || m->msg_iovlen <= 1) {
        /* TCP: one send per piece, stopping at a short one (a stream may) */
        ssize_t done = 0;
        for (size_t i = 0; i < m->msg_iovlen || (i == 0 && k->type != LX_SOCK_STREAM); i++) {
            const void *b = m->msg_iovlen ? m->msg_iov[i].iov_base : NULL;
            size_t n = m->msg_iovlen ? m->msg_iov[i].iov_len : 0;
            ssize_t r = sock_send(k, b, n, flags, m->msg_name, m->msg_namelen);
            if (r < 0)
                return done ? done : sys_ret(r);
            done += r;
            if ((size_t)r < n)
                break;
        }
        return done;
    }
    /* UDP with several pieces: one datagram, gathered */
    char *b = malloc(total ? (size_t)total : 1);
    if (!b)
        return sys_ret(-ENOMEM);
    size_t off = 0;
    for (size_t i = 0; i < m->msg_iovlen; i++) {
        memcpy(b + off, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
        off += m->msg_iov[i].iov_len;
    }
    ssize_t r = sock_send(k, b, off, flags, m->msg_name, m->msg_namelen);
    free(b);
    return sys_ret(r);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    SOCK_OR_RET(fd, f, k);
    (void)f;
    struct lx_msghdr *m = (void *)msg;
    ssize_t total = msg_check(m, 1);
    if (total < 0)
        return sys_ret(total);
    if (!uaccess_ok(m, sizeof *m, 1))
        return sys_ret(-EFAULT);
    socklen_t nl = m->msg_namelen;
    if (m->msg_name && !uaccess_ok(m->msg_name, nl, 1))
        return sys_ret(-EFAULT);
    ssize_t r;
    if (m->msg_iovlen <= 1) {
        r = sock_recv(k, m->msg_iovlen ? m->msg_iov[0].iov_base : NULL,
                      m->msg_iovlen ? m->msg_iov[0].iov_len : 0, flags, m->msg_name, &nl);
    } else {
        char *b = malloc(total ? (size_t)total : 1);
        if (!b)
            return sys_ret(-ENOMEM);
        r = sock_recv(k, b, (size_t)total, flags, m->msg_name, &nl);
        for (size_t i = 0, off = 0; r > 0 && i < m->msg_iovlen && off < (size_t)r; i++) {
            size_t n = m->msg_iov[i].iov_len < (size_t)r - off ? m->msg_iov[i].iov_len
                                                                : (size_t)r - off;
            memcpy(m->msg_iov[i].iov_base, b + off, n);
            off += n;
        }
        free(b);
    }
    if (r < 0)
        return sys_ret(r);
    if (m->msg_name)
        m->msg_namelen = nl;
    m->msg_controllen = 0;  /* no ancillary data */
    m->msg_flags = 0;
    return r;
}

