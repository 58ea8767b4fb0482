/*
 * The socket layer's own parts (guest/lwip/sys/socket*.c): a socket is a
 * struct file of the guest's fd table whose priv is a struct sock, which
 * holds lwIP's socket number and what Linux remembers that lwIP does not.
 * These files include lwIP's <lwip/sockets.h>; the Linux names they
 * translate to are LX_* (linux_abi.h).
 */
#ifndef DUET_LWIP_SOCKET_H
#define DUET_LWIP_SOCKET_H

#include "duet/vfs.h"
#include "lwip/sockets.h"
#include "linux_abi.h"

struct sock {
    int s;             /* lwIP's socket */
    int type;          /* LX_SOCK_STREAM / LX_SOCK_DGRAM */
    int protocol;      /* LX_IPPROTO_TCP / _UDP */
    int connecting;    /* a non-blocking connect is under way */
    int connected;     /* TCP: it was connected once (a later ENOTCONN is EPIPE) */
    int reset_seen;    /* ECONNRESET was reported once: later sends are EPIPE */
    int shut_wr;       /* shutdown(SHUT_WR): sends are EPIPE */
    int listening;
    int bound;         /* bind() succeeded: a second one is EINVAL */
    int peer_set;      /* UDP: connect() gave a default destination */
    int sndbuf, rcvbuf;   /* what getsockopt reports (Linux doubles what was set) */
};

extern const struct file_ops sock_file_ops;

/* The sock behind fd: 0, -EBADF or -ENOTSOCK. */
int sock_get(int fd, struct file **f, struct sock **k);
/* lwIP's errno after a failed call, as a negative Linux errno. */
int sock_err(void);
/* Wraps lwIP socket s (taking it) into a new fd; the fd or -errno. */
int sock_install(int s, int type, int nonblock, int cloexec);

/* Linux's address in (checked as Linux does: lengths, pointer, family;
 * any_unspec: AF_UNSPEC with INADDR_ANY passes, as for bind) and out. */
int sock_addr_in(const void *ua, socklen_t len, struct sockaddr_in *la, int any_unspec);
int sock_addr_out_ok(void *ua, socklen_t *ulen);
void sock_addr_out(const struct sockaddr_in *la, void *ua, socklen_t *ulen);
/* The data path (sockio.c): a count or -errno. */
ssize_t sock_recv(struct sock *k, void *buf, size_t len, int flags, void *from,
                  socklen_t *fromlen);
ssize_t sock_send(struct sock *k, const void *buf, size_t len, int flags, const void *to,
                  socklen_t tolen);

int sock_setsockopt(struct sock *k, int level, int name, const void *val, socklen_t len);
int sock_getsockopt(struct sock *k, int level, int name, void *val, socklen_t *len);

#endif
