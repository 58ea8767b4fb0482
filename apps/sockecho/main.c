/*
 * TCP and UDP echo on port 7 with plain BSD sockets and a thread per TCP
 * connection: a POSIX program with no Duet call (the interface is up before
 * main: DUET_NET_net0=ADDR/PREFIX or DHCP). After a client's FIN it writes a
 * trailer, "bye N\n" (N: bytes echoed on that connection), when started with
 * `bye` (half-close: the server still sends after the client stopped).
 * Serves `conns=N` TCP connections (default: forever), then a summary; or
 * stops after `for=SECONDS` (the benchmark).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned long long echoed;
static int finished, bye, failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;

static void *serve(void *arg)
{
    int fd = (int)(long)arg;
    char buf[16384];
    unsigned long long mine = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w <= 0) {
                printf("sockecho: write: %s\n", strerror(errno));
                goto out;
            }
            off += w;
        }
        mine += (unsigned long long)n;
    }
    if (n < 0)
        printf("sockecho: read: %s\n", strerror(errno));
    else if (bye) {
        char t[64];
        int len = snprintf(t, sizeof t, "bye %llu\n", mine);
        if (write(fd, t, (size_t)len) != len)
            printf("sockecho: trailer: %s\n", strerror(errno));
    }
out:
    if (n < 0)
        failures++;
    close(fd);
    pthread_mutex_lock(&lock);
    echoed += mine;
    finished++;
    pthread_cond_signal(&done);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *udp_echo(void *arg)
{
    int s = (int)(long)arg;
    char buf[2048];
    for (;;) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
        if (n < 0)
            continue;
        sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&peer, len);
    }
    return NULL;
}

static void *stop_later(void *arg)
{
    sleep((unsigned)(long)arg);
    printf("sockecho: stopping after %ld s, %llu bytes echoed\n", (long)arg, echoed);
    exit(0);
}

static void start_detached(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, fn, arg) != 0) {
        printf("sockecho: no thread\n");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    unsigned conns = 0, seconds = 0;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "conns=", 6))
            conns = (unsigned)strtoul(argv[i] + 6, NULL, 10);
        if (!strncmp(argv[i], "for=", 4))
            seconds = (unsigned)strtoul(argv[i] + 4, NULL, 10);
        if (!strcmp(argv[i], "bye"))
            bye = 1;
    }
    signal(SIGPIPE, SIG_IGN);  /* a vanished client is an EPIPE, not the end */
    int s = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(7) };
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (s < 0 || u < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 16) < 0 ||
        bind(u, (struct sockaddr *)&a, sizeof a) < 0) {
        printf("sockecho: cannot listen on port 7: %s\n", strerror(errno));
        return 1;
    }
    start_detached(udp_echo, (void *)(long)u);
    if (seconds)
        start_detached(stop_later, (void *)(long)seconds);
    printf("sockecho: echoing on TCP and UDP port 7 (fds %d and %d)\n", s, u);
    fflush(stdout);
    for (unsigned i = 0; !conns || i < conns; i++) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int c = accept(s, (struct sockaddr *)&peer, &len);
        if (c < 0) {
            printf("sockecho: accept: %s\n", strerror(errno));
            return 1;
        }
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        start_detached(serve, (void *)(long)c);
    }
    pthread_mutex_lock(&lock);
    while (finished < (int)conns)
        pthread_cond_wait(&done, &lock);
    pthread_mutex_unlock(&lock);
    /* No waiting for data still in flight: exit() drains the sockets. */
    printf("sockecho: %u connections, %llu bytes echoed, %d failed\n", conns, echoed, failures);
    return 0;
}
