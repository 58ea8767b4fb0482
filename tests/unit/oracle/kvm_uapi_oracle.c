/*
 * The oracle: values computed from Linux's own arm64 KVM uAPI headers
 * (Debian's linux-libc-dev-arm64-cross), for the unit tests to compare
 * Duet's shared header against. This file alone is compiled with
 * -nostdinc -I/usr/aarch64-linux-gnu/include, so <linux/kvm.h> is arm64's
 * even in the native x86_64 test build; it uses no libc.
 */
#include <stddef.h> /* offsetof, for KVM_REG_ARM_CORE_REG: gcc's own header */
#include <linux/kvm.h>
#include "oracle.h"

#define CORE(size, field) \
    (KVM_REG_ARM64 | KVM_REG_SIZE_##size | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(field))
#define X(n) { "x" #n, CORE(U64, regs.regs[n]) }
#define V(n) { "v" #n, CORE(U128, fp_regs.vregs[n]) }

const struct oracle_value oracle_core[] = {
    X(0), X(1), X(2), X(3), X(4), X(5), X(6), X(7), X(8), X(9), X(10), X(11), X(12),
    X(13), X(14), X(15), X(16), X(17), X(18), X(19), X(20), X(21), X(22), X(23), X(24),
    X(25), X(26), X(27), X(28), X(29), X(30),
    { "sp", CORE(U64, regs.sp) },
    { "pc", CORE(U64, regs.pc) },
    { "pstate", CORE(U64, regs.pstate) },
    { "sp_el1", CORE(U64, sp_el1) },
    { "elr_el1", CORE(U64, elr_el1) },
    { "spsr[0]", CORE(U64, spsr[0]) }, { "spsr[1]", CORE(U64, spsr[1]) },
    { "spsr[2]", CORE(U64, spsr[2]) }, { "spsr[3]", CORE(U64, spsr[3]) },
    { "spsr[4]", CORE(U64, spsr[4]) },
    V(0), V(1), V(2), V(3), V(4), V(5), V(6), V(7), V(8), V(9), V(10), V(11), V(12),
    V(13), V(14), V(15), V(16), V(17), V(18), V(19), V(20), V(21), V(22), V(23), V(24),
    V(25), V(26), V(27), V(28), V(29), V(30), V(31),
    { "fpsr", CORE(U32, fp_regs.fpsr) },
    { "fpcr", CORE(U32, fp_regs.fpcr) },
    { 0, 0 }
};

/* Every register of Duet's table, packed by Linux's ARM64_SYS_REG. */
const struct oracle_value oracle_sysregs[] = {
#define DUET_SYSREG(n, op0, op1, crn, crm, op2) { #n, ARM64_SYS_REG(op0, op1, crn, crm, op2) },
#include "duet/sysregs.def"
#undef DUET_SYSREG
    { 0, 0 }
};

const struct oracle_value oracle_named[] = {
    { "TIMER_CTL", KVM_REG_ARM_TIMER_CTL },
    { "TIMER_CVAL", KVM_REG_ARM_TIMER_CVAL },
    { "TIMER_CNT", KVM_REG_ARM_TIMER_CNT },
    { "PSCI_VERSION", KVM_REG_ARM_PSCI_VERSION },
    { "SMCCC_ARCH_WORKAROUND_1", KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1 },
    { "SMCCC_ARCH_WORKAROUND_2", KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2 },
    { "SMCCC_ARCH_WORKAROUND_3", KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3 },
    { "FW[7]", KVM_REG_ARM_FW_REG(7) },
    { "STD_BMAP", KVM_REG_ARM_STD_BMAP },
    { "STD_HYP_BMAP", KVM_REG_ARM_STD_HYP_BMAP },
    { "VENDOR_HYP_BMAP", KVM_REG_ARM_VENDOR_HYP_BMAP },
    { "CCSIDR[0]", KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | KVM_REG_ARM_DEMUX_ID_CCSIDR | 0 },
    { "CCSIDR[5]", KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | KVM_REG_ARM_DEMUX_ID_CCSIDR | 5 },
    { "CCSIDR[255]", KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | KVM_REG_ARM_DEMUX_ID_CCSIDR | 255 },
    { 0, 0 }
};

const struct oracle_value oracle_fields[] = {
    { "KVM_REG_ARM64", KVM_REG_ARM64 },
    { "KVM_REG_SIZE_U32", KVM_REG_SIZE_U32 },
    { "KVM_REG_SIZE_U64", KVM_REG_SIZE_U64 },
    { "KVM_REG_SIZE_U128", KVM_REG_SIZE_U128 },
    { "KVM_REG_SIZE_MASK", KVM_REG_SIZE_MASK },
    { "KVM_REG_ARCH_MASK", KVM_REG_ARCH_MASK },
    { "KVM_REG_ARM_CORE", KVM_REG_ARM_CORE },
    { "KVM_REG_ARM_DEMUX", KVM_REG_ARM_DEMUX },
    { "KVM_REG_ARM64_SYSREG", KVM_REG_ARM64_SYSREG },
    { "KVM_REG_ARM_FW", KVM_REG_ARM_FW },
    { "KVM_REG_ARM_COPROC_MASK", KVM_REG_ARM_COPROC_MASK },
    { "KVM_REG_ARM_DEMUX_ID_MASK", KVM_REG_ARM_DEMUX_ID_MASK },
    { "KVM_REG_ARM_DEMUX_VAL_MASK", KVM_REG_ARM_DEMUX_VAL_MASK },
    { "KVM_ARM_IRQ_VCPU2_SHIFT", KVM_ARM_IRQ_VCPU2_SHIFT },
    { "KVM_ARM_IRQ_VCPU2_MASK", KVM_ARM_IRQ_VCPU2_MASK },
    { "KVM_ARM_IRQ_TYPE_SHIFT", KVM_ARM_IRQ_TYPE_SHIFT },
    { "KVM_ARM_IRQ_TYPE_MASK", KVM_ARM_IRQ_TYPE_MASK },
    { "KVM_ARM_IRQ_VCPU_SHIFT", KVM_ARM_IRQ_VCPU_SHIFT },
    { "KVM_ARM_IRQ_VCPU_MASK", KVM_ARM_IRQ_VCPU_MASK },
    { "KVM_ARM_IRQ_NUM_SHIFT", KVM_ARM_IRQ_NUM_SHIFT },
    { "KVM_ARM_IRQ_NUM_MASK", KVM_ARM_IRQ_NUM_MASK },
    { "KVM_ARM_IRQ_TYPE_CPU", KVM_ARM_IRQ_TYPE_CPU },
    { "KVM_ARM_IRQ_TYPE_SPI", KVM_ARM_IRQ_TYPE_SPI },
    { "KVM_ARM_IRQ_TYPE_PPI", KVM_ARM_IRQ_TYPE_PPI },
    { "KVM_ARM_IRQ_CPU_IRQ", KVM_ARM_IRQ_CPU_IRQ },
    { "KVM_ARM_IRQ_CPU_FIQ", KVM_ARM_IRQ_CPU_FIQ },
    { 0, 0 }
};
