/*
 * The fallback backend of virtio-net devices, where /dev/vhost-net is
 * missing or not permitted: one host thread per device serves the same
 * rings vhost would (same kick and call eventfds, so the guest cannot tell),
 * with the checked ring walker (virtq_walk.c). Created before the sandbox,
 * idle until DRIVER_OK; a reset parks it again before the reset returns.
 */
#ifndef DUET_NET_THREAD_H
#define DUET_NET_THREAD_H

#include <stddef.h>
#include "devices/virtio/virtio_mmio_dev.h"

struct virtio_net;

int net_thread_create(struct virtio_net *v, char *err, size_t errlen);
void net_thread_destroy(struct virtio_net *v);
/* The eventfd that wakes the thread (the sandbox lets both threads use it). */
int net_thread_ctl_fd(const struct virtio_net *v);
extern const struct virtio_backend_ops net_thread_ops;

#endif
