/*
 * The device side of the virtio-mmio transport (virtio 1.2, 4.2.2), version
 * 2: the registers a driver reads and writes, feature negotiation that
 * refuses what was not offered, queue configuration, and the two moments
 * a backend cares about: DRIVER_OK (start serving these rings) and reset
 * (stop). It never touches the rings itself; its backends do (vhost-net in
 * the kernel, or a host thread), each checking what it reads there.
 */
#ifndef DUET_VIRTIO_MMIO_DEV_H
#define DUET_VIRTIO_MMIO_DEV_H

#include <stddef.h>
#include <stdint.h>
#include "duet/virtio.h"

#define VIRTIO_DEV_QUEUES      2        /* virtio-net: receive, send */
#define VIRTIO_DEV_QUEUE_MAX   256
#define VIRTIO_DEV_CONFIG_MAX  64

struct virtio_queue_cfg {             /* as the driver configured it */
    uint32_t num;
    uint32_t ready;
    uint64_t desc, avail, used;       /* guest-physical */
};

struct virtio_mmio_dev;

struct virtio_backend_ops {
    /* DRIVER_OK: serve the queues. 0, or -1 with a reason in err. */
    int (*start)(struct virtio_mmio_dev *d, char *err, size_t errlen);
    /* Reset while running: stop touching the rings before this returns. */
    void (*stop)(struct virtio_mmio_dev *d);
    /* A QueueNotify that reached the host (no ioeventfd caught it); may be NULL. */
    void (*notify)(struct virtio_mmio_dev *d, unsigned queue);
};

struct virtio_mmio_dev {
    uint64_t base;                    /* guest-physical address of the registers */
    uint32_t device_id;
    uint64_t offered;                 /* device features */
    uint64_t acked;                   /* driver features, final once FEATURES_OK */
    uint32_t status;
    uint32_t dev_feat_sel, drv_feat_sel, queue_sel;
    struct virtio_queue_cfg q[VIRTIO_DEV_QUEUES];
    uint8_t config[VIRTIO_DEV_CONFIG_MAX];
    unsigned config_len;
    const struct virtio_backend_ops *ops;
    void *backend;                    /* the backend's state */
    int running;                      /* start() succeeded, no reset since */
    char err[256];                    /* OUT of VIRTIO_MMIO_STOP */
};

enum virtio_mmio_result {
    VIRTIO_MMIO_DONE,                 /* served; resume the guest */
    VIRTIO_MMIO_STOP,                 /* the driver broke the rules: stop the guest (d->err) */
};

/*
 * One guest access at `offset` from d->base. Reads put their value in
 * *value. Registers take 32-bit accesses only; configuration any of 1, 2, 4.
 */
enum virtio_mmio_result virtio_mmio_access(struct virtio_mmio_dev *d, uint64_t offset,
                                           unsigned len, int is_write, uint64_t *value);

/* Back to the state after power-on (stops a running backend). */
void virtio_mmio_reset(struct virtio_mmio_dev *d);

#endif
