/*
 * virtio-net as guest/net.c's driver (duet/net.h's raw calls): whole frames
 * copied in and out, one notification each way per call.
 */
#include <string.h>
#include "nic.h"

static int vn_open(const char *name)
{
    for (int i = 0; i < vnet_probe(); i++)
        if (!strcmp(vnet_nic(i)->info.name, name))
            return i;
    return DUET_ENODEV;
}

static int vn_info(int dev, struct duet_net_info *info)
{
    struct nic *n = vnet_nic(dev);
    if (!n)
        return DUET_ENODEV;
    *info = n->info;
    return 0;
}

static int64_t vn_send(int dev, const void *frame, size_t len)
{
    struct nic *n = vnet_nic(dev);
    if (!n)
        return DUET_ENODEV;
    vnet_reclaim_tx(n);
    int rc = vnet_queue_frame(n, frame, len);
    virtq_kick(&n->tx);
    return rc < 0 ? rc : (int64_t)len;
}

static int64_t vn_recv(int dev, void *buf, size_t cap)
{
    struct nic *n = vnet_nic(dev);
    if (!n)
        return DUET_ENODEV;
    if (cap < n->info.mtu + DUET_NET_FRAME_OVERHEAD)
        return DUET_EINVAL;
    long got = vnet_receive(n, buf, cap);
    virtq_kick(&n->rx);
    return got > 0 ? got : DUET_EAGAIN;
}

static int vn_xfer(int dev, struct duet_net_desc *tx, unsigned ntx, unsigned *sent,
                   struct duet_net_desc *rx, unsigned nrx)
{
    struct nic *n = vnet_nic(dev);
    if (sent)
        *sent = 0;
    if (!n)
        return DUET_ENODEV;
    vnet_reclaim_tx(n);
    unsigned ok = 0;
    for (unsigned i = 0; i < ntx; i++) {
        tx[i].ret = vnet_queue_frame(n, (const void *)(uintptr_t)tx[i].data, tx[i].len);
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
        long got = vnet_receive(n, (void *)(uintptr_t)rx[done].data, rx[done].len);
        if (got == 0)
            break;
        rx[done].len = (uint32_t)got;
        rx[done].ret = 0;
    }
    virtq_kick(&n->rx);
    return (int)done;
}

const struct net_driver virtio_net_driver = {
    .name = "virtio-net", .count = vnet_probe, .open = vn_open, .info = vn_info,
    .send = vn_send, .recv = vn_recv, .xfer = vn_xfer,
};
