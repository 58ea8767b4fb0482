/*
 * virtio-net devices over virtio-mmio, one per --net: the transport
 * registers (virtio_mmio_dev), the wiring that keeps the host off the data
 * path (a KVM_IOEVENTFD per queue on QueueNotify as the kick, a KVM_IRQFD
 * on the device's SPI as the call), and a backend that serves the rings:
 * vhost-net in the kernel (vhost_net.c), or where that is missing a host
 * thread of ours (net_thread.c).
 */
#ifndef DUET_VIRTIO_NET_H
#define DUET_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>
#include "lib/guest_mem.h"
#include "devices/net/net_dev.h"
#include "devices/virtio/virtio_mmio_dev.h"

struct net_thread;

struct virtio_net {
    struct virtio_mmio_dev mmio;
    struct net_dev *net;             /* the tap (opened with a virtio-net header), MAC, MTU */
    struct guest_mem *mem;
    unsigned intid;                  /* its SPI */
    int kick[VIRTIO_DEV_QUEUES];     /* eventfds KVM signals on QueueNotify(queue) */
    int call;                        /* eventfd KVM turns into the SPI */
    int vhost_fd;                    /* /dev/vhost-net */
    uint64_t vhost_features;         /* what this vhost supports */
    struct net_thread *thread;       /* the fallback backend (net_thread.c), or NULL */
};

/* Whether /dev/vhost-net can be opened here; if not, why (for --verbose). */
int virtio_net_vhost_available(char *why, size_t whylen);

/*
 * Sets up device `index` (registers at DUET_VIRTIO_BASE + index * stride,
 * SPI `intid`) on an opened tap, served by vhost-net or (vhost 0) by a
 * host thread. 0, or -1 with a reason in err.
 */
int virtio_net_create(struct virtio_net *v, struct net_dev *net, unsigned index, unsigned intid,
                      struct guest_mem *mem, int vm_fd, int vhost, char *err, size_t errlen);
void virtio_net_destroy(struct virtio_net *v);

/* The device whose registers hold `addr`, or NULL. */
struct virtio_net *virtio_net_at(struct virtio_net *devs, unsigned n, uint64_t addr);

/* What the tap may hand the guest (TUNSETOFFLOAD) for the driver's features:
 * partial checksums with GUEST_CSUM, 64 KB TCPv4 segments with GUEST_TSO4. */
unsigned virtio_net_tap_offload(uint64_t acked);

/* vhost_net.c: the kernel backend. */
int vhost_net_open(struct virtio_net *v, char *err, size_t errlen);
extern const struct virtio_backend_ops vhost_net_ops;

#endif
