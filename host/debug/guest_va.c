/* The guest page-table walk of guest_va.h. */
#include <string.h>
#include "debug/guest_va.h"

#define SCTLR_M      1ULL
#define DESC_VALID   1ULL
#define DESC_TABLE   2ULL                 /* with VALID: table (levels 0-2) or page (level 3) */
#define DESC_ADDR    0x0000fffffffff000ULL
#define DESC_PXN     (1ULL << 53)
#define TABLE_PXN    (1ULL << 59)         /* PXNTable: nothing below is EL1-executable */

int guest_va_translate(const struct guest_mem *mem, const struct guest_mmu *mmu, uint64_t va,
                       struct guest_va_map *out)
{
    if (!(mmu->sctlr & SCTLR_M)) {
        if (!gmem_contains(mem, va, 1))
            return -1;
        out->pa = va;
        out->span = mem->base + mem->size - va;
        out->exec = 1;
        return 0;
    }
    unsigned t0sz = (unsigned)(mmu->tcr & 0x3f);
    unsigned tg0 = (unsigned)(mmu->tcr >> 14) & 3;
    if (tg0 != 0 || t0sz < 16 || t0sz > 39)
        return -1;              /* only the 4 KiB granule, 25..48-bit VAs */
    unsigned va_bits = 64 - t0sz;
    if (va >> va_bits)
        return -1;              /* a TTBR1 address, or outside the VA range */
    int level = 4 - (int)((va_bits - 12 + 8) / 9);
    uint64_t table = mmu->ttbr0 & DESC_ADDR & ~1ULL;
    int pxn = 0;
    for (; level <= 3; level++) {
        unsigned shift = 12 + 9 * (unsigned)(3 - level);
        uint64_t index = (va >> shift) & 0x1ff;
        const void *slot = gmem_ptr(mem, table + 8 * index, 8);
        if (!slot)
            return -1;
        uint64_t d;
        memcpy(&d, slot, 8);
        if (!(d & DESC_VALID))
            return -1;
        int is_table = (d & DESC_TABLE) != 0;
        if (level < 3 && is_table) {
            pxn |= (d & TABLE_PXN) != 0;
            table = d & DESC_ADDR;
            continue;
        }
        if ((level == 3 && !is_table) || level == 0)
            return -1;          /* reserved encodings */
        uint64_t size = 1ULL << shift;
        uint64_t pa = (d & DESC_ADDR & ~(size - 1)) | (va & (size - 1));
        if (!gmem_contains(mem, pa, 1))
            return -1;
        out->pa = pa;
        out->span = size - (va & (size - 1));
        if (out->span > mem->base + mem->size - pa)
            out->span = mem->base + mem->size - pa;
        out->exec = !pxn && !(d & DESC_PXN);
        return 0;
    }
    return -1;
}
