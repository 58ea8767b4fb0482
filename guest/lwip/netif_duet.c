/*
 * lwIP's Ethernet driver over duet/net.h: frames go to the host as they are.
 * Receive buffers come from lwIP's PBUF_POOL, whose buffers hold a whole
 * jumbo frame, so a frame lands in one pbuf with no copy.
 */
#include <string.h>
#include "duet/net.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif_duet.h"

_Static_assert(PBUF_POOL_BUFSIZE >= DUET_NET_FRAME_MAX, "a pool pbuf must hold a jumbo frame");

struct netstack_stats netif_duet_stats;

static err_t link_output(struct netif *nif, struct pbuf *p)
{
    static uint8_t frame[DUET_NET_FRAME_MAX];
    struct netif_duet *d = nif->state;
    const void *data = p->payload;
    if (p->tot_len > sizeof frame) {
        netif_duet_stats.tx_errors++;
        return ERR_BUF;
    }
    if (p->next) { /* chained (headers + data): the host wants one buffer */
        pbuf_copy_partial(p, frame, p->tot_len, 0);
        data = frame;
    }
    if (duet_net_send(d->dev, data, p->tot_len) < 0) {
        netif_duet_stats.tx_errors++;
        return ERR_IF;
    }
    netif_duet_stats.tx_frames++;
    return ERR_OK;
}

err_t netif_duet_init(struct netif *nif)
{
    struct netif_duet *d = nif->state;
    nif->name[0] = 'e';
    nif->name[1] = 'n';
    nif->output = etharp_output;
    nif->linkoutput = link_output;
    nif->mtu = (u16_t)d->info.mtu;
    nif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(nif->hwaddr, d->info.mac, ETH_HWADDR_LEN);
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
                 NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

int netif_duet_poll(struct netif_duet *d, int budget)
{
    size_t cap = d->info.mtu + DUET_NET_FRAME_OVERHEAD;
    for (int n = 0; n < budget; n++) {
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)cap, PBUF_POOL);
        if (!p)
            return NETIF_DUET_BUSY; /* out of buffers: frames wait with the host */
        int64_t len = duet_net_recv(d->dev, p->payload, cap);
        if (len <= 0) {
            pbuf_free(p);
            /* DUET_EAGAIN: drained, and the device's interrupt is armed */
            return len == DUET_EAGAIN ? NETIF_DUET_DRAINED : NETIF_DUET_BUSY;
        }
        pbuf_realloc(p, (u16_t)len);
        netif_duet_stats.rx_frames++;
        if (d->netif.input(p, &d->netif) != ERR_OK) {
            netif_duet_stats.rx_dropped++;
            pbuf_free(p);
        }
    }
    return NETIF_DUET_BUSY; /* the budget ran out before the frames did */
}
