/* The guest's clocks (guest/time.c). */
#ifndef DUET_TIME_H
#define DUET_TIME_H

#include <stdint.h>

uint64_t counter_read(void);     /* CNTVCT_EL0, ordered by an isb */
uint64_t counter_freq(void);     /* ticks per second */
uint64_t monotonic_ns(void);     /* since boot */
/* Counter ticks in sec seconds + nsec nanoseconds, rounded up (never short). */
uint64_t counter_ticks(uint64_t sec, uint64_t nsec);

#endif
