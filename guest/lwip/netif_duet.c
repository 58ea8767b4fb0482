/*
 * lwIP's Ethernet driver over duet/net.h, batched: output frames are copied
 * into a queue and go to the host together with the next receive, in one
 * DUET_HC_NET_XFER exit; received frames land in PBUF_POOL buffers (each
 * holds a jumbo frame) with no copy. Under emulation an exit costs tens of
 * microseconds, so frames per exit is what sets the packet rate.
 */
#include <stdlib.h>
#include <string.h>
#include "duet/net.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif_duet.h"
#if !NO_SYS
#include "duet/wait.h"
#endif

_Static_assert(PBUF_POOL_BUFSIZE >= DUET_NET_FRAME_MAX, "a pool pbuf must hold a jumbo frame");

struct netstack_stats netif_duet_stats;

static size_t frame_max(const struct netif_duet *d)
{
    return d->info.mtu + DUET_NET_FRAME_OVERHEAD;
}

/* One transfer: the queued frames out, up to nrx frames in. Received count, or < 0. */
static int transfer(struct netif_duet *d, struct pbuf **rx, unsigned nrx)
{
    struct duet_net_desc desc[NETIF_DUET_RX_BATCH];
    for (unsigned i = 0; i < nrx; i++)
        desc[i] = (struct duet_net_desc){ .data = (uint64_t)(uintptr_t)rx[i]->payload,
                                          .len = (uint32_t)frame_max(d) };
    unsigned sent = 0;
    int got = duet_net_xfer(d->dev, d->tx, d->tx_n, &sent, desc, nrx);
    netif_duet_stats.tx_frames += sent;
    netif_duet_stats.tx_errors += d->tx_n - sent;
    d->tx_n = 0;
    for (int i = 0; i < got; i++)
        pbuf_realloc(rx[i], (u16_t)desc[i].len);
    return got;
}

void netif_duet_flush(struct netif_duet *d)
{
    if (d->tx_n)
        transfer(d, NULL, 0);
}

static err_t link_output(struct netif *nif, struct pbuf *p)
{
    struct netif_duet *d = nif->state;
    if (p->tot_len > frame_max(d)) {
        netif_duet_stats.tx_errors++;
        return ERR_BUF;
    }
    if (d->tx_n == NETIF_DUET_TX_BATCH)
        netif_duet_flush(d);
    /* A copy: lwIP may change or free the pbuf once this returns. */
    uint8_t *slot = d->tx_slots + d->tx_n * frame_max(d);
    pbuf_copy_partial(p, slot, p->tot_len, 0);
    d->tx[d->tx_n++] = (struct duet_net_desc){ .data = (uint64_t)(uintptr_t)slot,
                                               .len = p->tot_len };
#if !NO_SYS
    sched_event_signal(); /* the receive thread sends the queue at its next turn */
#endif
    return ERR_OK;
}

err_t netif_duet_init(struct netif *nif)
{
    struct netif_duet *d = nif->state;
    d->tx_slots = malloc(NETIF_DUET_TX_BATCH * frame_max(d));
    if (!d->tx_slots)
        return ERR_MEM;
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
    struct pbuf *rx[NETIF_DUET_RX_BATCH];
    for (int done = 0;;) {
        unsigned want = budget - done < NETIF_DUET_RX_BATCH ? (unsigned)(budget - done)
                                                           : NETIF_DUET_RX_BATCH;
        unsigned have = 0;
        while (have < want && (rx[have] = pbuf_alloc(PBUF_RAW, (u16_t)frame_max(d), PBUF_POOL)))
            have++;
        int got = transfer(d, rx, have);
        for (unsigned i = 0; i < have; i++) {
            if ((int)i >= got) {
                pbuf_free(rx[i]);
                continue;
            }
            netif_duet_stats.rx_frames++;
            if (d->netif.input(rx[i], &d->netif) != ERR_OK) { /* output joins d->tx */
                netif_duet_stats.rx_dropped++;
                pbuf_free(rx[i]);
            }
        }
        if (got < 0) { /* the host's tap failed: retry at lwIP's next timer, not in a spin */
            netif_duet_stats.rx_dropped++;
            return NETIF_DUET_DRAINED;
        }
        done += got;
        if (have == 0 || done >= budget) {
            netif_duet_flush(d);
            return NETIF_DUET_BUSY; /* buffers or budget ran out before the frames did */
        }
        if ((unsigned)got < have && d->tx_n == 0)
            return NETIF_DUET_DRAINED; /* the host ran dry and armed the interrupt */
        /* More may wait, or replies are queued: the next transfer takes both. */
    }
}
