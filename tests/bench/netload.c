/*
 * netload: the lab side of the network benchmark (a static aarch64 Linux
 * program, built by build.py as build/host/netload).
 *
 *   netload udp IP PORT SECONDS SIZE WINDOW   echo round trips with WINDOW datagrams
 *                                             in flight; prints udp_pps and losses
 *   netload tcp IP PORT SECONDS               streams through a TCP echo; prints
 *                                             tcp_MBps (bytes echoed back per second)
 *   netload serve-udp PORT | serve-tcp PORT   the same echo services as the udpecho
 *                                             and tcpecho apps, on Linux's own stack
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static struct sockaddr_in addr_of(const char *ip, const char *port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
    if (inet_pton(AF_INET, ip ? ip : "0.0.0.0", &a.sin_addr) != 1) {
        fprintf(stderr, "netload: bad address %s\n", ip);
        exit(2);
    }
    return a;
}

/* Closed loop: keep `window` datagrams out; a reply lets the next one go. */
static int udp_client(const char *ip, const char *port, double secs, int size, int window)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = addr_of(ip, port);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0)
        die("udp connect");
    static char buf[65536], got[65536];
    memset(buf, 0x5a, (size_t)size);
    long sent = 0, echoed = 0, bad = 0, stalls = 0;
    double start = now(), end = start + secs;
    int out = 0;
    while (now() < end) {
        while (out < window) {
            if (send(s, buf, (size_t)size, 0) == size) { sent++; out++; }
            else break;
        }
        struct pollfd p = { .fd = s, .events = POLLIN };
        if (poll(&p, 1, 200) <= 0) { stalls++; out = 0; continue; } /* lost: refill */
        ssize_t n = recv(s, got, sizeof got, MSG_DONTWAIT);
        if (n < 0)
            continue;
        if (n != size || memcmp(got, buf, (size_t)size)) bad++;
        echoed++;
        if (out > 0) out--;
    }
    double t = now() - start;
    printf("udp_pps %.1f echoed %ld sent %ld bad %ld stalls %ld size %d window %d secs %.2f\n",
           echoed / t, echoed, sent, bad, stalls, size, window, t);
    return bad ? 1 : 0;
}

/* One connection: write whenever writable, read whatever comes back. */
static int tcp_client(const char *ip, const char *port, double secs)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = addr_of(ip, port);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0)
        die("tcp connect");
    static char buf[65536], got[65536];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)(i * 7);
    unsigned long long wrote = 0, read_back = 0, bad = 0;
    double start = now(), end = start + secs;
    while (now() < end) {
        struct pollfd p = { .fd = s, .events = POLLIN | POLLOUT };
        if (poll(&p, 1, 200) <= 0)
            continue;
        if (p.revents & POLLIN) {
            ssize_t n = recv(s, got, sizeof got, MSG_DONTWAIT);
            if (n == 0) break;
            for (ssize_t i = 0; i < n; i++)
                bad += got[i] != (char)(((read_back + (unsigned long long)i) % sizeof buf) * 7);
            if (n > 0) read_back += (unsigned long long)n;
        }
        if (p.revents & POLLOUT) {
            size_t off = wrote % sizeof buf;
            ssize_t n = send(s, buf + off, sizeof buf - off, MSG_DONTWAIT);
            if (n > 0) wrote += (unsigned long long)n;
        }
    }
    double t = now() - start;
    printf("tcp_MBps %.3f echoed_bytes %llu written %llu bad %llu secs %.2f\n",
           read_back / t / 1e6, read_back, wrote, bad, t);
    close(s);
    return bad ? 1 : 0;
}

static _Noreturn void udp_server(const char *port)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = addr_of(NULL, port);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0)
        die("udp bind");
    static char buf[65536];
    for (;;) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (n >= 0)
            sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
    }
}

static _Noreturn void tcp_server(const char *port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = addr_of(NULL, port);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 8) < 0)
        die("tcp listen");
    static char buf[65536];
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ssize_t n;
        while ((n = recv(c, buf, sizeof buf, 0)) > 0)
            for (ssize_t off = 0, w; off < n; off += w)
                if ((w = send(c, buf + off, (size_t)(n - off), 0)) <= 0)
                    goto done;
done:
        close(c);
    }
}

int main(int argc, char **argv)
{
    if (argc == 7 && !strcmp(argv[1], "udp"))
        return udp_client(argv[2], argv[3], atof(argv[4]), atoi(argv[5]), atoi(argv[6]));
    if (argc == 6 && !strcmp(argv[1], "udp")) /* window defaults to 1 */
        return udp_client(argv[2], argv[3], atof(argv[4]), atoi(argv[5]), 1);
    if (argc == 5 && !strcmp(argv[1], "tcp"))
        return tcp_client(argv[2], argv[3], atof(argv[4]));
    if (argc == 3 && !strcmp(argv[1], "serve-udp"))
        udp_server(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "serve-tcp"))
        tcp_server(argv[2]);
    fprintf(stderr, "usage: netload udp IP PORT SECONDS SIZE [WINDOW] | tcp IP PORT SECONDS |\n"
                    "       serve-udp PORT | serve-tcp PORT\n");
    return 2;
}
