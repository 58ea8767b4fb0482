/* `poll`: timeouts of poll, select and SO_RCVTIMEO, and a file and a socket
 * polled together. Times are checked within wide margins (the lab is slow):
 * at least the timeout, and not grossly more. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "socktest.h"

static const char *took(long ms, long want)
{
    return ms >= want - 2 && ms < want + 1500 ? "in time" : "wrong";
}

int mode_poll(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(5002);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 2);
    struct pollfd p[2] = { { l, POLLIN, 0 }, { -1, POLLIN, 0 } };
    long t0 = now_ms();
    int r = poll(p, 1, 300);
    long dt = now_ms() - t0;
    check("poll a quiet listener, 300 ms", err(r), "ok 0");
    check("... it waited 300 ms", took(dt, 300), "in time");
    t0 = now_ms();
    r = poll(NULL, 0, 200);
    check("poll nothing, 200 ms", err(r), "ok 0");
    check("... it waited 200 ms", took(now_ms() - t0, 200), "in time");
    int f = open("/tmp/socktest.poll", O_CREAT | O_RDWR | O_TRUNC, 0600);
    p[1].fd = f;
    p[1].events = POLLIN | POLLOUT;
    t0 = now_ms();
    r = poll(p, 2, 5000);
    check("poll a listener and a file", err(r), "ok 1");
    check("... the file is ready", p[1].revents == (POLLIN | POLLOUT) ? "POLLIN|POLLOUT" : "other",
          "POLLIN|POLLOUT");
    check("... the listener is not", p[0].revents == 0 ? "0" : "other", "0");
    check("... at once", now_ms() - t0 < 1000 ? "yes" : "no", "yes");
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(l, &rs);
    struct timeval tv = { 0, 250000 };
    t0 = now_ms();
    r = select(l + 1, &rs, NULL, NULL, &tv);
    check("select a quiet listener, 250 ms", err(r), "ok 0");
    check("... it waited 250 ms", took(now_ms() - t0, 250), "in time");
    check("... the set is cleared", FD_ISSET(l, &rs) ? "set" : "clear", "clear");
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    a.sin_port = htons(5003);
    bind(u, (struct sockaddr *)&a, sizeof a);
    tv.tv_sec = 0, tv.tv_usec = 300000;
    setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[64];
    t0 = now_ms();
    check("recv with SO_RCVTIMEO 300 ms", err(recv(u, buf, sizeof buf, 0)), "EAGAIN");
    check("... it waited 300 ms", took(now_ms() - t0, 300), "in time");
    /* A datagram to itself: the socket becomes readable, poll and select say so. */
    struct sockaddr_in self = a;
    inet_pton(AF_INET, "127.0.0.1", &self.sin_addr);
    int sender = socket(AF_INET, SOCK_DGRAM, 0);
    getsockname(u, (struct sockaddr *)&a, &(socklen_t){ sizeof a });
    FD_ZERO(&rs);
    FD_SET(u, &rs);
    FD_SET(f, &rs);
    r = select((u > f ? u : f) + 1, &rs, NULL, NULL, &(struct timeval){ 0, 0 });
    check("select a quiet UDP socket and a file", err(r), "ok 1");
    check("... only the file", FD_ISSET(f, &rs) && !FD_ISSET(u, &rs) ? "file" : "other", "file");
    (void)sender;
    (void)self;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = { EPOLLIN, { .fd = l } }, evs[4];
    check("epoll_ctl ADD a listener", err(epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev)), "ok 0");
    check("epoll_ctl ADD it again", err(epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev)), "EEXIST");
    check("epoll_ctl MOD an fd not in it", err(epoll_ctl(ep, EPOLL_CTL_MOD, u, &ev)), "ENOENT");
    check("epoll_ctl ADD a regular file", err(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev)), "EPERM");
    check("epoll_ctl on a non-epoll fd", err(epoll_ctl(u, EPOLL_CTL_ADD, l, &ev)), "EINVAL");
    check("epoll_wait, maxevents 0", err(epoll_wait(ep, evs, 0, 0)), "EINVAL");
    t0 = now_ms();
    r = epoll_wait(ep, evs, 4, 200);
    check("epoll_wait a quiet listener, 200 ms", err(r), "ok 0");
    check("... it waited 200 ms", took(now_ms() - t0, 200), "in time");
    struct sockaddr_in closed = a;
    closed.sin_addr = peer;
    closed.sin_port = htons(1);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(c, (struct sockaddr *)&closed, sizeof closed);
    ev.events = EPOLLOUT | EPOLLET;
    ev.data.u64 = 0x1234567890ULL;
    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
    r = epoll_wait(ep, evs, 4, 5000);
    check("epoll_wait, a refused non-blocking connect", err(r), "ok 1");
    check("... its data", evs[0].data.u64 == 0x1234567890ULL ? "kept" : "other", "kept");
    check("... EPOLLOUT|EPOLLERR", (evs[0].events & (EPOLLOUT | EPOLLERR)) == (EPOLLOUT | EPOLLERR)
          ? "yes" : "no", "yes");
    close(c);
    close(ep);
    close(f);
    unlink("/tmp/socktest.poll");
    close(u);
    close(l);
    return failures;
}
