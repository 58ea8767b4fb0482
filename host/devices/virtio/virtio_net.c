/* virtio-net devices: features, configuration space, eventfd wiring (see virtio_net.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include "lib/errmsg.h"
#include "devices/virtio/net_thread.h"
#include "devices/virtio/virtio_net.h"

/* What the device offers; vhost narrows the ring features to its own. */
#define NET_FEATURES (VIRTIO_BIT(VIRTIO_NET_F_CSUM) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |     \
                      VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4) |                                    \
                      VIRTIO_BIT(VIRTIO_NET_F_MTU) | VIRTIO_BIT(VIRTIO_NET_F_MAC) |            \
                      VIRTIO_BIT(VIRTIO_NET_F_STATUS))
#define RING_FEATURES (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX) |   \
                       VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF))

int virtio_net_vhost_available(char *why, size_t whylen)
{
    int fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, whylen, "/dev/vhost-net: %s%s", strerror(errno),
                 errno == ENOENT ? " (is the vhost_net module loaded?)" : "");
        return 0;
    }
    close(fd);
    return 1;
}

unsigned virtio_net_tap_offload(uint64_t acked)
{
    if (!(acked & VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM)))
        return 0; /* GUEST_TSO4 needs GUEST_CSUM (virtio 1.2, 5.1.3.1) */
    return TUN_F_CSUM | (acked & VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4) ? TUN_F_TSO4 : 0);
}

static void write_config(struct virtio_net *v)
{
    uint8_t *c = v->mmio.config;
    memcpy(c + VIRTIO_NET_CFG_MAC, v->net->mac, 6);
    uint16_t status = VIRTIO_NET_S_LINK_UP, pairs = 1, mtu = (uint16_t)v->net->mtu;
    memcpy(c + VIRTIO_NET_CFG_STATUS, &status, 2);
    memcpy(c + VIRTIO_NET_CFG_MAX_PAIRS, &pairs, 2);
    memcpy(c + VIRTIO_NET_CFG_MTU, &mtu, 2);
    v->mmio.config_len = VIRTIO_NET_CFG_SIZE;
}

static int wire_eventfds(struct virtio_net *v, int vm_fd, char *err, size_t errlen)
{
    const char *name = v->net->spec.name;
    for (unsigned q = 0; q < VIRTIO_DEV_QUEUES; q++) {
        v->kick[q] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        struct kvm_ioeventfd io = {
            .datamatch = q, .addr = v->mmio.base + VIRTIO_MMIO_QUEUE_NOTIFY, .len = 4,
            .fd = v->kick[q], .flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
        };
        if (v->kick[q] < 0 || ioctl(vm_fd, KVM_IOEVENTFD, &io) < 0)
            return errmsg(err, errlen, "net %s: KVM_IOEVENTFD on queue %u: %s", name, q,
                          strerror(errno));
    }
    v->call = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct kvm_irqfd irq = { .fd = (uint32_t)v->call, .gsi = v->intid - 32 }; /* gsi: SPI number */
    if (v->call < 0 || ioctl(vm_fd, KVM_IRQFD, &irq) < 0)
        return errmsg(err, errlen, "net %s: KVM_IRQFD on SPI %u: %s", name, v->intid,
                      strerror(errno));
    return 0;
}

int virtio_net_create(struct virtio_net *v, struct net_dev *net, unsigned index, unsigned intid,
                      struct guest_mem *mem, int vm_fd, int vhost, char *err, size_t errlen)
{
    memset(v, 0, sizeof *v);
    v->kick[0] = v->kick[1] = v->call = v->vhost_fd = -1;
    v->net = net;
    v->mem = mem;
    v->intid = intid;
    v->mmio.base = DUET_VIRTIO_BASE + index * DUET_VIRTIO_STRIDE;
    v->mmio.device_id = VIRTIO_ID_NET;
    v->mmio.backend = v;
    write_config(v);
    if (wire_eventfds(v, vm_fd, err, errlen) < 0 ||
        (vhost ? vhost_net_open(v, err, errlen) : net_thread_create(v, err, errlen)) < 0) {
        virtio_net_destroy(v);
        return -1;
    }
    v->mmio.ops = vhost ? &vhost_net_ops : &net_thread_ops;
    /* Our thread walks the rings with all the ring features; vhost may know fewer. */
    v->mmio.offered = NET_FEATURES | (RING_FEATURES & (vhost ? v->vhost_features : ~0ULL));
    return 0;
}

void virtio_net_destroy(struct virtio_net *v)
{
    virtio_mmio_reset(&v->mmio);
    net_thread_destroy(v);
    int *fds[] = { &v->kick[0], &v->kick[1], &v->call, &v->vhost_fd };
    for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
}

struct virtio_net *virtio_net_at(struct virtio_net *devs, unsigned n, uint64_t addr)
{
    if (addr < DUET_VIRTIO_BASE)
        return NULL;
    uint64_t i = (addr - DUET_VIRTIO_BASE) / DUET_VIRTIO_STRIDE;
    return i < n ? &devs[i] : NULL;
}
