/*
 * virtio-net receive by copy (duet_net_recv, duet_net_xfer, and
 * duet_net_rx_copy's fallback): a frame's buffers, one or several
 * (MRG_RXBUF), copied into the caller's buffer and given straight back to
 * the device.
 */
#include <string.h>
#include "nic.h"

long vnet_copy_frame(struct nic *n, unsigned id, uint32_t len, uint8_t *buf, size_t cap,
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
    long got = vnet_copy_frame(n, id, len, buf, cap, &h);
    if (got > 0 && (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
        vnet_complete_checksum(buf, (size_t)got, &h);
    return got;
}

long vnet_receive(struct nic *n, void *buf, size_t cap)
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
