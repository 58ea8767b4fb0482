/*
 * Samples with the virtual counter and their statistics.
 *
 * Batched samples: where the counter is coarse (25-100 MHz on common
 * hardware: a 300 ns exit is 7.5 ticks at 25 MHz) one sample times K
 * back-to-back operations, K chosen per row so that a sample spans at least
 * MIN_SAMPLE_TICKS; each row prints its k, so percentiles stay meaningful.
 */
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
#define MIN_SAMPLE_TICKS 200 /* a tick is then at most 0.5% of a sample */
#define MAX_K 256

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
static uint64_t ns_k(uint64_t ticks, unsigned k) { return ns(ticks) / k; }

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void bench_report(const char *name, uint64_t *s, unsigned n, unsigned k, uint64_t loop_ticks,
                  unsigned loop_n)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < n; i++)
        sum += s[i];
    qsort(s, n, sizeof *s, cmp);
    printf("row %s n=%u k=%u mean_ns=%llu p50_ns=%llu p90_ns=%llu p99_ns=%llu max_ns=%llu "
           "min_ns=%llu", name, n, k,
           (unsigned long long)ns_k(sum / n, k), (unsigned long long)ns_k(s[n / 2], k),
           (unsigned long long)ns_k(s[n * 9 / 10], k), (unsigned long long)ns_k(s[n * 99 / 100], k),
           (unsigned long long)ns_k(s[n - 1], k), (unsigned long long)ns_k(s[0], k));
    if (loop_n) /* rows that cannot be looped (the timer) have no loop average */
        printf(" loop_mean_ns=%llu", (unsigned long long)(ns(loop_ticks) / loop_n));
    printf("\n");
}

/* Ticks of k back-to-back ops, the counter's own cost taken off. */
static uint64_t sample(bench_op op, unsigned k)
{
    uint64_t t0 = now();
    for (unsigned i = 0; i < k; i++)
        op();
    uint64_t d = now() - t0;
    return d > overhead ? d - overhead : 0;
}

/* The batch size that makes one sample span MIN_SAMPLE_TICKS. */
static unsigned batch(bench_op op)
{
    uint64_t best = ~0ULL;
    for (unsigned i = 0; i < 8; i++) {
        uint64_t t = sample(op, 4);
        best = t < best ? t : best;
    }
    uint64_t per = best / 4;
    if (per >= MIN_SAMPLE_TICKS)
        return 1;
    uint64_t k = per ? (MIN_SAMPLE_TICKS + per - 1) / per : MAX_K;
    return k < MAX_K ? (unsigned)k : MAX_K;
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
uint64_t bench_now(void) { return now(); }
uint64_t *bench_samples(void) { return samples_a; }
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
    unsigned k = batch(op);
    for (unsigned i = 0; i < iters; i++)
        samples_a[i] = sample(op, k);
    bench_report(name, samples_a, iters, k, loop(op, iters), iters);
}

void bench_pair(const char *name_a, bench_op a, const char *name_b, bench_op b)
{
    unsigned per = iters / BLOCKS, k = 0;
    uint64_t loop_a = 0, loop_b = 0;
    for (unsigned i = 0; i < iters / 10; i++)
        a(), b();
    unsigned ka = batch(a), kb = batch(b);
    for (unsigned blk = 0; blk < BLOCKS; blk++) {
        for (unsigned i = 0; i < per; i++, k++) {
            samples_a[k] = sample(a, ka);
            samples_b[k] = sample(b, kb);
        }
        loop_a += loop(a, per);
        loop_b += loop(b, per);
    }
    bench_report(name_a, samples_a, k, ka, loop_a, k);
    bench_report(name_b, samples_b, k, kb, loop_b, k);
}
