/* Exceptions at EL1: the saved frame (vectors.S) and the handlers behind it. */
#ifndef DUET_EXCEPTIONS_H
#define DUET_EXCEPTIONS_H

#include <stdint.h>

struct exc_frame {
    uint64_t x[31];
    uint64_t sp;      /* the interrupted code's stack pointer */
    uint64_t elr, spsr, esr, far;
};
_Static_assert(sizeof(struct exc_frame) == 288, "vectors.S FRAME_SIZE");

enum exc_type { EXC_SYNC, EXC_IRQ, EXC_FIQ, EXC_SERROR };

/* Called by vectors.S; returns only for a served interrupt. */
void exception_entry(unsigned kind, struct exc_frame *f);

/* The IRQ handler the interrupt layer installs (NULL: an IRQ is a crash). */
extern void (*exception_irq_handler)(struct exc_frame *f);

/* Prints a crash report for `why` (and the frame, if any), halts with 112. */
_Noreturn void crash(const char *why, const struct exc_frame *f);

#endif
