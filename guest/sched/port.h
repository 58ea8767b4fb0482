/*
 * What the scheduler needs from below: guest/sched/port_duet.c + switch.S in
 * the guest, tests/unit/sched_port_native.c (ucontext, a simulated clock) in
 * the native unit tests.
 */
#ifndef DUET_SCHED_PORT_H
#define DUET_SCHED_PORT_H

#include <stdint.h>
#include "scheduler.h"

/* Nanoseconds of a monotonic clock. */
uint64_t port_now(void);
/* Waits (WFI) until port_now() >= deadline or *event is set by an interrupt. */
void port_idle(uint64_t deadline, volatile int *event);
/* A stack (stack_size usable bytes over a guard page) and a TLS block for t,
 * and t->ctx set so that the first switch to t runs sched_thread_main(). 0 or ENOMEM/EAGAIN. */
int port_thread_init(struct duet_thread *t, size_t stack_size);
/* Frees what port_thread_init() gave t; never called for the running thread. */
void port_thread_free(struct duet_thread *t);
/* Saves the caller's callee-saved state in from, resumes to. */
void port_switch(uint64_t *from, uint64_t *to);
/* Nothing can ever wake any thread: reports it and stops. */
_Noreturn void port_deadlock(void);

/* The C entry of every new thread (runs t->start, then thread_exit). */
_Noreturn void sched_thread_main(void);

#endif
