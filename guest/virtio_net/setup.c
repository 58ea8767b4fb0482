/*
 * virtio-net bring-up: feature negotiation, the NIC's name, MTU and MAC,
 * its rings and the buffers that stay theirs, the receive interrupt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "duet/irq.h"
#include "nic.h"

#define MAX_NICS     4
#define MRG_BUF_LEN  2048   /* one receive buffer when frames may span several */

#define LARGE_RECEIVE (VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4)) /* only for a stack that asks */
#define WANTED (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX) | \
                VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) | VIRTIO_BIT(VIRTIO_NET_F_MAC) |      \
                VIRTIO_BIT(VIRTIO_NET_F_MTU) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |    \
                VIRTIO_BIT(VIRTIO_NET_F_CSUM))

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

int vnet_probe(void)
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

struct nic *vnet_nic(int dev)
{
    return dev >= 0 && dev < vnet_probe() ? &nics[dev] : NULL;
}

unsigned duet_net_offloads(int dev)
{
    struct nic *n = vnet_nic(dev);
    return n && (n->mmio.features & VIRTIO_BIT(VIRTIO_NET_F_CSUM)) ? DUET_NET_TX_CSUM : 0;
}
