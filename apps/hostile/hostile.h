/* Shared by hostile's files. */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stdint.h>

/* One plain 64-bit store: what a well-formed hypercall looks like. */
static inline void store64(uint64_t addr, uint64_t val)
{
    __asm__ volatile("dsb sy\n\tstr %0, [%1]" :: "r"(val), "r"(addr) : "memory");
}

extern uint64_t guest_ram_end; /* the guest OS's view of RAM (guest/mmu.c) */

int net_old_hypercall(void);
int virtio_notify_early(void);
int virtio_bad_lengths(void);
int virtio_desc_outside(void);
int virtio_avail_jump(void);
int virtio_unoffered(void);
int virtio_queue_size(void);
int virtio_rings_outside(void);
int virtio_chain_loop(void);

#endif
