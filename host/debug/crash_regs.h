/*
 * After a guest-reported crash, puts the vCPU back at the faulting
 * instruction: the registers of the guest's crash frame (x0-x30, SP, PC =
 * ELR_EL1, PSTATE = SPSR_EL1), so that gdb and core dumps see the code that
 * crashed rather than the crash handler. The frame is guest data: only
 * register values come from it, and an EL other than EL1/EL0 is refused.
 */
#ifndef DUET_CRASH_REGS_H
#define DUET_CRASH_REGS_H

#include "duet/hypercall.h"

struct vm;
/* 0, or -1 when the frame is implausible or KVM refused a register. */
int crash_rewind(struct vm *vm, const struct duet_crash_frame *f);

#endif
