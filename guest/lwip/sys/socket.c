/*
 * BSD sockets in the guest's fd table (apps with `uses: sockets`): each call
 * checks its fd, lengths and pointers as Linux does, translates Linux's
 * addresses and flags to lwIP's, calls lwip_*() and turns lwIP's errors into
 * the errno Linux gives in the same case (a refused connect is ECONNREFUSED,
 * unanswered SYNs ETIMEDOUT, ...). Data calls: sockio.c; options: sockopt.c.
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
int sock_addr_in(const void *ua, socklen_t len, struct sockaddr_in *la, int any_unspec)
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
int sock_addr_out_ok(void *ua, socklen_t *ulen)
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
void sock_addr_out(const struct sockaddr_in *la, void *ua, socklen_t *ulen)
{
    if (!ua)
        return;
    struct lx_sockaddr_in a = { LX_AF_INET, la->sin_port, la->sin_addr.s_addr, { 0 } };
    memcpy(ua, &a, *ulen < sizeof a ? *ulen : sizeof a);
    *ulen = sizeof a;
}

/* --- the fd side -------------------------------------------------------- */

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
    int e = sock_addr_in(addr, len, &la, 1);
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
    int e = sock_addr_out_ok(addr, len);
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
    sock_addr_out(&peer, addr, len);
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
    int e = sock_addr_in(addr, len, &la, 0);
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

static int name_of(int fd, struct sockaddr *addr, socklen_t *len, int local)
{
    SOCK_OR_RET(fd, f, k);
    (void)f;
    if (!addr || !len)
        return (int)sys_ret(-EFAULT);
    int e = sock_addr_out_ok(addr, len);
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
    sock_addr_out(&la, addr, len);
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
