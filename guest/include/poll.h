/* poll(2) with Linux's values: over files (always ready) and sockets
 * together (guest/posix/poll.c, sockets through guest/lwip/sys/). */
#ifndef DUET_POLL_H
#define DUET_POLL_H

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLRDHUP 0x2000

typedef unsigned long nfds_t;

struct pollfd {
    int fd;
    short events;
    short revents;
};

int poll(struct pollfd *fds, nfds_t n, int timeout_ms);

#include <signal.h>
#include <time.h>
/* The mask is ignored: no signal arrives asynchronously in a guest. */
int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *mask);

#endif
