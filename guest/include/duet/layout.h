/* Symbols of guest/guest.ld, and where RAM ends: the guest's own memory map. */
#ifndef DUET_GUEST_LAYOUT_H
#define DUET_GUEST_LAYOUT_H

#include <stdint.h>

extern char __image_start[], __text_end[], __rodata_end[], __image_end[];
extern char __bss_start[], __bss_end[];
extern char __exc_stack_guard[], __exc_stack_top[], __stack_guard[], __stack_top[];
extern char __heap_start[];

#define GUARD_PAGE_SIZE 4096

/* The end of RAM the MMU maps; set by mmu_init(), refined from the device tree. */
extern uint64_t guest_ram_end;

/* Pages of page tables mmu_init() built (each one a page touched at boot). */
unsigned mmu_table_pages(void);

/* True when addr lies in one of the two stack guard pages. */
static inline int in_guard_page(uint64_t addr)
{
    uint64_t e = (uint64_t)(uintptr_t)__exc_stack_guard, s = (uint64_t)(uintptr_t)__stack_guard;
    return (addr >= e && addr < e + GUARD_PAGE_SIZE) || (addr >= s && addr < s + GUARD_PAGE_SIZE);
}

#endif
