/*
 * The vhost-net backend: the kernel moves frames between the rings and the
 * tap. The host sets it up once (owner, memory table) and at each DRIVER_OK
 * hands it the rings, the kick and call eventfds and the tap; no code of
 * ours runs per frame. vhost checks every ring access against the memory
 * table itself; the ring addresses we pass are checked here first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include "lib/errmsg.h"
#include "devices/virtio/virtio_net.h"

int vhost_net_open(struct virtio_net *v, char *err, size_t errlen)
{
    const char *name = v->net->spec.name;
    v->vhost_fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
    if (v->vhost_fd < 0)
        return errmsg(err, errlen, "net %s: /dev/vhost-net: %s", name, strerror(errno));
    /* One region: all of guest RAM (a header with a flexible array, then it). */
    uint64_t words[(sizeof(struct vhost_memory) + sizeof(struct vhost_memory_region)) / 8] = { 0 };
    struct vhost_memory *table = (struct vhost_memory *)words;
    table->nregions = 1;
    table->regions[0] = (struct vhost_memory_region){
        .guest_phys_addr = v->mem->base, .memory_size = v->mem->size,
        .userspace_addr = (uint64_t)(uintptr_t)v->mem->host };
    if (ioctl(v->vhost_fd, VHOST_SET_OWNER) < 0 ||
        ioctl(v->vhost_fd, VHOST_GET_FEATURES, &v->vhost_features) < 0 ||
        ioctl(v->vhost_fd, VHOST_SET_MEM_TABLE, table) < 0)
        return errmsg(err, errlen, "net %s: vhost-net setup: %s", name, strerror(errno));
    return 0;
}

/* A ring part's host address, or 0 when it is not wholly inside RAM. */
static uint64_t ring_host(struct virtio_net *v, uint64_t gpa, uint64_t len)
{
    void *p = gmem_ptr(v->mem, gpa, len);
    return p ? (uint64_t)(uintptr_t)p : 0;
}

static int vhost_start(struct virtio_mmio_dev *d, char *err, size_t errlen)
{
    struct virtio_net *v = d->backend;
    int fd = v->vhost_fd;
    /* Only the ring features are vhost's; the tap carries the header (TUNSETVNETHDRSZ). */
    uint64_t features = d->acked & v->vhost_features;
    unsigned offload = virtio_net_tap_offload(d->acked);
    if (ioctl(fd, VHOST_SET_FEATURES, &features) < 0)
        return errmsg(err, errlen, "vhost: features 0x%llx: %s", (unsigned long long)features,
                      strerror(errno));
    if (ioctl(v->net->fd, TUNSETOFFLOAD, offload) < 0)
        return errmsg(err, errlen, "tap %s: TUNSETOFFLOAD: %s", v->net->spec.ifname,
                      strerror(errno));
    for (unsigned i = 0; i < VIRTIO_DEV_QUEUES; i++) {
        const struct virtio_queue_cfg *q = &d->q[i];
        struct vhost_vring_addr addr = {
            .index = i,
            .desc_user_addr = ring_host(v, q->desc, VIRTQ_DESC_BYTES(q->num)),
            .avail_user_addr = ring_host(v, q->avail, VIRTQ_AVAIL_BYTES(q->num)),
            .used_user_addr = ring_host(v, q->used, VIRTQ_USED_BYTES(q->num)),
        };
        if (!addr.desc_user_addr || !addr.avail_user_addr || !addr.used_user_addr ||
            (q->desc & 15) || (q->avail & 1) || (q->used & 3))
            return errmsg(err, errlen, "queue %u: rings outside RAM or misaligned "
                          "(desc 0x%llx avail 0x%llx used 0x%llx)", i,
                          (unsigned long long)q->desc, (unsigned long long)q->avail,
                          (unsigned long long)q->used);
        struct vhost_vring_state num = { .index = i, .num = q->num }, base = { .index = i };
        struct vhost_vring_file kick = { .index = i, .fd = v->kick[i] };
        struct vhost_vring_file call = { .index = i, .fd = v->call };
        struct vhost_vring_file backend = { .index = i, .fd = v->net->fd };
        if (ioctl(fd, VHOST_SET_VRING_NUM, &num) < 0 || ioctl(fd, VHOST_SET_VRING_BASE, &base) < 0 ||
            ioctl(fd, VHOST_SET_VRING_ADDR, &addr) < 0 || ioctl(fd, VHOST_SET_VRING_KICK, &kick) < 0 ||
            ioctl(fd, VHOST_SET_VRING_CALL, &call) < 0 ||
            ioctl(fd, VHOST_NET_SET_BACKEND, &backend) < 0)
            return errmsg(err, errlen, "vhost: queue %u: %s", i, strerror(errno));
    }
    return 0;
}

/* Reset: vhost lets go of the tap and the rings (it finishes what is in flight first). */
static void vhost_stop(struct virtio_mmio_dev *d)
{
    struct virtio_net *v = d->backend;
    for (unsigned i = 0; i < VIRTIO_DEV_QUEUES; i++) {
        struct vhost_vring_file backend = { .index = i, .fd = -1 };
        ioctl(v->vhost_fd, VHOST_NET_SET_BACKEND, &backend);
    }
}

const struct virtio_backend_ops vhost_net_ops = { .start = vhost_start, .stop = vhost_stop };
