/* Knobs of the native scheduler port (sched_port_native.c) for the tests. */
#ifndef SCHED_PORT_NATIVE_H
#define SCHED_PORT_NATIVE_H

#include <stdint.h>

extern uint64_t sim_now;            /* the simulated monotonic clock, ns */
extern unsigned idle_calls;
extern void (*idle_event_hook)(void);  /* called by an idle that waits for an event */

#endif
