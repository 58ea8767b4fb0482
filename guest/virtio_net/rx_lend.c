/*
 * virtio-net receive without a copy, for lwIP (duet/net.h's
 * duet_net_rx_next...): a frame is lent where the device put it, as long as
 * at most half the ring is out that way and it fits one buffer (or large
 * receive lends it in parts); any other frame waits for duet_net_rx_copy.
 * A lent buffer goes back to the device on duet_net_rx_release.
 */
#include <string.h>
#include "nic.h"

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
    struct nic *n = vnet_nic(dev);
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
    struct nic *n = vnet_nic(dev);
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
    struct nic *n = vnet_nic(dev);
    if (!n || !n->pend)
        return DUET_EINVAL;
    n->pend = 0;
    struct virtio_net_hdr h;
    long got = vnet_copy_frame(n, n->pend_id, n->pend_len, buf, cap, &h);
    virtq_kick(&n->rx);
    r->flags = rx_flags(&h, r);
    r->len = got > 0 ? (uint32_t)got : 0;
    return got > 0 ? got : DUET_EINVAL;
}

void duet_net_rx_release(int dev, uint32_t token)
{
    struct nic *n = vnet_nic(dev);
    if (!n || token >= n->rx.size || n->rx_out == 0)
        return;
    n->rx_out--;
    virtq_post(&n->rx, token, n->rx_buf_len);
    virtq_kick(&n->rx);
}
