/* `errors`: every socket call with bad fds, lengths, addresses and options,
 * and connects to a closed port, each against the errno Linux gives. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "socktest.h"

#define BAD ((void *)16)  /* mapped nowhere, on Linux and in the guest */

static struct sockaddr_in addr(struct in_addr ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr = ip;
    return a;
}

static void bad_fds(void)
{
    char buf[16];
    int file = open("/tmp/socktest.file", O_CREAT | O_RDWR | O_TRUNC, 0600);
    check("recv fd -1", err(recv(-1, buf, sizeof buf, 0)), "EBADF");
    check("send fd 999", err(send(999, buf, sizeof buf, 0)), "EBADF");
    check("accept fd -1", err(accept(-1, NULL, NULL)), "EBADF");
    check("connect fd 200", err(connect(200, NULL, 0)), "EBADF");
    check("getsockopt fd -5", err(getsockopt(-5, SOL_SOCKET, SO_TYPE, buf, NULL)), "EBADF");
    check("shutdown fd 77", err(shutdown(77, SHUT_RD)), "EBADF");
    check("recv on a file", err(recv(file, buf, sizeof buf, 0)), "ENOTSOCK");
    check("sendto on a file", err(sendto(file, buf, 1, 0, NULL, 0)), "ENOTSOCK");
    check("accept on a file", err(accept(file, NULL, NULL)), "ENOTSOCK");
    check("listen on a file", err(listen(file, 1)), "ENOTSOCK");
    check("getsockname on a file", err(getsockname(file, NULL, NULL)), "ENOTSOCK");
    check("setsockopt on a file", err(setsockopt(file, SOL_SOCKET, SO_REUSEADDR, buf, 4)),
          "ENOTSOCK");
    check("shutdown on a file", err(shutdown(file, SHUT_RDWR)), "ENOTSOCK");
    close(file);
    unlink("/tmp/socktest.file");
}

static void creation(void)
{
    check("socket family 12345", err(socket(12345, SOCK_STREAM, 0)), "EAFNOSUPPORT");
    check("socket type 99", err(socket(AF_INET, 99, 0)), "EINVAL");
    check("socket stream, protocol UDP", err(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)),
          "EPROTONOSUPPORT");
    check("socket dgram, protocol TCP", err(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP)),
          "EPROTONOSUPPORT");
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    check("SOCK_NONBLOCK gives O_NONBLOCK", (fcntl(s, F_GETFL) & O_NONBLOCK) ? "yes" : "no",
          "yes");
    check("SOCK_CLOEXEC gives FD_CLOEXEC", (fcntl(s, F_GETFD) & FD_CLOEXEC) ? "yes" : "no",
          "yes");
    close(s);
    check("close it again", err(close(s)), "EBADF");
}

static void binding(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = addr((struct in_addr){ htonl(INADDR_ANY) }, 5001);
    check("bind, length 3", err(bind(s, (struct sockaddr *)&a, 3)), "EINVAL");
    check("bind, length 200", err(bind(s, (struct sockaddr *)&a, 200)), "EINVAL");
    check("bind, NULL address", err(bind(s, NULL, sizeof a)), "EFAULT");
    check("bind, bad address", err(bind(s, BAD, sizeof a)), "EFAULT");
    struct sockaddr_in six = a;
    six.sin_family = AF_INET6;
    check("bind, AF_INET6 address", err(bind(s, (struct sockaddr *)&six, sizeof six)),
          "EAFNOSUPPORT");
    check("bind port 5001", err(bind(s, (struct sockaddr *)&a, sizeof a)), "ok 0");
    check("bind it again", err(bind(s, (struct sockaddr *)&a, sizeof a)), "EINVAL");
    check("bind 5001 from another socket", err(bind(t, (struct sockaddr *)&a, sizeof a)),
          "EADDRINUSE");
    check("listen", err(listen(s, 4)), "ok 0");
    check("listen on UDP", err(listen(socket(AF_INET, SOCK_DGRAM, 0), 1)), "EOPNOTSUPP");
    int one = 1;
    socklen_t len = sizeof one;
    getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &one, &len);
    check("SO_ACCEPTCONN after listen", one ? "1" : "0", "1");
    fcntl(s, F_SETFL, O_NONBLOCK);
    check("accept, nobody waiting, O_NONBLOCK", err(accept(s, NULL, NULL)), "EAGAIN");
    check("accept4, bad flags", err(accept4(s, NULL, NULL, 0x1234)), "EINVAL");
    check("accept on a socket not listening", err(accept(t, NULL, NULL)), "EINVAL");
    check("getsockname, NULL address", err(getsockname(s, NULL, &len)), "EFAULT");
    check("getsockname, bad length pointer", err(getsockname(s, (struct sockaddr *)&a, BAD)),
          "EFAULT");
    len = (socklen_t)-1;
    check("getsockname, length -1", err(getsockname(s, (struct sockaddr *)&a, &len)), "EINVAL");
    len = 4;
    memset(&a, 0xee, sizeof a);
    check("getsockname, length 4 (cut)", err(getsockname(s, (struct sockaddr *)&a, &len)), "ok 0");
    check("... the whole length comes back", len == sizeof a ? "16" : "other", "16");
    check("... only 4 bytes written", a.sin_addr.s_addr == 0xeeeeeeee ? "yes" : "no", "yes");
    len = sizeof a;
    check("getpeername, not connected", err(getpeername(t, (struct sockaddr *)&a, &len)),
          "ENOTCONN");
    close(s);
    close(t);
}

static void unconnected(void)
{
    char buf[8] = "x";
    int s = socket(AF_INET, SOCK_STREAM, 0);
    check("send, TCP not connected", err(send(s, buf, 1, 0)), "EPIPE");
    check("write, TCP not connected", err(write(s, buf, 1)), "EPIPE");
    check("recv, TCP not connected", err(recv(s, buf, 1, 0)), "ENOTCONN");
    check("shutdown, not connected", err(shutdown(s, SHUT_WR)), "ENOTCONN");
    check("shutdown, how 7", err(shutdown(s, 7)), "EINVAL");
    check("connect, NULL address", err(connect(s, NULL, sizeof(struct sockaddr_in))), "EFAULT");
    check("connect, length 0", err(connect(s, NULL, 0)), "EINVAL");
    check("connect, length -1", err(connect(s, NULL, (socklen_t)-1)), "EINVAL");
    close(s);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    check("send, UDP without a destination", err(send(u, buf, 1, 0)), "EDESTADDRREQ");
    struct sockaddr_in to = addr(peer, 9);
    check("sendto, length 3", err(sendto(u, buf, 1, 0, (struct sockaddr *)&to, 3)), "EINVAL");
    check("sendto, bad address", err(sendto(u, buf, 1, 0, BAD, sizeof to)), "EFAULT");
    check("sendto, bad buffer", err(sendto(u, BAD, 8, 0, (struct sockaddr *)&to, sizeof to)),
          "EFAULT");
    check("recv UDP, nothing there, MSG_DONTWAIT", err(recv(u, buf, 8, MSG_DONTWAIT)), "EAGAIN");
    check("sendmsg, NULL message", err(sendmsg(u, NULL, 0)), "EFAULT");
    check("recvmsg, NULL message", err(recvmsg(u, NULL, 0)), "EFAULT");
    struct iovec iov = { buf, 1 };
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_name = &to, m.msg_namelen = sizeof to, m.msg_iov = &iov, m.msg_iovlen = 5000;
    check("sendmsg, 5000 iovecs", err(sendmsg(u, &m, 0)), "EMSGSIZE");
    close(u);
}

static void options(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
    int one = 1, v = 0;
    socklen_t len = sizeof v;
    check("SO_REUSEADDR, length 2", err(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, 2)),
          "EINVAL");
    check("SO_REUSEADDR, NULL value", err(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, NULL, 4)),
          "EFAULT");
    check("setsockopt, level 999", err(setsockopt(s, 999, 1, &one, sizeof one)), "ENOPROTOOPT");
    check("setsockopt, SOL_SOCKET name 9999",
          err(setsockopt(s, SOL_SOCKET, 9999, &one, sizeof one)), "ENOPROTOOPT");
    check("TCP_NODELAY on UDP", err(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one)),
          "ENOPROTOOPT");
    struct timeval tv = { 0, 2000000 };
    check("SO_RCVTIMEO, usec 2000000", err(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv)),
          "EDOM");
    check("SO_RCVTIMEO, length 4", err(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, 4)), "EINVAL");
    check("getsockopt, NULL length", err(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, NULL)), "EFAULT");
    len = (socklen_t)-1;
    check("getsockopt, length -1", err(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len)), "EINVAL");
    len = sizeof v;
    check("getsockopt, bad value", err(getsockopt(s, SOL_SOCKET, SO_TYPE, BAD, &len)), "EFAULT");
    len = sizeof v;
    getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len);
    check("SO_TYPE of TCP", v == SOCK_STREAM ? "SOCK_STREAM" : "other", "SOCK_STREAM");
    const int opts[][3] = { { SOL_SOCKET, SO_REUSEADDR, 1 }, { SOL_SOCKET, SO_KEEPALIVE, 1 },
                            { IPPROTO_TCP, TCP_NODELAY, 1 }, { IPPROTO_TCP, TCP_KEEPIDLE, 30 },
                            { IPPROTO_TCP, TCP_KEEPINTVL, 5 }, { IPPROTO_TCP, TCP_KEEPCNT, 4 } };
    const char *optname[] = { "SO_REUSEADDR", "SO_KEEPALIVE", "TCP_NODELAY", "TCP_KEEPIDLE",
                              "TCP_KEEPINTVL", "TCP_KEEPCNT" };
    for (int i = 0; i < 6; i++) {
        char label[64], want[16], got[16];
        v = opts[i][2];
        int r = setsockopt(s, opts[i][0], opts[i][1], &v, sizeof v);
        v = -1, len = sizeof v;
        getsockopt(s, opts[i][0], opts[i][1], &v, &len);
        snprintf(label, sizeof label, "%s set, read back", optname[i]);
        snprintf(want, sizeof want, "0 %d", opts[i][2]);
        snprintf(got, sizeof got, "%d %d", r, v);
        check(label, got, want);
    }
    v = 4096;
    setsockopt(u, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
    len = sizeof v;
    getsockopt(u, SOL_SOCKET, SO_RCVBUF, &v, &len);
    check("SO_RCVBUF 4096 reads back doubled", v == 8192 ? "8192" : "other", "8192");
    tv.tv_sec = 1, tv.tv_usec = 500000;
    setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    memset(&tv, 0, sizeof tv);
    len = sizeof tv;
    getsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
    check("SO_RCVTIMEO 1.5 s reads back", tv.tv_sec == 1 && tv.tv_usec == 500000 ? "1.5" : "other",
          "1.5");
    struct linger lg = { 1, 3 };
    check("SO_LINGER", err(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg)), "ok 0");
    close(s);
    close(u);
}

static void refused(void)
{
    struct sockaddr_in a = addr(peer, 1);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    check("connect to a closed port", err(connect(s, (struct sockaddr *)&a, sizeof a)),
          "ECONNREFUSED");
    close(s);
    s = socket(AF_INET, SOCK_STREAM, 0);
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
    int r = connect(s, (struct sockaddr *)&a, sizeof a);
    check("non-blocking connect to a closed port", err(r), "EINPROGRESS");
    struct pollfd p = { s, POLLOUT, 0 };
    r = poll(&p, 1, 5000);
    check("... poll says", r == 1 && (p.revents & POLLERR) && (p.revents & POLLOUT) ?
          "POLLOUT|POLLERR" : err(r), "POLLOUT|POLLERR");
    int e = -1;
    socklen_t len = sizeof e;
    getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len);
    check("... SO_ERROR", errname(e), "ECONNREFUSED");
    len = sizeof e;
    getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len);
    check("... SO_ERROR again (cleared)", e == 0 ? "0" : errname(e), "0");
    close(s);
}

static void misc(void)
{
    struct pollfd p = { 9999, POLLIN, 0 };
    check("poll, fds NULL", err(poll(NULL, 1, 0)), "EFAULT");
    check("poll, a closed fd", err(poll(&p, 1, 0)), "ok 1");
    check("... revents", p.revents == POLLNVAL ? "POLLNVAL" : "other", "POLLNVAL");
    fd_set r;
    FD_ZERO(&r);
    FD_SET(40, &r);
    struct timeval tv = { 0, 0 };
    check("select, a closed fd", err(select(41, &r, NULL, NULL, &tv)), "EBADF");
    check("select, nfds -1", err(select(-1, NULL, NULL, NULL, &tv)), "EINVAL");
    int s = socket(AF_INET, SOCK_DGRAM, 0), on = 1;
    check("ioctl FIONBIO", err(ioctl(s, FIONBIO, &on)), "ok 0");
    char c;
    check("... recv then", err(recv(s, &c, 1, 0)), "EAGAIN");
    int d = dup(s);
    check("dup of a socket", d > s ? "a new fd" : "other", "a new fd");
    check("... recv on the dup (shares O_NONBLOCK)", err(recv(d, &c, 1, 0)), "EAGAIN");
    close(s);
    check("... close the first, the dup works", err(recv(d, &c, 1, 0)), "EAGAIN");
    close(d);
}

int mode_errors(void)
{
    bad_fds();
    creation();
    binding();
    unconnected();
    options();
    refused();
    misc();
    return failures;
}
