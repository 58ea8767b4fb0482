/*
 * virtio-net send: a frame copied into a free send buffer (duet_net_send,
 * duet_net_xfer) or written there by the stack (duet_net_tx_begin/tx_end,
 * with the checksum left to the device when it can). Buffers come back as
 * the device uses them, looked for on the next send.
 */
#include <string.h>
#include "nic.h"

void vnet_reclaim_tx(struct nic *n)
{
    unsigned id;
    uint32_t len;
    while (virtq_pop(&n->tx, &id, &len))
        if (id < n->tx.size && n->tx_nfree < n->tx.size)
            n->tx_free[n->tx_nfree++] = (uint16_t)id;
}

/* An Ethernet frame this NIC can send: a header at least, at most its MTU's worth. */
static int frame_len_ok(const struct nic *n, size_t len)
{
    return len >= 14 && len <= n->info.mtu + DUET_NET_FRAME_OVERHEAD;
}

/* A free send buffer's id, kicking the device and reclaiming once when none
 * is; -1 when it is still behind by a whole ring. */
static int take_tx_buffer(struct nic *n)
{
    if (n->tx_nfree == 0) {
        virtq_kick(&n->tx);
        vnet_reclaim_tx(n);
        if (n->tx_nfree == 0)
            return -1;
    }
    return n->tx_free[--n->tx_nfree];
}

int vnet_queue_frame(struct nic *n, const void *frame, size_t len)
{
    if (!frame_len_ok(n, len))
        return DUET_EINVAL;
    int slot = take_tx_buffer(n);
    if (slot < 0)
        return DUET_EAGAIN;
    unsigned id = (unsigned)slot;
    uint8_t *buf = n->tx_bufs + (size_t)id * n->tx_buf_len;
    memset(buf, 0, HDR); /* no offloads asked for: checksums are complete */
    memcpy(buf + HDR, frame, len);
    virtq_post(&n->tx, id, (uint32_t)(HDR + len));
    return 0;
}

void *duet_net_tx_begin(int dev, size_t len)
{
    struct nic *n = vnet_nic(dev);
    if (!n || n->tx_open >= 0 || !frame_len_ok(n, len))
        return NULL;
    vnet_reclaim_tx(n);
    if ((n->tx_open = take_tx_buffer(n)) < 0)
        return NULL;
    return n->tx_bufs + (size_t)n->tx_open * n->tx_buf_len + HDR;
}

int duet_net_tx_end(int dev, size_t len, unsigned csum_start, unsigned csum_offset)
{
    struct nic *n = vnet_nic(dev);
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
            vnet_complete_checksum(buf + HDR, len, &h); /* the device cannot: we do */
            h.flags = 0;
        }
    }
    memcpy(buf, &h, HDR);
    if (!frame_len_ok(n, len)) {
        n->tx_free[n->tx_nfree++] = (uint16_t)id;
        return DUET_EINVAL;
    }
    virtq_post(&n->tx, id, (uint32_t)(HDR + len));
    return 0;
}

void duet_net_tx_flush(int dev)
{
    struct nic *n = vnet_nic(dev);
    if (n)
        virtq_kick(&n->tx);
}
