/*
 * Guard pages under thread stacks, made after boot: the MMU maps the heap in
 * 2 MiB blocks (mmu.c), so the block holding a guard page is split into a
 * table of 4 KiB pages first, then that one page's entry is made invalid.
 * An invalid entry's other bits are ignored by the MMU, so it keeps the
 * page's old attributes for mmu_unguard_page().
 */
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include "duet/irq.h"
#include "duet/layout.h"
#include "duet/memmap.h"
#include "mmu_guard.h"

#define PAGE      4096ULL
#define BLOCK_2M  (2ULL << 20)
#define BLOCK_1G  (1ULL << 30)
#define ATTRS     0xfff0000000000ffcULL  /* descriptor bits outside the address */
#define ADDR_2M   0x0000ffffffe00000ULL
#define ADDR_4K   0x0000fffffffff000ULL

uint64_t *mmu_ram_table(void);                          /* mmu.c */
void mmu_replace_entry(uint64_t *slot, uint64_t desc);   /* switch.S */

/* The page-table entry of `page` (splitting its block), or NULL. */
static uint64_t *page_entry(uint64_t page)
{
    if ((page & (PAGE - 1)) || page < DUET_RAM_BASE || page >= DUET_RAM_BASE + BLOCK_1G ||
        page >= guest_ram_end)
        return NULL; /* past the first GiB RAM is mapped in 1 GiB blocks: not split here */
    uint64_t *slot = &mmu_ram_table()[(page - DUET_RAM_BASE) / BLOCK_2M];
    if ((*slot & 3) == 1) {
        uint64_t *l3 = memalign(PAGE, PAGE);
        if (!l3)
            return NULL;
        uint64_t base = *slot & ADDR_2M, attrs = *slot & ATTRS;
        for (unsigned i = 0; i < 512; i++)
            l3[i] = (base + i * PAGE) | attrs | 3;
        __asm__ volatile("dsb ishst" ::: "memory");
        irq_local_disable();
        mmu_replace_entry(slot, (uint64_t)(uintptr_t)l3 | 3);
        irq_local_enable();
    }
    if ((*slot & 3) != 3)
        return NULL;
    uint64_t *l3 = (uint64_t *)(uintptr_t)(*slot & ADDR_4K);
    return &l3[(page >> 12) & 511];
}

int mmu_guard_page(uint64_t page)
{
    uint64_t *e = page_entry(page);
    if (!e || !(*e & 1))
        return -1;
    *e &= ~1ULL;
    __asm__ volatile("dsb ishst; tlbi vae1is, %0; dsb ish; isb" :: "r"(page >> 12) : "memory");
    return 0;
}

void mmu_unguard_page(uint64_t page)
{
    uint64_t *e = page_entry(page);
    if (!e)
        return;
    *e |= 1;
    __asm__ volatile("dsb ishst; isb" ::: "memory");
}
