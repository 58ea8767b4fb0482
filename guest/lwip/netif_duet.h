/* lwIP's driver for one Duet network device (netif_duet.c). */
#ifndef DUET_NETIF_DUET_H
#define DUET_NETIF_DUET_H

#include "duet/net.h"
#include "duet/netstack.h"
#include "lwip/netif.h"

struct netif_duet {
    struct netif netif;
    int dev;
    struct duet_net_info info;
};

/* netif_add()'s init function; nif->state is the struct netif_duet. */
err_t netif_duet_init(struct netif *nif);
/*
 * Hands up to `budget` waiting frames to lwIP. NETIF_DUET_DRAINED: the host
 * had no more and will interrupt on the next one, so sleeping is safe;
 * NETIF_DUET_BUSY: frames may still wait (budget or buffers ran out), and
 * no interrupt will come for them: poll again before sleeping.
 */
enum { NETIF_DUET_DRAINED, NETIF_DUET_BUSY };
int netif_duet_poll(struct netif_duet *d, int budget);

extern struct netstack_stats netif_duet_stats;

#endif
