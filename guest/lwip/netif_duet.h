/* lwIP's driver for one Duet network device (netif_duet.c). */
#ifndef DUET_NETIF_DUET_H
#define DUET_NETIF_DUET_H

#include "duet/net.h"
#include "duet/netstack.h"
#include "lwip/netif.h"

#define NETIF_DUET_TX_BATCH 32   /* frames queued before a transfer must go */
#define NETIF_DUET_RX_BATCH 16   /* frames received per transfer at most */

struct netif_duet {
    struct netif netif;
    int dev;
    struct duet_net_info info;
    uint8_t *tx_slots;           /* NETIF_DUET_TX_BATCH frames of mtu + 18 bytes */
    struct duet_net_desc tx[NETIF_DUET_TX_BATCH];
    unsigned tx_n;               /* frames queued, not yet handed to the host */
};

/* netif_add()'s init function; nif->state is the struct netif_duet. */
err_t netif_duet_init(struct netif *nif);

/*
 * Hands queued frames to the host and up to `budget` waiting frames to
 * lwIP, several per exit, until both run dry. NETIF_DUET_DRAINED: the host
 * had no more and will interrupt on the next one, so sleeping is safe;
 * NETIF_DUET_BUSY: frames may still wait (budget or buffers ran out), and
 * no interrupt will come for them: poll again before sleeping.
 */
enum { NETIF_DUET_DRAINED, NETIF_DUET_BUSY };
int netif_duet_poll(struct netif_duet *d, int budget);
/* Hands queued frames to the host (output made outside netif_duet_poll). */
void netif_duet_flush(struct netif_duet *d);

extern struct netstack_stats netif_duet_stats;

#endif
