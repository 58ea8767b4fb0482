/*
 * Guest virtual to guest physical, for the debugger: a walk of the guest's
 * own stage-1 tables (TTBR0_EL1, 4 KiB granule) when SCTLR_EL1.M is set,
 * identity otherwise. The tables are guest memory, so untrusted: every
 * descriptor is read through gmem_ptr() and the walk has at most 4 levels.
 */
#ifndef DUET_GUEST_VA_H
#define DUET_GUEST_VA_H

#include <stdint.h>
#include "lib/guest_mem.h"

struct guest_mmu {
    uint64_t sctlr, tcr, ttbr0;   /* the vCPU's SCTLR_EL1, TCR_EL1, TTBR0_EL1 */
};

struct guest_va_map {
    uint64_t pa;       /* where va lands in guest RAM */
    uint64_t span;     /* bytes from va to the end of its page or block */
    int exec;          /* executable at EL1 (no PXN, or the MMU is off) */
};

/* 0, or -1 when va is unmapped, outside RAM, or the tables are bad. */
int guest_va_translate(const struct guest_mem *mem, const struct guest_mmu *mmu, uint64_t va,
                       struct guest_va_map *out);

#endif
