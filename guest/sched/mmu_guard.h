/* Stack guard pages made at run time (mmu_guard.c). */
#ifndef DUET_MMU_GUARD_H
#define DUET_MMU_GUARD_H

#include <stdint.h>

/* Unmaps the RAM page at `page` (4 KiB aligned, in RAM's first GiB): 0 or -1. */
int mmu_guard_page(uint64_t page);
/* Maps it again as it was. */
void mmu_unguard_page(uint64_t page);

#endif
