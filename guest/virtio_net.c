/*
 * virtio-net (virtio 1.2, 5.1) behind duet/net.h, on any platform whose
 * device tree lists virtio-mmio NICs. Frames are copied into and out of
 * buffers the driver owns for good (descriptor i = buffer i): the receive
 * queue stays full of empty buffers, the send queue takes one buffer per
 * frame (header + frame). The receive interrupt is asked for (EVENT_IDX's
 * used_event) only when a receive found nothing, so a busy guest polls and
 * an idle one sleeps; the send queue never interrupts (its buffers are
 * reclaimed on the next send).
 *
 * For lwIP (duet_net_rx_next...): received frames stay in their ring buffer
 * until the stack frees them (zero copy), as long as at most half the ring
 * is out that way and the frame fits one buffer; sends are written straight
 * into a send buffer, with the TCP/UDP checksum left to the device
 * (VIRTIO_NET_F_CSUM: the header's NEEDS_CSUM).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "duet/irq.h"
#include "duet/net_driver.h"
#include "duet/virtio_mmio.h"

#define MAX_NICS     4
#define RXQ_MAX      256
#define TXQ_MAX      128
#define MRG_BUF_LEN  2048   /* one receive buffer when frames may span several */
#define HDR          sizeof(struct virtio_net_hdr)

#define LARGE_RECEIVE (VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4)) /* only for a stack that asks */
#define WANTED (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX) | \
                VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) | VIRTIO_BIT(VIRTIO_NET_F_MAC) |      \
                VIRTIO_BIT(VIRTIO_NET_F_MTU) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |    \
                VIRTIO_BIT(VIRTIO_NET_F_CSUM))

struct nic {
    struct virtio_mmio_dev mmio;
    struct duet_net_info info;
    struct virtq rx, tx;
    uint8_t *rx_bufs, *tx_bufs;
    uint32_t rx_buf_len, tx_buf_len;
    int mrg;                      /* MRG_RXBUF: num_buffers counts a frame's buffers */
    int large;                    /* GUEST_TSO4 with MRG_RXBUF: lent frames may span buffers */
    unsigned parts_left;          /* of the frame duet_net_rx_next lent in parts */
    uint16_t tx_free[TXQ_MAX];    /* send buffers not with the device */
    unsigned tx_nfree;
    int tx_open;                  /* -1, or the buffer duet_net_tx_begin handed out */
    unsigned rx_out;              /* receive buffers lent to the stack (zero copy) */
    unsigned pend_id;             /* duet_net_rx_next's frame for duet_net_rx_copy */
    uint32_t pend_len;
    int pend;
};

static struct nic nics[MAX_NICS];
static int nnics = -1;            /* -1: not probed yet */

static void rx_interrupt(unsigned intid, void *ctx)
{
    (void)intid;
    if (virtio_mmio_interrupt(ctx) & VIRTIO_INT_USED_RING)
        net_frame_waiting = 1;
}

static void read_identity(struct nic *n, int index)
{
    memset(&n->info, 0, sizeof n->info);
    if (n->mmio.name) /* Duet's host names its NICs as --net did */
        strncpy(n->info.name, n->mmio.name, DUET_NET_NAME_MAX);
    else              /* qemu-virt: net0, net1, ... in device-tree order */
        snprintf(n->info.name, sizeof n->info.name, "net%d", index);
    n->info.mtu = 1500;
    if (n->mmio.features & VIRTIO_BIT(VIRTIO_NET_F_MTU)) {
        uint16_t mtu;
        virtio_mmio_config(&n->mmio, VIRTIO_NET_CFG_MTU, &mtu, 2);
        if (mtu >= 68 && mtu <= DUET_NET_MTU_MAX)
            n->info.mtu = mtu;
    }
    static const uint8_t local[6] = { 0x02, 0, 0, 0, 0, 0 }; /* locally administered */
    memcpy(n->info.mac, local, 6);
    n->info.mac[5] = (uint8_t)(index + 1);
    if (n->mmio.features & VIRTIO_BIT(VIRTIO_NET_F_MAC))
        virtio_mmio_config(&n->mmio, VIRTIO_NET_CFG_MAC, n->info.mac, 6);
}

static int bring_up(struct nic *n, int index)
{
    uint64_t wanted = WANTED | (duet_net_large_receive && duet_net_large_receive() ? LARGE_RECEIVE : 0);
    if (virtio_mmio_negotiate(&n->mmio, wanted, VIRTIO_BIT(VIRTIO_F_VERSION_1)) < 0)
        return -1;
    read_identity(n, index);
    n->mrg = (n->mmio.features & VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF)) != 0;
    n->large = n->mrg && (n->mmio.features & LARGE_RECEIVE);
    uint32_t frame = n->info.mtu + DUET_NET_FRAME_OVERHEAD;
    n->rx_buf_len = n->mrg ? MRG_BUF_LEN : (uint32_t)((HDR + frame + 15) & ~15u);
    n->tx_buf_len = (uint32_t)((HDR + frame + 15) & ~15u);
    if (virtio_mmio_queue(&n->mmio, &n->rx, VIRTIO_NET_RXQ, RXQ_MAX) < 0 ||
        virtio_mmio_queue(&n->mmio, &n->tx, VIRTIO_NET_TXQ, TXQ_MAX) < 0)
        return -1;
    n->rx_bufs = malloc((size_t)n->rx.size * n->rx_buf_len);
    n->tx_bufs = calloc(n->tx.size, n->tx_buf_len);
    if (!n->rx_bufs || !n->tx_bufs)
        return -1;
    for (unsigned i = 0; i < n->rx.size; i++) {
        virtq_set_buffer(&n->rx, i, n->rx_bufs + (size_t)i * n->rx_buf_len, n->rx_buf_len, 1);
        virtq_post(&n->rx, i, n->rx_buf_len);
    }
    for (unsigned i = 0; i < n->tx.size; i++) {
        virtq_set_buffer(&n->tx, i, n->tx_bufs + (size_t)i * n->tx_buf_len, 0, 0);
        n->tx_free[i] = (uint16_t)i;
    }
    n->tx_nfree = n->tx.size;
    n->tx_open = -1;
    virtq_quiet(&n->tx);
    if (n->mmio.intid && irq_set_edge(n->mmio.intid) == 0)
        irq_register(n->mmio.intid, rx_interrupt, &n->mmio);
    virtio_mmio_ready(&n->mmio);
    virtq_kick(&n->rx);
    return 0;
}

static int probe(void)
{
    if (nnics >= 0)
        return nnics;
    nnics = 0;
    for (int i = 0; nnics < MAX_NICS; i++) {
        struct nic *n = &nics[nnics];
        if (virtio_mmio_find(VIRTIO_ID_NET, i, &n->mmio) < 0)
            break;
        if (bring_up(n, nnics) == 0)
            nnics++;
    }
    return nnics;
}

static struct nic *nic(int dev)
{
    return dev >= 0 && dev < probe() ? &nics[dev] : NULL;
}

static int vn_open(const char *name)
{
    for (int i = 0; i < probe(); i++)
        if (!strcmp(nics[i].info.name, name))
            return i;
    return DUET_ENODEV;
}

static int vn_info(int dev, struct duet_net_info *info)
{
    struct nic *n = nic(dev);
    if (!n)
        return DUET_ENODEV;
    *info = n->info;
    return 0;
}

static void reclaim_tx(struct nic *n)
{
    unsigned id;
    uint32_t len;
    while (virtq_pop(&n->tx, &id, &len))
        if (id < n->tx.size && n->tx_nfree < n->tx.size)
            n->tx_free[n->tx_nfree++] = (uint16_t)id;
}

/* Queues one frame (published by the caller's kick). 0 or DUET_E*. */
static int queue_frame(struct nic *n, const void *frame, size_t len)
{
    if (len < 14 || len > n->info.mtu + DUET_NET_FRAME_OVERHEAD)
        return DUET_EINVAL;
    if (n->tx_nfree == 0) {
        virtq_kick(&n->tx);
        reclaim_tx(n);
        if (n->tx_nfree == 0)
            return DUET_EAGAIN; /* the device is behind by a whole ring */
    }
    unsigned id = n->tx_free[--n->tx_nfree];
    uint8_t *buf = n->tx_bufs + (size_t)id * n->tx_buf_len;
    memset(buf, 0, HDR); /* no offloads asked for: checksums are complete */
    memcpy(buf + HDR, frame, len);
    virtq_post(&n->tx, id, (uint32_t)(HDR + len));
    return 0;
}

static int64_t vn_send(int dev, const void *frame, size_t len)
{
    struct nic *n = nic(dev);
    if (!n)
        return DUET_ENODEV;
    reclaim_tx(n);
    int rc = queue_frame(n, frame, len);
    virtq_kick(&n->tx);
    return rc < 0 ? rc : (int64_t)len;
}

/* NEEDS_CSUM (GUEST_CSUM): the checksum field holds the pseudo-header sum; finish it. */
static void complete_checksum(uint8_t *frame, size_t len, const struct virtio_net_hdr *h)
{
    size_t start = h->csum_start, at = start + h->csum_offset;
    if (start >= len || at + 2 > len)
        return;
    uint32_t sum = 0;
    for (size_t i = start; i + 1 < len; i += 2)
        sum += (uint32_t)frame[i] << 8 | frame[i + 1];
    if ((len - start) & 1)
        sum += (uint32_t)frame[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    uint16_t c = (uint16_t)~sum;
    frame[at] = (uint8_t)(c >> 8);
    frame[at + 1] = (uint8_t)c;
}

/*
 * The frame whose first buffer is (id, len), copied into buf: its length,
 * or -1 when it was dropped (too big for cap, malformed; buf NULL drops it).
 * Its buffers go back to the device (published by the caller's kick).
 */
static long copy_frame(struct nic *n, unsigned id, uint32_t len, uint8_t *buf, size_t cap,
                       struct virtio_net_hdr *h)
{
    uint8_t *b = n->rx_bufs + (size_t)id * n->rx_buf_len;
    memcpy(h, b, HDR);
    unsigned parts = n->mrg ? h->num_buffers : 1;
    size_t got = 0;
    int bad = !buf || len < HDR || len > n->rx_buf_len || parts == 0;
    for (unsigned p = 0;; p++) {
        size_t skip = p == 0 ? HDR : 0;
        if (!bad && len >= skip && got + (len - skip) <= cap)
            memcpy(buf + got, b + skip, len - skip), got += len - skip;
        else
            bad = 1;
        virtq_post(&n->rx, id, n->rx_buf_len);
        if (p + 1 >= parts)
            break;
        if (!virtq_pop(&n->rx, &id, &len) || id >= n->rx.size)
            return -1;
        b = n->rx_bufs + (size_t)id * n->rx_buf_len;
        bad |= len > n->rx_buf_len;
    }
    return bad || got < 14 ? -1 : (long)got;
}

/*
 * One frame out of the receive queue into buf, its checksum completed: its
 * length, 0 when the queue is empty, or -1 for a frame that was dropped.
 */
static long take_frame(struct nic *n, uint8_t *buf, size_t cap)
{
    unsigned id;
    uint32_t len;
    if (!virtq_pop(&n->rx, &id, &len))
        return 0;
    if (id >= n->rx.size)
        return -1; /* not one of ours: nothing to give back */
    struct virtio_net_hdr h;
    long got = copy_frame(n, id, len, buf, cap, &h);
    if (got > 0 && (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
        complete_checksum(buf, (size_t)got, &h);
    return got;
}

/* Receives one frame: its length, or 0 when none waits (the interrupt is then armed). */
static long receive(struct nic *n, void *buf, size_t cap)
{
    for (;;) {
        long got = take_frame(n, buf, cap);
        if (got > 0)
            return got;
        if (got == 0 && !virtq_arm(&n->rx))
            return 0;
        /* dropped, or a frame arrived while arming: look again */
    }
}

static int64_t vn_recv(int dev, void *buf, size_t cap)
{
    struct nic *n = nic(dev);
    if (!n)
        return DUET_ENODEV;
    if (cap < n->info.mtu + DUET_NET_FRAME_OVERHEAD)
        return DUET_EINVAL;
    long got = receive(n, buf, cap);
    virtq_kick(&n->rx);
    return got > 0 ? got : DUET_EAGAIN;
}

static int vn_xfer(int dev, struct duet_net_desc *tx, unsigned ntx, unsigned *sent,
                   struct duet_net_desc *rx, unsigned nrx)
{
    struct nic *n = nic(dev);
    if (sent)
        *sent = 0;
    if (!n)
        return DUET_ENODEV;
    reclaim_tx(n);
    unsigned ok = 0;
    for (unsigned i = 0; i < ntx; i++) {
        tx[i].ret = queue_frame(n, (const void *)(uintptr_t)tx[i].data, tx[i].len);
        ok += tx[i].ret == 0;
    }
    virtq_kick(&n->tx);
    if (sent)
        *sent = ok;
    unsigned done = 0;
    for (; done < nrx; done++) {
        if (rx[done].len < n->info.mtu + DUET_NET_FRAME_OVERHEAD) {
            virtq_kick(&n->rx);
            return DUET_EINVAL;
        }
        long got = receive(n, (void *)(uintptr_t)rx[done].data, rx[done].len);
        if (got == 0)
            break;
        rx[done].len = (uint32_t)got;
        rx[done].ret = 0;
    }
    virtq_kick(&n->rx);
    return (int)done;
}

const struct net_driver virtio_net_driver = {
    .name = "virtio-net", .count = probe, .open = vn_open, .info = vn_info,
    .send = vn_send, .recv = vn_recv, .xfer = vn_xfer,
};

/* --- zero copy and offloads (duet/net.h), for lwIP's driver -------------- */

unsigned duet_net_offloads(int dev)
{
    struct nic *n = nic(dev);
    return n && (n->mmio.features & VIRTIO_BIT(VIRTIO_NET_F_CSUM)) ? DUET_NET_TX_CSUM : 0;
}

static uint32_t rx_flags(const struct virtio_net_hdr *h, struct duet_net_rx *r)
{
    r->csum_start = r->csum_offset = 0;
    if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        r->csum_start = h->csum_start;
        r->csum_offset = h->csum_offset;
        return DUET_NET_RX_CSUM_OK | DUET_NET_RX_CSUM_PARTIAL;
    }
    return h->flags & VIRTIO_NET_HDR_F_DATA_VALID ? DUET_NET_RX_CSUM_OK : 0;
}

int duet_net_rx_next(int dev, struct duet_net_rx *r)
{
    struct nic *n = nic(dev);
    if (!n)
        return DUET_ENODEV;
    if (n->pend) /* the last one was never copied: drop it */
        duet_net_rx_copy(dev, r, NULL, 0);
    while (n->parts_left) { /* parts of the last one never taken: back to the device */
        struct duet_net_rx part;
        if (duet_net_rx_next_part(dev, &part) == 1)
            duet_net_rx_release(dev, part.token);
    }
    for (;;) {
        unsigned id;
        uint32_t len;
        if (!virtq_pop(&n->rx, &id, &len)) {
            if (virtq_arm(&n->rx))
                continue; /* one arrived while arming */
            virtq_kick(&n->rx);
            return 0;
        }
        if (id >= n->rx.size)
            continue; /* not one of ours: nothing to give back */
        const uint8_t *b = n->rx_bufs + (size_t)id * n->rx_buf_len;
        struct virtio_net_hdr h;
        memcpy(&h, b, HDR);
        r->flags = rx_flags(&h, r);
        unsigned parts = n->mrg ? h.num_buffers : 1;
        r->parts = 0;
        if (len >= HDR + 14 && len <= n->rx_buf_len && parts >= 1 &&
            (parts == 1 || n->large) && n->rx_out + parts <= n->rx.size / 2) {
            r->data = (void *)(b + HDR);
            r->len = len - HDR;
            r->token = id;
            r->parts = parts - 1;
            n->parts_left = parts - 1;
            n->rx_out++;
            return 1;
        }
        n->pend = 1, n->pend_id = id, n->pend_len = len;
        r->data = NULL;
        r->len = 0;
        return 1;
    }
}

int duet_net_rx_next_part(int dev, struct duet_net_rx *r)
{
    struct nic *n = nic(dev);
    unsigned id;
    uint32_t len;
    if (!n || !n->parts_left)
        return DUET_EINVAL;
    n->parts_left--;
    /* The device publishes a frame's buffers together: the rest is there. */
    if (!virtq_pop(&n->rx, &id, &len) || id >= n->rx.size)
        return DUET_EIO;
    r->token = id;
    if (len == 0 || len > n->rx_buf_len) {
        virtq_post(&n->rx, id, n->rx_buf_len);
        return DUET_EIO;
    }
    r->data = n->rx_bufs + (size_t)id * n->rx_buf_len;
    r->len = len;
    r->parts = n->parts_left;
    n->rx_out++;
    return 1;
}

int64_t duet_net_rx_copy(int dev, struct duet_net_rx *r, void *buf, size_t cap)
{
    struct nic *n = nic(dev);
    if (!n || !n->pend)
        return DUET_EINVAL;
    n->pend = 0;
    struct virtio_net_hdr h;
    long got = copy_frame(n, n->pend_id, n->pend_len, buf, cap, &h);
    virtq_kick(&n->rx);
    r->flags = rx_flags(&h, r);
    r->len = got > 0 ? (uint32_t)got : 0;
    return got > 0 ? got : DUET_EINVAL;
}

void duet_net_rx_release(int dev, uint32_t token)
{
    struct nic *n = nic(dev);
    if (!n || token >= n->rx.size || n->rx_out == 0)
        return;
    n->rx_out--;
    virtq_post(&n->rx, token, n->rx_buf_len);
    virtq_kick(&n->rx);
}

void *duet_net_tx_begin(int dev, size_t len)
{
    struct nic *n = nic(dev);
    if (!n || n->tx_open >= 0 || len < 14 || len > n->info.mtu + DUET_NET_FRAME_OVERHEAD)
        return NULL;
    reclaim_tx(n);
    if (n->tx_nfree == 0) {
        virtq_kick(&n->tx);
        reclaim_tx(n);
        if (n->tx_nfree == 0)
            return NULL;
    }
    n->tx_open = n->tx_free[--n->tx_nfree];
    return n->tx_bufs + (size_t)n->tx_open * n->tx_buf_len + HDR;
}

int duet_net_tx_end(int dev, size_t len, unsigned csum_start, unsigned csum_offset)
{
    struct nic *n = nic(dev);
    if (!n || n->tx_open < 0)
        return DUET_EINVAL;
    unsigned id = (unsigned)n->tx_open;
    n->tx_open = -1;
    uint8_t *buf = n->tx_bufs + (size_t)id * n->tx_buf_len;
    struct virtio_net_hdr h = { 0 };
    if (csum_start && csum_start + csum_offset + 2 <= len) {
        h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        h.csum_start = (uint16_t)csum_start;
        h.csum_offset = (uint16_t)csum_offset;
        if (!(n->mmio.features & VIRTIO_BIT(VIRTIO_NET_F_CSUM))) {
            complete_checksum(buf + HDR, len, &h); /* the device cannot: we do */
            h.flags = 0;
        }
    }
    memcpy(buf, &h, HDR);
    if (len < 14 || len > n->info.mtu + DUET_NET_FRAME_OVERHEAD) {
        n->tx_free[n->tx_nfree++] = (uint16_t)id;
        return DUET_EINVAL;
    }
    virtq_post(&n->tx, id, (uint32_t)(HDR + len));
    return 0;
}

void duet_net_tx_flush(int dev)
{
    struct nic *n = nic(dev);
    if (n)
        virtq_kick(&n->tx);
}
