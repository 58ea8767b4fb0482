/* The receive-interrupt thread of network devices (see net_rx.h). */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "devices/net/net_rx.h"
#include "kvm/irq_line.h"
#include "lib/errmsg.h"

struct net_rx {
    struct net_dev *devs;
    unsigned n;
    int vm_fd;
    int wake_fd;             /* eventfd: the armed set changed, or stop */
    volatile int stopping;
    pthread_t thread;
};

static void wake(struct net_rx *rx)
{
    uint64_t one = 1;
    ssize_t ignored = write(rx->wake_fd, &one, sizeof one);
    (void)ignored; /* a full counter is still a wake-up */
}

/*
 * Why sequence numbers rather than one armed flag: the guest may read the
 * frame that woke this thread, find the tap empty and arm again, all before
 * this thread gets to fire. A flag would merge that second arming into the
 * first and clear it, and the guest would sleep through its next frame.
 */
static void *rx_main(void *arg)
{
    struct net_rx *rx = arg;
    struct pollfd fds[NET_MAX_DEVICES + 1];
    struct net_dev *who[NET_MAX_DEVICES + 1];
    uint64_t seq[NET_MAX_DEVICES + 1];
    while (!__atomic_load_n(&rx->stopping, __ATOMIC_ACQUIRE)) {
        unsigned n = 0;
        fds[n++] = (struct pollfd){ .fd = rx->wake_fd, .events = POLLIN };
        for (unsigned i = 0; i < rx->n; i++) {
            struct net_dev *d = &rx->devs[i];
            uint64_t s = __atomic_load_n(&d->arm_seq, __ATOMIC_ACQUIRE);
            if (s != __atomic_load_n(&d->fired_seq, __ATOMIC_RELAXED)) {
                who[n] = d;
                seq[n] = s;
                fds[n++] = (struct pollfd){ .fd = d->fd, .events = POLLIN };
            }
        }
        if (ppoll(fds, n, NULL, NULL) < 0)
            continue; /* EINTR */
        if (fds[0].revents & POLLIN) {
            uint64_t v;
            ssize_t ignored = read(rx->wake_fd, &v, sizeof v);
            (void)ignored;
        }
        for (unsigned i = 1; i < n; i++)
            if (fds[i].revents) {
                irq_pulse(rx->vm_fd, who[i]->irq); /* the guest's next receive finds a frame */
                __atomic_store_n(&who[i]->fired_seq, seq[i], __ATOMIC_RELEASE);
            }
    }
    return NULL;
}

struct net_rx *net_rx_start(struct net_dev *devs, unsigned n, int vm_fd, char *err, size_t errlen)
{
    struct net_rx *rx = calloc(1, sizeof *rx);
    if (!rx) {
        errmsg(err, errlen, "network receive thread: out of memory");
        return NULL;
    }
    *rx = (struct net_rx){ .devs = devs, .n = n, .vm_fd = vm_fd };
    rx->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    int e = rx->wake_fd < 0 ? errno : pthread_create(&rx->thread, NULL, rx_main, rx);
    if (e) {
        errmsg(err, errlen, "network receive thread: %s", strerror(e));
        if (rx->wake_fd >= 0)
            close(rx->wake_fd);
        free(rx);
        return NULL;
    }
    return rx;
}

void net_rx_arm(struct net_rx *rx, struct net_dev *d)
{
    uint64_t before = __atomic_fetch_add(&d->arm_seq, 1, __ATOMIC_ACQ_REL);
    /* Not armed before: the thread is not watching this tap, tell it to.
     * Armed before: it watches, or loops after firing and sees the new seq. */
    if (before == __atomic_load_n(&d->fired_seq, __ATOMIC_ACQUIRE))
        wake(rx);
}

void net_rx_stop(struct net_rx *rx)
{
    if (!rx)
        return;
    __atomic_store_n(&rx->stopping, 1, __ATOMIC_RELEASE);
    wake(rx);
    pthread_join(rx->thread, NULL);
    close(rx->wake_fd);
    free(rx);
}
