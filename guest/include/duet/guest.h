/* Internal interfaces of the guest OS between its own files. */
#ifndef DUET_GUEST_H
#define DUET_GUEST_H

#include <stdint.h>

/* args.c: splits bootargs into at most max words; returns argc or -1. */
int args_split(const char *bootargs, int max, char **argv);

/* console.c: pushes out buffered console output (exit, crash). */
void console_flush_all(void);

/* syscalls.c: the heap's end (sbrk never passes it). */
void heap_init(uint64_t end);

/* time.c: the wall clock read at boot, counted forward by CNTVCT. */
void time_init(void);

/* timer.c: the virtual timer's interrupt; waiting for a counter value. */
void timer_init(void);
void timer_init_lazy(void);
void timer_wait_until(uint64_t deadline);
/* Also returns (1) as soon as an interrupt handler sets *event. */
int timer_wait_event(uint64_t deadline, volatile int *event);

/* The device tree the guest booted with (never NULL after boot). */
extern const void *guest_fdt;

#endif
