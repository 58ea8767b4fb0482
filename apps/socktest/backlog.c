/* `backlog N CLIENTS`: listen(N) on port 8 and accept nobody for 3 s while
 * CLIENTS connect; then count what queued (non-blocking accepts: Linux
 * queues N+1), then serve everyone, the ones whose SYNs were dropped too
 * (their retries get in once there is room): a line back each. */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "socktest.h"

int mode_backlog(int backlog, int clients)
{
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(8);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, backlog) < 0) {
        printf("backlog: cannot listen: %s\n", errname(errno));
        return ++failures;
    }
    printf("backlog: listening, backlog %d\n", backlog);
    sleep(3);
    fcntl(l, F_SETFL, O_NONBLOCK);
    int fds[64], n = 0;
    while (n < 64 && (fds[n] = accept(l, NULL, NULL)) >= 0)
        n++;
    printf("backlog: %d queued\n", n);
    check("accept queue no longer than backlog + 1", n >= 1 && n <= backlog + 1 ? "yes" : "no",
          "yes");
    for (int served = 0; served < clients;) {
        for (int i = 0; i < n; i++) {
            char buf[64];
            ssize_t r = read(fds[i], buf, sizeof buf);
            int len = snprintf(buf, sizeof buf, "served %d\n", served + 1);
            struct sockaddr_in pa;
            socklen_t pl = sizeof pa;
            getpeername(fds[i], (struct sockaddr *)&pa, &pl);
            if (r <= 0 || write(fds[i], buf, (size_t)len) != len)
                printf("backlog: client %d: no line exchanged\n", served + 1);
            else
                printf("backlog: served %d (port %d, read %d)\n", served + 1, ntohs(pa.sin_port),
                       (int)r);
            close(fds[i]);
            served++;
        }
        n = 0;
        if (served >= clients)
            break;
        struct pollfd p = { l, POLLIN, 0 };
        if (poll(&p, 1, 20000) != 1) {
            printf("backlog: a client never got in (%d of %d served)\n", served, clients);
            return ++failures;
        }
        if ((fds[0] = accept(l, NULL, NULL)) >= 0) {
            fcntl(fds[0], F_SETFL, 0);
            n = 1;
        }
    }
    printf("backlog: all %d clients served\n", clients);
    close(l);
    return failures;
}
