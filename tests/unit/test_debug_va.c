/* The debugger's guest page-table walk: blocks, pages, PXN, and tables outside RAM refused. */
#include <stdlib.h>
#include "check.h"
#include "debug/guest_va.h"

#define BASE 0x40000000ULL
static uint64_t *slot(struct guest_mem *m, uint64_t gpa) { return (uint64_t *)gmem_ptr(m, gpa, 8); }

static void test_walk(void)
{
    struct guest_mem m = { .host = calloc(1, 4 << 20), .base = BASE, .size = 4 << 20 };
    /* 39-bit VA: L1 at +0x1000, L2 at +0x2000, L3 at +0x3000. */
    struct guest_mmu mmu = { .sctlr = 1, .tcr = 25, .ttbr0 = BASE + 0x1000 };
    *slot(&m, BASE + 0x1000 + 8 * 1) = (BASE + 0x2000) | 3;          /* VA 1 GiB.. -> L2 */
    *slot(&m, BASE + 0x2000 + 8 * 0) = (BASE + 0x3000) | 3;          /* first 2 MiB -> L3 */
    *slot(&m, BASE + 0x2000 + 8 * 1) = (BASE + 0x200000) | 1 | (1ULL << 53); /* 2 MiB block, PXN */
    *slot(&m, BASE + 0x3000 + 8 * 5) = (BASE + 0x5000) | 3;          /* one page */
    *slot(&m, BASE + 0x2000 + 8 * 2) = 0x80000000ULL | 3;            /* a table outside RAM */
    struct guest_va_map r;
    CHECK(guest_va_translate(&m, &mmu, BASE + 0x5123, &r) == 0);
    CHECK_EQ_U64(r.pa, BASE + 0x5123);
    CHECK_EQ_U64(r.span, 0x1000 - 0x123);
    CHECK(r.exec);
    CHECK(guest_va_translate(&m, &mmu, BASE + 0x200010, &r) == 0);
    CHECK(r.pa == BASE + 0x200010 && !r.exec && r.span == 0x200000 - 0x10);
    CHECK(guest_va_translate(&m, &mmu, BASE + 0x6000, &r) == -1);     /* invalid L3 entry */
    CHECK(guest_va_translate(&m, &mmu, BASE + 0x400000, &r) == -1);   /* table outside RAM */
    CHECK(guest_va_translate(&m, &mmu, 1ULL << 39, &r) == -1);        /* beyond 39 bits */
    CHECK(guest_va_translate(&m, &mmu, 0, &r) == -1);                 /* L1[0] empty */
    mmu.tcr |= 1ULL << 14;                                            /* 64 KiB granule: refused */
    CHECK(guest_va_translate(&m, &mmu, BASE + 0x5000, &r) == -1);
    mmu.ttbr0 = 0x1000;                                               /* tables not in RAM */
    mmu.tcr = 25;
    CHECK(guest_va_translate(&m, &mmu, BASE + 0x5000, &r) == -1);
    /* MMU off: identity, RAM only. */
    mmu.sctlr = 0;
    CHECK(guest_va_translate(&m, &mmu, BASE + 0x10, &r) == 0 && r.pa == BASE + 0x10);
    CHECK(guest_va_translate(&m, &mmu, BASE + (4 << 20), &r) == -1);
    CHECK(guest_va_translate(&m, &mmu, 0x1000, &r) == -1);
    free(m.host);
}

int main(void)
{
    RUN_TEST(test_walk);
    return CHECK_EXIT();
}
