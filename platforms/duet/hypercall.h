/* Issuing a hypercall from the guest (see shared/include/duet/hypercall.h). */
#ifndef DUET_PLATFORM_HYPERCALL_H
#define DUET_PLATFORM_HYPERCALL_H

#include <stdint.h>
#include "duet/hypercall.h"

/*
 * One plain `str` of the argument's address: KVM can only decode stores
 * without writeback. The dsb makes the struct visible before the exit; the
 * "memory" clobber makes the compiler write it first and re-read the OUT
 * fields after.
 */
static inline void duet_hypercall(unsigned nr, void *arg)
{
    __asm__ volatile("dsb ishst\n\tstr %0, [%1]"
                     :: "r"((uint64_t)(uintptr_t)arg), "r"(DUET_HC_ADDR(nr)) : "memory");
}

#endif
