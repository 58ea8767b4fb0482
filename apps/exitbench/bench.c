/* Samples with the virtual counter, statistics, and the timer-interrupt row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "duet/guest.h"
#include "duet/irq.h"
#include "duet/kvm_irq.h"
#include "duet/kvm_regs.h"
#include "duet/time.h"

#define BLOCKS 10

static unsigned iters;
static uint64_t freq, overhead;   /* overhead in ticks */
static uint64_t *samples_a, *samples_b;

static inline uint64_t now(void)
{
    uint64_t t;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0\n\tisb" : "=r"(t) :: "memory");
    return t;
}

static uint64_t ns(uint64_t ticks) { return ticks * 1000000000ULL / freq; }

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, uint64_t *s, unsigned n, uint64_t loop_ticks, unsigned loop_n)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < n; i++)
        sum += s[i];
    qsort(s, n, sizeof *s, cmp);
    printf("row %s n=%u mean_ns=%llu p50_ns=%llu p90_ns=%llu p99_ns=%llu max_ns=%llu "
           "min_ns=%llu", name, n,
           (unsigned long long)ns(sum / n), (unsigned long long)ns(s[n / 2]),
           (unsigned long long)ns(s[n * 9 / 10]), (unsigned long long)ns(s[n * 99 / 100]),
           (unsigned long long)ns(s[n - 1]), (unsigned long long)ns(s[0]));
    if (loop_n) /* rows that cannot be looped (the timer) have no loop average */
        printf(" loop_mean_ns=%llu", (unsigned long long)(ns(loop_ticks) / loop_n));
    printf("\n");
}

static uint64_t sample(bench_op op)
{
    uint64_t t0 = now();
    op();
    uint64_t d = now() - t0;
    return d > overhead ? d - overhead : 0;
}

void bench_init(unsigned iterations)
{
    iters = iterations;
    freq = counter_freq();
    samples_a = malloc(iters * sizeof *samples_a);
    samples_b = malloc(iters * sizeof *samples_b);
    if (!samples_a || !samples_b)
        exit(3);
    /* The cost of the measurement itself: the minimum of back-to-back reads. */
    overhead = ~0ULL;
    for (unsigned i = 0; i < 1000; i++) {
        uint64_t t0 = now(), t1 = now();
        if (t1 - t0 < overhead)
            overhead = t1 - t0;
    }
}

uint64_t bench_freq(void) { return freq; }
uint64_t bench_overhead_ns(void) { return ns(overhead); }

/* The loop average: kvm-unit-tests' method, no per-iteration timing. */
static uint64_t loop(bench_op op, unsigned n)
{
    uint64_t t0 = now();
    for (unsigned i = 0; i < n; i++)
        op();
    return now() - t0;
}

void bench_row(const char *name, bench_op op)
{
    for (unsigned i = 0; i < iters / 10; i++)
        op(); /* warm-up */
    for (unsigned i = 0; i < iters; i++)
        samples_a[i] = sample(op);
    report(name, samples_a, iters, loop(op, iters), iters);
}

void bench_pair(const char *name_a, bench_op a, const char *name_b, bench_op b)
{
    unsigned per = iters / BLOCKS, k = 0;
    uint64_t loop_a = 0, loop_b = 0;
    for (unsigned i = 0; i < iters / 10; i++)
        a(), b();
    for (unsigned blk = 0; blk < BLOCKS; blk++) {
        for (unsigned i = 0; i < per; i++, k++) {
            samples_a[k] = sample(a);
            samples_b[k] = sample(b);
        }
        loop_a += loop(a, per);
        loop_b += loop(b, per);
    }
    report(name_a, samples_a, k, loop_a, k);
    report(name_b, samples_b, k, loop_b, k);
}

static volatile uint64_t irq_at;

static void on_spi(unsigned intid, void *ctx)
{
    (void)intid; (void)ctx;
    irq_at = now();
}

void bench_inject_irq(bench_op request)
{
    if (!irq_gic_version()) {
        printf("skip inject_irq no GIC\n");
        return;
    }
    irq_set_edge(DUET_IRQ_TEST);
    irq_register(DUET_IRQ_TEST, on_spi, NULL);
    unsigned n = iters < 1000 ? iters : 1000;
    for (unsigned i = 0; i < n; i++) {
        irq_at = 0;
        uint64_t t0 = now();
        request();
        for (unsigned spin = 0; !irq_at && spin < 100000000; spin++)
            ;
        if (!irq_at) {
            printf("skip inject_irq the interrupt never came\n");
            return;
        }
        samples_a[i] = irq_at - t0;
    }
    report("inject_irq", samples_a, n, 0, 0);
}

static void on_timer(unsigned intid, void *ctx)
{
    (void)intid; (void)ctx;
    irq_at = now();
    DUET_WRITE_SYSREG(CNTV_CTL_EL0, 2); /* masked: one shot */
}

void bench_timer_irq(void)
{
    if (!irq_gic_version()) {
        printf("skip timer_irq no GIC\n");
        return;
    }
    irq_register(DUET_IRQ_VTIMER, on_timer, NULL); /* replaces the sleep handler */
    unsigned n = iters < 500 ? iters : 500;
    uint64_t lead = freq / 10000; /* deadline 100 us ahead */
    for (unsigned i = 0; i < n; i++) {
        irq_at = 0;
        uint64_t deadline = now() + lead;
        DUET_WRITE_SYSREG(CNTV_CVAL_EL0, deadline);
        DUET_WRITE_SYSREG(CNTV_CTL_EL0, 1);
        while (!irq_at)
            __asm__ volatile("wfi");
        samples_a[i] = irq_at > deadline ? irq_at - deadline : 0;
    }
    report("timer_irq", samples_a, n, 0, 0);
    timer_init(); /* give sleep its handler back */
}
