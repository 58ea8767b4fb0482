/*
 * BSD sockets in the guest's fd table (apps with `uses: sockets`): each call
 * checks its fd, lengths and pointers as Linux does, translates Linux's
 * addresses and flags to lwIP's, calls lwip_*() and turns lwIP's errors into
 * the errno Linux gives in the same case (a refused connect is ECONNREFUSED,
 * a send after the connection went away EPIPE with SIGPIPE, ...).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "duet/uaccess.h"
#include "socket.h"
#include "../../posix/sysret.h"

#define MAX_RW 0x7ffff000u  /* Linux's MAX_RW_COUNT: longer requests are cut */

int sock_err(void)
{
    return errno > 0 ? -errno : -EIO;
}

int sock_get(int fd, struct file **f, struct sock **k)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    if (file->ops != &sock_file_ops)
        return -ENOTSOCK;
    if (f)
        *f = file;
    *k = file->priv;
    return 0;
}

#define SOCK_OR_RET(fd, f, k) \
    struct file *f; struct sock *k; \
    do { int e_ = sock_get(fd, &f, &k); if (e_ < 0) return sys_ret(e_); } while (0)

/* --- addresses ---------------------------------------------------------- */

/* A program's address into lwIP's, checked as Linux's inet_bind/connect do. */
static int addr_in(const void *ua, socklen_t len, struct sockaddr_in *la, int any_unspec)
{
    if ((int)len < 0 || len > LX_SOCKADDR_MAX)
        return -EINVAL;
    if (len && !uaccess_ok(ua, len, 0))
        return -EFAULT;
    if (len < sizeof(struct lx_sockaddr_in))
        return -EINVAL;
    struct lx_sockaddr_in a;
    memcpy(&a, ua, sizeof a);
    /* bind() takes AF_UNSPEC with INADDR_ANY for AF_INET, as Linux does. */
    if (a.sin_family != LX_AF_INET && !(any_unspec && a.sin_family == LX_AF_UNSPEC &&
                                        a.sin_addr == 0))
        return -EAFNOSUPPORT;
    memset(la, 0, sizeof *la);
    la->sin_len = sizeof *la;
    la->sin_family = AF_INET;
    la->sin_port = a.sin_port;
    la->sin_addr.s_addr = a.sin_addr;
    return 0;
}

/* Checks a (addr, *len) result pair before the call fills it. */
static int addr_out_ok(void *ua, socklen_t *ulen)
{
    if (!ua)
        return 0;
    if (!uaccess_ok(ulen, sizeof *ulen, 1))
        return -EFAULT;
    if ((int)*ulen < 0)
        return -EINVAL;
    if (*ulen && !uaccess_ok(ua, *ulen, 1))
        return -EFAULT;
    return 0;
}

/* lwIP's address out as Linux's, cut to *ulen, with the full length back. */
static void addr_out(const struct sockaddr_in *la, void *ua, socklen_t *ulen)
{
    if (!ua)
        return;
    struct lx_sockaddr_in a = { LX_AF_INET, la->sin_port, la->sin_addr.s_addr, { 0 } };
    memcpy(ua, &a, *ulen < sizeof a ? *ulen : sizeof a);
    *ulen = sizeof a;
}

/* --- the fd side -------------------------------------------------------- */

static ssize_t sock_recv(struct sock *k, void *buf, size_t len, int flags, void *from,
                         socklen_t *fromlen);
static ssize_t sock_send(struct sock *k, const void *buf, size_t len, int flags, const void *to,
                         socklen_t tolen);

static ssize_t file_read(struct file *f, void *buf, size_t len)
{
    return sock_recv(f->priv, buf, len, 0, NULL, NULL);
}

static ssize_t file_write(struct file *f, const void *buf, size_t len)
{
    return sock_send(f->priv, buf, len, 0, NULL, 0);
}

static int file_fstat(struct file *f, struct stat *st)
{
    (void)f;
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFSOCK | 0777;
    st->st_blksize = 4096;
    return 0;
}

static void file_close(struct file *f)
{
    struct sock *k = f->priv;
    lwip_close(k->s);
    free(k);
}

static int file_setfl(struct file *f, int flags)
{
    struct sock *k = f->priv;
    return lwip_fcntl(k->s, F_SETFL, (flags & O_NONBLOCK) ? O_NONBLOCK : 0) < 0 ? sock_err() : 0;
}

static int file_ioctl(struct file *f, unsigned long req, void *arg)
{
    struct sock *k = f->priv;
    if (!uaccess_ok(arg, sizeof(int), req == LX_FIONREAD))
        return -EFAULT;
    if (req == LX_FIONBIO) {
        int on = *(int *)arg != 0;
        f->flags = on ? (f->flags | O_NONBLOCK) : (f->flags & ~O_NONBLOCK);
        return file_setfl(f, f->flags);
    }
    if (req == LX_FIONREAD) {
        int n = 0;
        if (lwip_ioctl(k->s, FIONREAD, &n) < 0) {
            int e = sock_err();
            if (e != -ENOTCONN && e != -EAGAIN)  /* nothing queued: 0, as Linux says */
                return e;
            n = 0;
        }
        *(int *)arg = n;
        return 0;
    }
    return -ENOTTY;
}

const struct file_ops sock_file_ops = {
    .read = file_read, .write = file_write, .fstat = file_fstat, .close = file_close,
    .setfl = file_setfl, .ioctl = file_ioctl, .is_socket = 1,
};

int sock_install(int s, int type, int nonblock, int cloexec)
{
    struct sock *k = calloc(1, sizeof *k);
    struct file *f = k ? file_new(&sock_file_ops, O_RDWR | (nonblock ? O_NONBLOCK : 0), NULL)
                       : NULL;
    if (!f) {
        free(k);
        lwip_close(s);
        return -ENOMEM;
    }
    k->s = s;
    k->type = type;
    k->protocol = type == LX_SOCK_STREAM ? LX_IPPROTO_TCP : LX_IPPROTO_UDP;
    f->priv = k;
    if (nonblock)
        lwip_fcntl(s, F_SETFL, O_NONBLOCK);
    int fd = fd_install(f, 0, cloexec);
    if (fd < 0) {
        f->refs = 1;
        file_put(f);
    }
    return fd;
}

/* --- the calls ---------------------------------------------------------- */

int socket(int domain, int type, int protocol)
{
    int flags = type & (LX_SOCK_NONBLOCK | LX_SOCK_CLOEXEC);
    type &= ~flags;
    if (domain != LX_AF_INET)
        return (int)sys_ret(-EAFNOSUPPORT);  /* lwIP is built IPv4 only; no AF_UNIX */
    if (type != LX_SOCK_STREAM && type != LX_SOCK_DGRAM)
        return (int)sys_ret(type >= 1 && type <= 10 ? -EPROTONOSUPPORT : -EINVAL);
    int want = type == LX_SOCK_STREAM ? LX_IPPROTO_TCP : LX_IPPROTO_UDP;
    if (protocol != 0 && protocol != want)
        return (int)sys_ret(-EPROTONOSUPPORT);
    int s = lwip_socket(AF_INET, type == LX_SOCK_STREAM ? SOCK_STREAM : SOCK_DGRAM, 0);
    if (s < 0)
        return (int)sys_ret(errno == ENFILE ? -ENFILE : sock_err());
    return (int)sys_ret(sock_install(s, type, flags & LX_SOCK_NONBLOCK, flags & LX_SOCK_CLOEXEC));
}

int socketpair(int domain, int type, int protocol, int sv[2])
{
    (void)type; (void)protocol; (void)sv;
    /* Only AF_UNIX has pairs on Linux, and the guest has no AF_UNIX. */
    return (int)sys_ret(domain == 1 ? -EOPNOTSUPP : -EAFNOSUPPORT);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    SOCK_OR_RET(fd, f, k);
    struct sockaddr_in la;
    int e = addr_in(addr, len, &la, 1);
    if (e < 0)
        return (int)sys_ret(e);
    if (k->bound || k->connected)
        return (int)sys_ret(-EINVAL);  /* Linux: bound already */
    if (lwip_bind(k->s, (struct sockaddr *)&la, sizeof la) < 0)
        return (int)sys_ret(sock_err() == -EIO ? -EINVAL : sock_err());
    k->bound = 1;
    (void)f;
    return 0;
}

int listen(int fd, int backlog)
{
    SOCK_OR_RET(fd, f, k);
    (void)f;
    if (k->type != LX_SOCK_STREAM)
        return (int)sys_ret(-EOPNOTSUPP);
    if (k->connected || k->connecting)
        return (int)sys_ret(-EINVAL);
    if (backlog < 0 || backlog > 255)
        backlog = 255;  /* Linux: SOMAXCONN; lwIP keeps a u8 */
    if (lwip_listen(k->s, backlog) < 0)
        return (int)sys_ret(sock_err());
    k->listening = 1;
    return 0;
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    SOCK_OR_RET(fd, f, k);
    (void)f;
    if (flags & ~(LX_SOCK_NONBLOCK | LX_SOCK_CLOEXEC))
        return (int)sys_ret(-EINVAL);
    if (k->type != LX_SOCK_STREAM)
        return (int)sys_ret(-EOPNOTSUPP);
    if (!k->listening)
        return (int)sys_ret(-EINVAL);
    int e = addr_out_ok(addr, len);
    if (e < 0)
        return (int)sys_ret(e);
    struct sockaddr_in peer;
    socklen_t plen = sizeof peer;
    int s = lwip_accept(k->s, (struct sockaddr *)&peer, &plen);
    if (s < 0) {
        e = sock_err();
        return (int)sys_ret(e == -EWOULDBLOCK ? -EAGAIN : e);
    }
    int nfd = sock_install(s, LX_SOCK_STREAM, flags & LX_SOCK_NONBLOCK, flags & LX_SOCK_CLOEXEC);
    if (nfd < 0)
        return (int)sys_ret(nfd);
    struct sock *nk;
    sock_get(nfd, NULL, &nk);
    nk->connected = 1;
    nk->bound = 1;
    addr_out(&peer, addr, len);
    return nfd;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    return accept4(fd, addr, len, 0);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    SOCK_OR_RET(fd, f, k);
    struct sockaddr_in la;
    if ((int)len < 0 || len > LX_SOCKADDR_MAX)
        return (int)sys_ret(-EINVAL);
    if (len && !uaccess_ok(addr, len, 0))
        return (int)sys_ret(-EFAULT);
    if (len >= 2 && ((const struct lx_sockaddr_in *)(const void *)addr)->sin_family ==
                        LX_AF_UNSPEC) {
        if (k->type != LX_SOCK_DGRAM)
            return (int)sys_ret(-EOPNOTSUPP);  /* not for a TCP socket here */
        struct sockaddr un = { sizeof un, AF_UNSPEC, { 0 } };
        k->peer_set = 0;
        return lwip_connect(k->s, &un, sizeof un) < 0 ? (int)sys_ret(sock_err()) : 0;
    }
    int e = addr_in(addr, len, &la, 0);
    if (e < 0)
        return (int)sys_ret(e);
    if (k->listening)
        return (int)sys_ret(-EISCONN);
    if (lwip_connect(k->s, (struct sockaddr *)&la, sizeof la) == 0) {
        k->connected = k->type == LX_SOCK_STREAM;
        k->peer_set = k->type == LX_SOCK_DGRAM;
        k->bound = 1;
        k->connecting = 0;
        return 0;
    }
    e = sock_err();
    if (k->type == LX_SOCK_STREAM) {
        if (e == -EINPROGRESS)
            k->connecting = 1;
        else if (e == -EISCONN && k->connecting)
            k->connecting = 0, k->connected = 1;
        else if ((e == -ECONNRESET || e == -ECONNABORTED) && !k->connected) {
            /* lwIP reports the peer's RST to a SYN as a reset (Linux: refused)
             * and SYNs never answered as an abort (Linux: timed out) */
            k->connecting = 0;
            e = e == -ECONNRESET ? -ECONNREFUSED : -ETIMEDOUT;
        } else if (e == -EALREADY || e == -EISCONN) {
            /* as lwIP says */
        } else if (k->connecting) {
            k->connecting = 0;
        }
        if (e == -EISCONN && !k->connected)
            k->connected = 1;
    }
    (void)f;
    return (int)sys_ret(e);
}

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

static ssize_t sock_recv(struct sock *k, void *buf, size_t len, int flags, void *from,
                         socklen_t *fromlen)
{
    if (len > MAX_RW)
        len = MAX_RW;
    if (len && !uaccess_ok(buf, len, 1))
        return -EFAULT;
    if (flags & LX_MSG_OOB)
        return -EINVAL;  /* Linux: no urgent data waiting */
    int e = addr_out_ok(from, fromlen);
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
        addr_out(&la, from, fromlen);
    if (k->connecting)
        k->connecting = 0, k->connected = 1;
    return r;
}

static ssize_t sock_send(struct sock *k, const void *buf, size_t len, int flags, const void *to,
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
            int e = addr_in(to, tolen, &la, 0);
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

static int name_of(int fd, struct sockaddr *addr, socklen_t *len, int local)
{
    SOCK_OR_RET(fd, f, k);
    (void)f;
    if (!addr || !len)
        return (int)sys_ret(-EFAULT);
    int e = addr_out_ok(addr, len);
    if (e < 0)
        return (int)sys_ret(e);
    struct sockaddr_in la;
    socklen_t llen = sizeof la;
    int r = local ? lwip_getsockname(k->s, (struct sockaddr *)&la, &llen)
                  : lwip_getpeername(k->s, (struct sockaddr *)&la, &llen);
    if (r < 0) {
        e = sock_err();
        if (!local && (e == -EINVAL || e == -ENOTCONN || e == -EIO))
            e = -ENOTCONN;
        return (int)sys_ret(e);
    }
    if (!local && k->type == LX_SOCK_STREAM && !k->connected)
        return (int)sys_ret(-ENOTCONN);
    addr_out(&la, addr, len);
    return 0;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len) { return name_of(fd, addr, len, 1); }
int getpeername(int fd, struct sockaddr *addr, socklen_t *len) { return name_of(fd, addr, len, 0); }

int shutdown(int fd, int how)
{
    SOCK_OR_RET(fd, f, k);
    (void)f;
    if (how < 0 || how > 2)
        return (int)sys_ret(-EINVAL);
    if (k->type == LX_SOCK_STREAM && !k->connected && !k->connecting)
        return (int)sys_ret(-ENOTCONN);
    if (lwip_shutdown(k->s, how) < 0) {
        int e = sock_err();
        if (e != -ENOTCONN)  /* the peer closed already: Linux still says 0 */
            return (int)sys_ret(e);
    }
    if (how != 0)
        k->shut_wr = 1;
    return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    SOCK_OR_RET(fd, f, k);
    (void)f;
    if ((int)len < 0)
        return (int)sys_ret(-EINVAL);
    if (len && !uaccess_ok(val, len, 0))
        return (int)sys_ret(-EFAULT);
    return (int)sys_ret(sock_setsockopt(k, level, name, val, len));
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    SOCK_OR_RET(fd, f, k);
    (void)f;
    if (!uaccess_ok(len, sizeof *len, 1))
        return (int)sys_ret(-EFAULT);
    if ((int)*len < 0)
        return (int)sys_ret(-EINVAL);
    if (*len && !uaccess_ok(val, *len, 1))
        return (int)sys_ret(-EFAULT);
    return (int)sys_ret(sock_getsockopt(k, level, name, val, len));
}
