/* `chaos [N [SEED]]`: N random socket calls with random fds (open sockets, files,
 * closed and absurd numbers), lengths (0, short, exact, -1, huge) and
 * pointers (NULL, unmapped, a real buffer): every one must return, with
 * -1/errno or a result, and never crash or hang. Sockets are non-blocking
 * and receives MSG_DONTWAIT, so nothing waits for long. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>
#include "socktest.h"

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static char buf[4096];
static int pool[32], npool;

static int any_fd(void)
{
    static const int odd[] = { -1, -100, 3, 99, 255, 256, 100000 };
    if (npool && rnd(4))
        return pool[rnd((unsigned)npool)];
    return odd[rnd(sizeof odd / sizeof *odd)];
}

static void *any_ptr(size_t want)
{
    switch (rnd(4)) {
    case 0: return NULL;
    case 1: return (void *)16;
    default: return want <= sizeof buf ? buf : (void *)16;
    }
}

static size_t any_len(void)
{
    static const size_t lens[] = { 0, 1, 3, 15, 16, 17, 128, 129, 4096, (size_t)-1, 1u << 31 };
    return lens[rnd(sizeof lens / sizeof *lens)];
}

/* A socket address in buf (sometimes bad): to the peer's closed port 1, or any. */
static struct sockaddr *any_addr(socklen_t *len)
{
    struct sockaddr_in *a = (struct sockaddr_in *)(void *)(buf + 2048);
    memset(a, 0, sizeof *a);
    a->sin_family = rnd(8) ? AF_INET : (sa_family_t)rnd(40);
    a->sin_port = htons(rnd(2) ? 1 : (unsigned short)(5100 + rnd(4)));
    a->sin_addr = rnd(2) ? peer : (struct in_addr){ htonl(INADDR_ANY) };
    *len = rnd(4) ? sizeof *a : (socklen_t)any_len();
    int r = (int)rnd(8);
    return r == 0 ? NULL : r == 1 ? (struct sockaddr *)16 : (struct sockaddr *)a;
}

int mode_chaos(int n, int seed)
{
    rng += (unsigned long long)seed * 0x2545f4914f6cdd1dULL;
    int calls = 0, ok = 0;
    for (int i = 0; i < n; i++) {
        socklen_t len, *lenp = rnd(6) ? &len : rnd(2) ? NULL : (socklen_t *)16;
        len = (socklen_t)(rnd(3) ? 16 : any_len());
        int fd = any_fd(), r = -1;
        struct sockaddr *sa;
        socklen_t salen;
        switch (rnd(20)) {
        case 0: case 1:
            if (npool < 32) {
                r = socket(AF_INET, (rnd(2) ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK,
                           rnd(6) ? 0 : (int)rnd(20));
                if (r >= 0)
                    pool[npool++] = r;
            }
            break;
        case 2: sa = any_addr(&salen); r = bind(fd, sa, salen); break;
        case 3: sa = any_addr(&salen); r = connect(fd, sa, salen); break;
        case 4: r = listen(fd, (int)rnd(5) - 1); break;
        case 5:
            r = accept4(fd, any_ptr(16), lenp, rnd(4) ? SOCK_NONBLOCK : (int)rnd(0x100000));
            if (r >= 0 && npool < 32)
                pool[npool++] = r;
            else if (r >= 0)
                close(r);
            break;
        case 6: r = (int)send(fd, any_ptr(16), any_len() % 4097, MSG_DONTWAIT | MSG_NOSIGNAL); break;
        case 7: r = (int)recv(fd, any_ptr(4096), any_len() % 4097, MSG_DONTWAIT); break;
        case 8:
            sa = any_addr(&salen);
            r = (int)sendto(fd, any_ptr(16), rnd(64), MSG_DONTWAIT | MSG_NOSIGNAL, sa, salen);
            break;
        case 9:
            r = (int)recvfrom(fd, any_ptr(4096), rnd(4096), MSG_DONTWAIT, any_ptr(16), lenp);
            break;
        case 10: {
            static const int names[][2] = { { SOL_SOCKET, SO_REUSEADDR }, { SOL_SOCKET, SO_RCVBUF },
                                            { SOL_SOCKET, SO_RCVTIMEO }, { IPPROTO_TCP, TCP_NODELAY },
                                            { SOL_SOCKET, SO_LINGER }, { 999, 1 }, { SOL_SOCKET, 9999 } };
            int k = (int)rnd(7);
            memset(buf, 0, 64);
            if (rnd(2))
                r = setsockopt(fd, names[k][0], names[k][1], any_ptr(16), (socklen_t)any_len());
            else
                r = getsockopt(fd, names[k][0], names[k][1], any_ptr(16), lenp);
            break;
        }
        case 11: r = getsockname(fd, any_ptr(16), lenp); break;
        case 12: r = getpeername(fd, any_ptr(16), lenp); break;
        case 13: r = shutdown(fd, (int)rnd(5) - 1); break;
        case 14:
            if (fd > 2 && rnd(3) == 0) {
                r = close(fd);
                for (int j = 0; j < npool; j++)
                    if (pool[j] == fd)
                        pool[j] = pool[--npool];
            }
            break;
        case 15: {
            struct pollfd p[3] = { { any_fd(), POLLIN | POLLOUT, 0 }, { any_fd(), POLLIN, 0 },
                                   { fd, (short)rnd(0x40), 0 } };
            r = poll(rnd(8) ? p : (struct pollfd *)16, rnd(4), 0);
            break;
        }
        case 16: {
            fd_set rs;
            FD_ZERO(&rs);
            if (fd >= 0 && fd < FD_SETSIZE)
                FD_SET(fd, &rs);
            struct timeval tv = { 0, 0 };
            r = select(rnd(8) ? (fd >= 0 && fd < FD_SETSIZE ? fd + 1 : 0) : (int)any_len(),
                       rnd(8) ? &rs : (fd_set *)16, NULL, NULL, &tv);
            break;
        }
        case 17: r = fcntl(fd, F_SETFL, O_NONBLOCK); break;
        case 18: {
            int on = 1;
            r = ioctl(fd, rnd(2) ? FIONBIO : FIONREAD, rnd(4) ? (void *)&on : (void *)16);
            break;
        }
        case 19: {
            struct iovec iov[2] = { { buf, rnd(64) }, { rnd(2) ? buf : (void *)16, rnd(64) } };
            struct msghdr m;
            memset(&m, 0, sizeof m);
            m.msg_iov = rnd(8) ? iov : (struct iovec *)16;
            m.msg_iovlen = rnd(8) ? 1 + rnd(2) : any_len();
            sa = any_addr(&salen);
            m.msg_name = sa, m.msg_namelen = salen;
            r = (int)(rnd(2) ? sendmsg(fd, rnd(8) ? &m : (struct msghdr *)16,
                                       MSG_DONTWAIT | MSG_NOSIGNAL)
                             : recvmsg(fd, rnd(8) ? &m : (struct msghdr *)16, MSG_DONTWAIT));
            break;
        }
        }
        calls++;
        ok += r >= 0;
    }
    for (int j = 0; j < npool; j++)
        close(pool[j]);
    printf("chaos: %d calls, %d succeeded, the rest failed with an errno; no crash\n", calls, ok);
    return failures;
}
