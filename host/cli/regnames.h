/*
 * Names of KVM ONE_REG register ids and back (duet regs, error reports).
 * Names: x0..x30 sp pc pstate sp_el1 elr_el1 spsr[0]..spsr[4] v0..v31 fpsr
 * fpcr; the system registers of sysregs.def (any case on input), others as
 * S<op0>_<op1>_C<n>_C<m>_<op2>; TIMER_CTL/TIMER_CVAL/TIMER_CNT for KVM's
 * timer ids; CCSIDR[<csselr>]; firmware registers by name or FW[<n>];
 * FW_FEAT_BMAP[<n>] (or STD_BMAP, STD_HYP_BMAP, VENDOR_HYP_BMAP).
 */
#ifndef DUET_REGNAMES_H
#define DUET_REGNAMES_H

#include <stddef.h>
#include <stdint.h>

/* Writes "NAME details" (e.g. "SCTLR_EL1 sysreg(3,0,1,0,0) u64") into out.
 * 0, or -1 with the reason in out. */
int regname_decode(uint64_t id, char *out, size_t outlen);

/* Writes just the name into out. 0 or -1 (reason in out). */
int regname_of(uint64_t id, char *out, size_t outlen);

/* The id of NAME. 0, or -1 with the reason in err. */
int regname_encode(const char *name, uint64_t *id, char *err, size_t errlen);

#endif
