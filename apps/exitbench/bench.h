/* The measuring half of exitbench: samples, statistics, the timer row. */
#ifndef EXITBENCH_BENCH_H
#define EXITBENCH_BENCH_H

#include <stdint.h>

typedef void (*bench_op)(void);

void bench_init(unsigned iterations);
uint64_t bench_freq(void);
uint64_t bench_overhead_ns(void);
/* Measures op and prints its row. */
void bench_row(const char *name, bench_op op);
/* Measures a and b in alternating blocks and prints both rows. */
void bench_pair(const char *name_a, bench_op a, const char *name_b, bench_op b);
/* request() makes the host inject DUET_IRQ_TEST: request -> handler entry. */
void bench_inject_irq(bench_op request);
/* Timer deadline -> handler entry. */
void bench_timer_irq(void);

#endif
