/* lwIP's driver for one Duet network device (netif_duet.c). */
#ifndef DUET_NETIF_DUET_H
#define DUET_NETIF_DUET_H

#include "duet/net.h"
#include "duet/netstack.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"

#define NETIF_DUET_RX_MAX 256    /* receive buffers that may be lent to lwIP (the ring's size) */

struct netif_duet;

struct netif_duet_pbuf {         /* a received frame lent to lwIP, in its ring buffer */
    struct pbuf_custom pc;
    struct netif_duet *owner;
    uint32_t token;
};

struct netif_duet {
    struct netif netif;
    int dev;
    struct duet_net_info info;
    unsigned offloads;           /* duet_net_offloads(): DUET_NET_TX_CSUM */
    unsigned tx_n;               /* frames queued since the last notification */
    int copy, sw_csum;           /* DUET_NET_ZEROCOPY=0, DUET_NET_CSUM=sw (measuring) */
    struct netif_duet_pbuf rx[NETIF_DUET_RX_MAX];
};

/* netif_add()'s init function; nif->state is the struct netif_duet. */
err_t netif_duet_init(struct netif *nif);

/*
 * Hands up to `budget` waiting frames to lwIP (each in its ring buffer, no
 * copy) and notifies the device of what lwIP sent meanwhile.
 * NETIF_DUET_DRAINED: the device had no more and will interrupt on the
 * next one, so sleeping is safe; NETIF_DUET_BUSY: frames may still wait
 * (the budget ran out), and no interrupt will come for them: poll again
 * before sleeping.
 */
enum { NETIF_DUET_DRAINED, NETIF_DUET_BUSY };
int netif_duet_poll(struct netif_duet *d, int budget);
/* Notifies the device of queued frames (output made outside netif_duet_poll). */
void netif_duet_flush(struct netif_duet *d);

extern struct netstack_stats netif_duet_stats;

#endif
