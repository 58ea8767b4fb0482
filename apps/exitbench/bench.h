/* The measuring half of exitbench: samples, statistics, the timer row. */
#ifndef EXITBENCH_BENCH_H
#define EXITBENCH_BENCH_H

#include <stdint.h>

typedef void (*bench_op)(void);

void bench_init(unsigned iterations);
uint64_t bench_freq(void);
uint64_t bench_overhead_ns(void);
uint64_t bench_now(void);       /* the virtual counter, isb-fenced */
uint64_t *bench_samples(void);  /* room for ITERATIONS samples, for rows of their own */
/* Prints a row from n samples of k operations each (ticks); sorts s. */
void bench_report(const char *name, uint64_t *s, unsigned n, unsigned k, uint64_t loop_ticks,
                  unsigned loop_n);
/* Measures op and prints its row. */
void bench_row(const char *name, bench_op op);
/* Measures a and b in alternating blocks and prints both rows. */
void bench_pair(const char *name_a, bench_op a, const char *name_b, bench_op b);
/* request() makes the host inject DUET_IRQ_TEST: request -> handler entry. */
void bench_inject_irq(bench_op request, unsigned iters);
/* Timer deadline -> handler entry: timer_irq (spinning) and wfi_wake (in WFI). */
void bench_timer_irq(unsigned iters);
/* First touch of fresh guest pages: the stage-2 fault row. */
void bench_stage2_fault(unsigned iters);

#endif
