/*
 * The device's side of a split virtqueue, for backends that are ours (the
 * host thread): taking descriptor chains the guest made available and
 * returning them as used. The guest is untrusted, so everything read from
 * the rings is checked: a head or next index outside the table, a chain
 * longer than the table (a loop), a descriptor outside RAM, lengths whose
 * sum wraps, indirect descriptors (never offered), a write-only descriptor
 * where the device reads or the reverse, an available index that moved by
 * more than the queue holds. Each makes the walker report the queue broken.
 */
#ifndef DUET_VIRTQ_WALK_H
#define DUET_VIRTQ_WALK_H

#include <stddef.h>
#include <stdint.h>
#include "lib/guest_mem.h"
#include "devices/virtio/virtio_mmio_dev.h"

#define VQ_SEG_MAX 64                 /* descriptors one chain may have */

struct vq {
    struct guest_mem *mem;
    uint32_t num;
    struct virtq_desc *desc;          /* host pointers into guest RAM, checked at vq_init */
    struct virtq_avail *avail;
    struct virtq_used *used;
    uint16_t last_avail;              /* next available entry to take */
    uint16_t used_idx;                /* next used entry to fill */
    uint16_t signalled;               /* used_idx when the guest was last considered for a call */
    int event_idx;
};

struct vq_chain {
    uint16_t head;
    unsigned nseg;
    uint64_t total;                   /* bytes over all segments (< 4 GiB) */
    struct { uint8_t *p; uint32_t len; } seg[VQ_SEG_MAX];
};

/* Checks the queue the driver configured (size, alignment, rings in RAM). 0 or -1 (err). */
int vq_init(struct vq *q, struct guest_mem *mem, const struct virtio_queue_cfg *cfg,
            int event_idx, char *err, size_t errlen);
/* 1 with a chain (writable: the device fills it), 0 when none is available, -1 broken (err). */
int vq_pop(struct vq *q, struct vq_chain *c, int writable, char *err, size_t errlen);
/* Returns chain `head` as used with `len` bytes written, and publishes it. */
void vq_push(struct vq *q, uint16_t head, uint32_t len);
/* Returns n chains as used and publishes them together (one frame's buffers:
 * the driver must never see the first without the rest). */
void vq_push_n(struct vq *q, const uint16_t *heads, const uint32_t *lens, unsigned n);
/* Whether the guest asked to be interrupted for what was pushed since the last call. */
int vq_should_signal(struct vq *q);
/* Asks the guest to kick when it makes more available; 1 if some already are. */
int vq_want_kick(struct vq *q);

#endif
