/*
 * The guest's virtio-mmio transport (virtio 1.2, 4.2): devices found in the
 * device tree as "virtio,mmio" nodes, version 2 only, and the steps of
 * bringing one up (3.1.1): reset, features, queues, DRIVER_OK.
 */
#ifndef DUET_VIRTIO_MMIO_H
#define DUET_VIRTIO_MMIO_H

#include <stdint.h>
#include "duet/virtq.h"

struct virtio_mmio_dev {
    uintptr_t base;
    unsigned intid;        /* its SPI as an INTID, 0 if the node has none */
    int ack_interrupts;    /* the line stays up until InterruptACK (QEMU); not with irqfd */
    const char *name;      /* "duet,name" of the node, NULL if none */
    uint64_t features;     /* negotiated */
};

/* The `nth` (0-based) node whose device is `device_id`: 0, or -1 when none. */
int virtio_mmio_find(unsigned device_id, int nth, struct virtio_mmio_dev *d);
/*
 * Resets the device and negotiates: it gets `wanted` & what it offers, and
 * must offer everything in `required`. 0, or -1 (the device is left FAILED).
 */
int virtio_mmio_negotiate(struct virtio_mmio_dev *d, uint64_t wanted, uint64_t required);
/* Sets up queue `index` with at most `max_size` entries. 0 or -1. */
int virtio_mmio_queue(struct virtio_mmio_dev *d, struct virtq *q, unsigned index, unsigned max_size);
/* Tells the device the driver is ready (DRIVER_OK). */
void virtio_mmio_ready(struct virtio_mmio_dev *d);
/* Reads `len` bytes of device configuration at `offset`, consistently. */
void virtio_mmio_config(struct virtio_mmio_dev *d, unsigned offset, void *buf, unsigned len);
/* In an interrupt handler: which causes, acknowledged where the line needs it. */
uint32_t virtio_mmio_interrupt(struct virtio_mmio_dev *d);

#endif
