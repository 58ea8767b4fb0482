/*
 * The driver's half of a split virtqueue (virtio 1.2, 2.7). Descriptors are
 * single buffers the driver keeps for good: descriptor i always points at
 * buffer i, so making buffer i available is one ring entry, and a used entry
 * names the buffer it returns. EVENT_IDX (when negotiated) decides kicks and
 * interrupts; without it the flags words do.
 */
#ifndef DUET_VIRTQ_H
#define DUET_VIRTQ_H

#include <stdint.h>
#include "duet/virtio.h"

struct virtq {
    unsigned size;                 /* entries, a power of two */
    unsigned index;                /* the queue's number at the device */
    struct virtq_desc *desc;
    struct virtq_avail *avail;
    struct virtq_used *used;
    uint16_t avail_idx;            /* our copy of avail->idx */
    uint16_t kicked_idx;           /* avail_idx at the last notification */
    uint16_t last_used;            /* next used entry to read */
    int event_idx;                 /* VIRTIO_F_RING_EVENT_IDX negotiated */
    uintptr_t notify;              /* the QueueNotify register */
};

/* Allocates the three parts (page-aligned, zeroed). 0 or -1. */
int virtq_alloc(struct virtq *q, unsigned index, unsigned size, int event_idx, uintptr_t notify);
/* Points descriptor id at a buffer; `writable` for buffers the device fills. */
void virtq_set_buffer(struct virtq *q, unsigned id, void *buf, uint32_t len, int writable);
/* Makes descriptor id available (published by virtq_kick). */
void virtq_post(struct virtq *q, unsigned id, uint32_t len);
/* Publishes posted entries and notifies the device if it asked to be. */
void virtq_kick(struct virtq *q);
/* The next used entry: 1 with *id and *len set, or 0. */
int virtq_pop(struct virtq *q, unsigned *id, uint32_t *len);
/* Asks for an interrupt on the next used entry; 1 if one is already there. */
int virtq_arm(struct virtq *q);
/* Asks for no interrupts (the queue is polled). */
void virtq_quiet(struct virtq *q);

#endif
