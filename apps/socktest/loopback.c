/* `loopback`: a program talking to itself through 127.0.0.1, as servers and
 * their self-tests do: TCP (listen, connect, accept, both directions, EOF,
 * peer names) and UDP (a datagram to itself, readiness through poll). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "socktest.h"

int mode_loopback(void)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(5200);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    check("bind 127.0.0.1:5200", err(bind(l, (struct sockaddr *)&a, sizeof a)), "ok 0");
    check("listen", err(listen(l, 4)), "ok 0");
    int c = socket(AF_INET, SOCK_STREAM, 0);
    check("connect to it", err(connect(c, (struct sockaddr *)&a, sizeof a)), "ok 0");
    struct sockaddr_in peer_a;
    socklen_t len = sizeof peer_a;
    int s = accept(l, (struct sockaddr *)&peer_a, &len);
    check("accept", s >= 0 ? "a socket" : err(s), "a socket");
    char ip[16];
    inet_ntop(AF_INET, &peer_a.sin_addr, ip, sizeof ip);
    check("... the peer is", ip, "127.0.0.1");
    static char big[100000], back[100000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7 + 3);
    size_t sent = 0, got = 0;
    while (got < sizeof big) {  /* one thread: alternate, so neither side fills up */
        if (sent < sizeof big) {
            ssize_t w = send(c, big + sent, sizeof big - sent > 8192 ? 8192 : sizeof big - sent, 0);
            if (w <= 0)
                break;
            sent += (size_t)w;
        }
        ssize_t r = recv(s, back + got, sizeof back - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    check("100 KB through loopback, byte for byte",
          got == sizeof big && !memcmp(big, back, sizeof big) ? "same" : "different", "same");
    check("client shuts down writing", err(shutdown(c, SHUT_WR)), "ok 0");
    char ch;
    check("... the server reads EOF", err(recv(s, &ch, 1, 0)), "ok 0");
    check("... and still writes", err(send(s, "z", 1, 0)), "ok 1");
    check("... the client reads it", err(recv(c, &ch, 1, 0)), "ok 1");
    close(s);
    close(c);
    int c2 = socket(AF_INET, SOCK_STREAM, 0), c3 = socket(AF_INET, SOCK_STREAM, 0);
    connect(c2, (struct sockaddr *)&a, sizeof a);
    connect(c3, (struct sockaddr *)&a, sizeof a);
    int s2 = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    check("accept4 SOCK_NONBLOCK|SOCK_CLOEXEC: O_NONBLOCK",
          (fcntl(s2, F_GETFL) & O_NONBLOCK) ? "yes" : "no", "yes");
    check("... FD_CLOEXEC", (fcntl(s2, F_GETFD) & FD_CLOEXEC) ? "yes" : "no", "yes");
    check("... a read with nothing there", err(read(s2, &ch, 1)), "EAGAIN");
    fcntl(l, F_SETFL, O_NONBLOCK);
    int s3 = accept(l, NULL, NULL);
    check("accept on a non-blocking listener: the socket blocks",
          s3 >= 0 && !(fcntl(s3, F_GETFL) & O_NONBLOCK) ? "yes" : "no", "yes");
    close(s2), close(s3), close(c2), close(c3);
    close(l);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    a.sin_port = htons(5201);
    bind(u, (struct sockaddr *)&a, sizeof a);
    check("UDP to itself", err(sendto(u, "ping", 4, 0, (struct sockaddr *)&a, sizeof a)), "ok 4");
    struct pollfd p = { u, POLLIN, 0 };
    check("... poll says readable", err(poll(&p, 1, 2000)), "ok 1");
    char b[8];
    check("... and it is there", err(recv(u, b, sizeof b, 0)), "ok 4");
    close(u);
    return failures;
}
