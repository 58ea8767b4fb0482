/*
 * stage2_fault: the first store to a guest page nobody has touched. The
 * host has not backed it yet, so the store faults into KVM (stage 2), which
 * gets a zeroed host page and maps it; the guest never sees it. The host
 * gives guest RAM small pages (MADV_NOHUGEPAGE), so every page is a fault
 * of its own. One page per sample: a page can be fresh only once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "bench.h"

#define PAGE 4096u
#define MAX_PAGES 1000u /* 4 MB of fresh RAM */

void bench_stage2_fault(unsigned iters)
{
    unsigned n = iters < MAX_PAGES ? iters : MAX_PAGES;
    uint64_t *again = malloc(n * sizeof *again); /* before the sbrk it must not follow */
    /* Straight from sbrk, which writes nothing: pages from nano-malloc were
     * found already resident (timed like store_mapped_page). */
    uint8_t *raw = sbrk((ptrdiff_t)((n + 1) * PAGE));
    if (raw == (void *)-1) {
        free(again);
        printf("skip stage2_fault no %u KB of free guest RAM\n", (n + 1) * PAGE / 1024);
        return;
    }
    volatile uint8_t *pages = (uint8_t *)(((uintptr_t)raw + PAGE - 1) & ~(uintptr_t)(PAGE - 1));
    uint64_t *s = bench_samples();
    for (unsigned i = 0; i < n; i++) {
        uint64_t t0 = bench_now();
        pages[(size_t)i * PAGE] = 1;
        s[i] = bench_now() - t0;
    }
    /* Beside it, a store to a page already mapped: what the fault adds. */
    if (again) {
        for (unsigned i = 0; i < n; i++) {
            uint64_t t0 = bench_now();
            pages[(size_t)i * PAGE + 64] = 2;
            again[i] = bench_now() - t0;
        }
    }
    sbrk(-(ptrdiff_t)((n + 1) * PAGE)); /* nothing was allocated after it */
    bench_report("stage2_fault", s, n, 1, 0, 0);
    if (again)
        bench_report("store_mapped_page", again, n, 1, 0, 0);
    free(again);
}
