/*
 * Waiting for devices from threads (guest/sched): an interrupt handler, or
 * a thread that queued work for a device, calls sched_event_signal(); a
 * thread in sched_wait_event() then wakes at the next scheduling point.
 * Other threads run while one waits; with none, the CPU sleeps in WFI.
 */
#ifndef DUET_WAIT_H
#define DUET_WAIT_H

#include <stdint.h>

void sched_event_signal(void);
/* Until an event or `deadline` (sched_now() nanoseconds): 0, or ETIMEDOUT. */
int sched_wait_event(uint64_t deadline);
uint64_t sched_now(void);

#endif
