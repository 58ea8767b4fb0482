/*
 * The driver behind duet/net.h (guest/net.c): virtio-net over virtio-mmio
 * (guest/virtio_net/), on every platform. The signatures are duet/net.h's;
 * the zero-copy and offload calls are the driver's own (duet_net_rx_next...).
 */
#ifndef DUET_NET_DRIVER_H
#define DUET_NET_DRIVER_H

#include "duet/net.h"

/* Set by any network device's interrupt; duet_net_wait() sleeps on it. */
extern volatile int net_frame_waiting;

struct net_driver {
    const char *name;
    int (*count)(void);
    int (*open)(const char *name);
    int (*info)(int dev, struct duet_net_info *info);
    int64_t (*send)(int dev, const void *frame, size_t len);
    int64_t (*recv)(int dev, void *buf, size_t cap);
    int (*xfer)(int dev, struct duet_net_desc *tx, unsigned ntx, unsigned *sent,
                struct duet_net_desc *rx, unsigned nrx);
};

extern const struct net_driver virtio_net_driver;

#endif
