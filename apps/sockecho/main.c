/*
 * TCP echo on port 7 with BSD sockets and one thread per connection (lwIP's
 * socket layer over guest threads): the first plain-POSIX network server.
 * Serves `conns=N` connections (default: forever), then prints a summary;
 * `errors` checks the errnos of bad calls instead (errors.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "duet/netstack.h"
#include "lwip/sockets.h"
#include "sockecho.h"

static unsigned long long echoed;
static int finished;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;

static void *serve(void *arg)
{
    int fd = (int)(long)arg;
    char buf[8192];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t w = send(fd, buf + off, (size_t)(n - off), 0);
            if (w <= 0) {
                printf("sockecho: send failed (errno %d)\n", errno);
                goto out;
            }
            off += w;
        }
        pthread_mutex_lock(&lock);
        echoed += (unsigned long long)n;
        pthread_mutex_unlock(&lock);
    }
    if (n < 0)
        printf("sockecho: recv failed (errno %d)\n", errno);
out:
    lwip_close(fd);
    pthread_mutex_lock(&lock);
    finished++;
    pthread_cond_signal(&done);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(int argc, char **argv)
{
    if (netstack_sockets_start(argc, argv) < 0)
        return 1;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "errors"))
            return socket_errors();
    unsigned conns = netstack_arg_uint(argc, argv, "conns", 0);
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(7) };
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 8) < 0) {
        printf("sockecho: cannot listen on port 7\n");
        return 1;
    }
    printf("sockecho: echoing on TCP port 7\n");
    fflush(stdout);
    for (unsigned i = 0; !conns || i < conns; i++) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int c = accept(s, (struct sockaddr *)&peer, &len);
        if (c < 0) {
            printf("sockecho: accept failed\n");
            return 1;
        }
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &at, serve, (void *)(long)c) != 0)
            lwip_close(c);
    }
    pthread_mutex_lock(&lock);
    while (finished < (int)conns)
        pthread_cond_wait(&done, &lock);
    pthread_mutex_unlock(&lock);
    /* Closed sockets may still have data and FINs in flight: stopping the
     * guest now would cut them off. */
    sleep(2);
    printf("sockecho: %u connections, %llu bytes echoed\n", conns, echoed);
    return 0;
}
