/*
 * Network devices backed by Linux tap interfaces:
 * `duet run --net:NAME=TAP[,mtu=N] [--net-mac:NAME=MAC]`. The guest sees
 * each as a virtio-net device (devices/virtio/); every frame on the tap
 * carries a virtio-net header (IFF_VNET_HDR), as vhost-net and the rings want.
 */
#ifndef DUET_NET_DEV_H
#define DUET_NET_DEV_H

#include <stddef.h>
#include <stdint.h>
#include "duet/manifest.h"

#define NET_MAX_DEVICES 4
#define NET_NAME_MAX DUET_DEVICE_NAME_MAX
#define NET_IFNAME_MAX  15   /* Linux's IFNAMSIZ - 1 */

struct net_spec {            /* what the command line asked for */
    char name[NET_NAME_MAX + 1];
    char ifname[NET_IFNAME_MAX + 1];
    uint32_t mtu;            /* 0: keep the tap's own MTU */
    uint8_t mac[6];
    int have_mac;            /* 0: duet makes up a locally administered one */
};

struct net_dev {             /* an opened device */
    struct net_spec spec;
    int fd;                  /* the tap queue, non-blocking */
    uint32_t mtu;            /* the tap's MTU, <= DUET_NET_MTU_MAX */
    uint8_t mac[6];          /* the guest's MAC */
    int created;             /* duet created the tap (it goes away with duet) */
    unsigned irq;            /* the device's SPI (INTID) */
};

/* Parses "NAME=TAP[,mtu=N]". 0, or -1 with a reason in err. */
int net_spec_parse(struct net_spec *s, const char *arg, char *err, size_t errlen);
/* Parses "NAME=MAC" (aa:bb:cc:dd:ee:ff) into name and mac. */
int net_mac_parse(char name[NET_NAME_MAX + 1], uint8_t mac[6], const char *arg,
                  char *err, size_t errlen);

/*
 * Attaches to tap `ifname` (IFF_VNET_HDR, a 12-byte header), creating it if
 * it does not exist and duet may.
 */
int net_open(struct net_dev *d, const struct net_spec *s, unsigned irq, char *err, size_t errlen);
void net_close(struct net_dev *d);

#endif
