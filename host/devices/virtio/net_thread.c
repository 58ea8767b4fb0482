/* The host-thread backend of virtio-net devices (see net_thread.h). */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include "lib/errmsg.h"
#include "devices/virtio/net_thread.h"
#include "devices/virtio/virtio_net.h"
#include "devices/virtio/virtq_walk.h"

#define FRAME_BUF (sizeof(struct virtio_net_hdr) + 65536)
#define BATCH 64   /* frames per queue per wake-up, so neither direction starves */

enum { PARKED, RUNNING, QUIT };

struct net_thread {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int want, state;                  /* PARKED / RUNNING / QUIT: asked, and reached */
    int ctl;                          /* eventfd: wakes the thread to look at `want` */
    struct virtio_net *v;
    struct vq rx, tx;
    int mrg;
    size_t pending;                   /* a frame read from the tap, waiting for buffers */
    uint8_t rx_buf[FRAME_BUF], tx_buf[FRAME_BUF];
};

static void drain(int fd)
{
    uint64_t n;
    ssize_t ignored = read(fd, &n, sizeof n);
    (void)ignored;
}

static void call(struct net_thread *t, struct vq *q)
{
    uint64_t one = 1;
    if (vq_should_signal(q) && write(t->v->call, &one, sizeof one) < 0)
        return; /* the counter cannot overflow in practice; nothing better to do */
}

/* The guest broke a ring: say so once, mark the device NEEDS_RESET, stop serving. */
static int ring_broken(struct net_thread *t, const char *queue, const char *why)
{
    fprintf(stderr, "duet: net %s: %s queue: %s; device needs a reset\n",
            t->v->net->spec.name, queue, why);
    __atomic_or_fetch(&t->v->mmio.status, VIRTIO_STATUS_NEEDS_RESET, __ATOMIC_SEQ_CST);
    return -1;
}

static int serve_tx(struct net_thread *t)
{
    char err[160];
    struct vq_chain c;
    for (int n = 0; n < BATCH; n++) {
        int got = vq_pop(&t->tx, &c, 0, err, sizeof err);
        if (got < 0)
            return ring_broken(t, "send", err);
        if (got == 0)
            break;
        size_t len = 0;
        for (unsigned i = 0; i < c.nseg && len + c.seg[i].len <= FRAME_BUF; i++)
            memcpy(t->tx_buf + len, c.seg[i].p, c.seg[i].len), len += c.seg[i].len;
        /* Too short or too long frames: the tap refuses them; the guest gets its buffer back. */
        if (len == c.total && len > sizeof(struct virtio_net_hdr) &&
            write(t->v->net->fd, t->tx_buf, len) < 0 && errno != EAGAIN && errno != EINVAL &&
            errno != EIO) /* EIO: the tap is down, as a cable unplugged: the frame is lost */
            fprintf(stderr, "duet: net %s: tap write: %s\n", t->v->net->spec.name, strerror(errno));
        vq_push(&t->tx, c.head, 0);
    }
    call(t, &t->tx);
    return 0;
}

/* Copies the pending frame into as many receive chains as it needs. 1 done, 0 no room, -1. */
static int deliver(struct net_thread *t)
{
    char err[160];
    uint16_t saved = t->rx.last_avail;
    struct vq_chain c;
    uint16_t heads[VQ_SEG_MAX];
    uint32_t lens[VQ_SEG_MAX];
    unsigned nbufs = 0;
    size_t done = 0;
    struct virtio_net_hdr *hdr = NULL;
    while (done < t->pending) {
        int got = nbufs < VQ_SEG_MAX ? vq_pop(&t->rx, &c, 1, err, sizeof err) : 0;
        if (got < 0)
            return ring_broken(t, "receive", err);
        if (got == 0 || (!t->mrg && c.total < t->pending)) {
            t->rx.last_avail = saved; /* not taken after all: used entries were never written */
            if (got && !t->mrg) { /* one buffer too small for the frame: drop the frame */
                t->pending = 0;
                return 1;
            }
            return 0;
        }
        uint32_t put = 0;
        for (unsigned i = 0; i < c.nseg && done < t->pending; i++) {
            size_t k = t->pending - done < c.seg[i].len ? t->pending - done : c.seg[i].len;
            memcpy(c.seg[i].p, t->rx_buf + done, k);
            if (!hdr && done == 0 && k >= sizeof *hdr)
                hdr = (struct virtio_net_hdr *)c.seg[i].p;
            done += k;
            put += (uint32_t)k;
        }
        heads[nbufs] = c.head;
        lens[nbufs++] = put;
    }
    if (hdr) {
        uint16_t nb = (uint16_t)nbufs;
        memcpy(&hdr->num_buffers, &nb, sizeof nb);
    }
    vq_push_n(&t->rx, heads, lens, nbufs);
    t->pending = 0;
    return 1;
}

/* Frames from the tap into the receive queue. 1: out of buffers, wait for a kick. */
static int serve_rx(struct net_thread *t)
{
    int stalled = 0;
    for (int n = 0; n < BATCH && !stalled; n++) {
        if (!t->pending) {
            ssize_t got = read(t->v->net->fd, t->rx_buf, FRAME_BUF);
            if (got <= (ssize_t)sizeof(struct virtio_net_hdr))
                break; /* EAGAIN: the tap is empty */
            t->pending = (size_t)got;
        }
        int r = deliver(t);
        if (r < 0)
            return -1;
        stalled = r == 0 && !vq_want_kick(&t->rx);
    }
    call(t, &t->rx);
    return stalled;
}

static void set_state(struct net_thread *t, int s)
{
    pthread_mutex_lock(&t->lock);
    t->state = s;
    pthread_cond_broadcast(&t->changed);
    pthread_mutex_unlock(&t->lock);
}

/* Serves the rings until the device is reset (or broken). */
static void run(struct net_thread *t)
{
    int rx_stalled = 0, broken = 0, more = 0;
    for (;;) {
        static const struct timespec now = { 0, 0 };
        struct pollfd fds[4] = {
            { .fd = t->ctl, .events = POLLIN },
            { .fd = t->v->kick[VIRTIO_NET_RXQ], .events = POLLIN },
            { .fd = t->v->kick[VIRTIO_NET_TXQ], .events = POLLIN },
            { .fd = t->v->net->fd, .events = rx_stalled || broken ? 0 : POLLIN },
        };
        if (ppoll(fds, broken ? 1 : 4, more && !broken ? &now : NULL, NULL) < 0 && errno != EINTR)
            return;
        if (fds[0].revents) {
            drain(t->ctl);
            pthread_mutex_lock(&t->lock);
            int want = t->want;
            pthread_mutex_unlock(&t->lock);
            if (want != RUNNING)
                return;
        }
        if (broken)
            continue;
        if (fds[1].revents)
            drain(t->v->kick[VIRTIO_NET_RXQ]), rx_stalled = 0;
        if (fds[2].revents)
            drain(t->v->kick[VIRTIO_NET_TXQ]);
        int tx = serve_tx(t);
        int rx = tx < 0 ? 0 : serve_rx(t);
        broken = tx < 0 || rx < 0;
        rx_stalled = rx > 0;
        /* Frames the guest queued while we worked came with no kick (it saw
         * our old avail_event): serve them before sleeping. */
        more = !broken && vq_want_kick(&t->tx);
    }
}

static void *thread_main(void *arg)
{
    struct net_thread *t = arg;
    for (;;) {
        pthread_mutex_lock(&t->lock);
        t->state = PARKED;
        pthread_cond_broadcast(&t->changed);
        while (t->want == PARKED)
            pthread_cond_wait(&t->changed, &t->lock);
        int want = t->want;
        pthread_mutex_unlock(&t->lock);
        if (want == QUIT)
            break;
        set_state(t, RUNNING);
        run(t);
        pthread_mutex_lock(&t->lock);
        if (t->want == RUNNING) /* broken or failed: stay off the rings until a reset */
            while (t->want == RUNNING)
                pthread_cond_wait(&t->changed, &t->lock);
        pthread_mutex_unlock(&t->lock);
    }
    set_state(t, QUIT);
    return NULL;
}

/* Asks for a state and waits until the thread is in it. */
static void ask(struct net_thread *t, int want)
{
    uint64_t one = 1;
    pthread_mutex_lock(&t->lock);
    t->want = want;
    pthread_cond_broadcast(&t->changed);
    if (write(t->ctl, &one, sizeof one) < 0) { /* cannot fail on a fresh eventfd */ }
    while (t->state != want && !(want == PARKED && t->state == QUIT))
        pthread_cond_wait(&t->changed, &t->lock);
    pthread_mutex_unlock(&t->lock);
}

static int thread_start(struct virtio_mmio_dev *d, char *err, size_t errlen)
{
    struct virtio_net *v = d->backend;
    struct net_thread *t = v->thread;
    int event_idx = (d->acked & VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX)) != 0;
    if (vq_init(&t->rx, v->mem, &d->q[VIRTIO_NET_RXQ], event_idx, err, errlen) < 0 ||
        vq_init(&t->tx, v->mem, &d->q[VIRTIO_NET_TXQ], event_idx, err, errlen) < 0)
        return -1;
    unsigned offload = virtio_net_tap_offload(d->acked);
    if (ioctl(v->net->fd, TUNSETOFFLOAD, offload) < 0)
        return errmsg(err, errlen, "tap %s: TUNSETOFFLOAD: %s", v->net->spec.ifname,
                      strerror(errno));
    t->mrg = (d->acked & VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF)) != 0;
    t->pending = 0;
    ask(t, RUNNING);
    return 0;
}

static void thread_stop(struct virtio_mmio_dev *d)
{
    struct virtio_net *v = d->backend;
    ask(v->thread, PARKED);
}

const struct virtio_backend_ops net_thread_ops = { .start = thread_start, .stop = thread_stop };

int net_thread_create(struct virtio_net *v, char *err, size_t errlen)
{
    struct net_thread *t = calloc(1, sizeof *t);
    if (!t)
        return errmsg(err, errlen, "net %s: out of memory", v->net->spec.name);
    t->v = v;
    t->ctl = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->changed, NULL);
    t->state = -1;
    v->thread = t;
    if (t->ctl < 0 || pthread_create(&t->thread, NULL, thread_main, t) != 0) {
        if (t->ctl >= 0)
            close(t->ctl);
        free(t);
        v->thread = NULL;
        return errmsg(err, errlen, "net %s: cannot start its backend thread", v->net->spec.name);
    }
    ask(t, PARKED);
    return 0;
}

int net_thread_ctl_fd(const struct virtio_net *v)
{
    return v->thread ? v->thread->ctl : -1;
}

void net_thread_destroy(struct virtio_net *v)
{
    struct net_thread *t = v->thread;
    if (!t)
        return;
    ask(t, QUIT);
    pthread_join(t->thread, NULL);
    close(t->ctl);
    free(t);
    v->thread = NULL;
}
