/*
 * KVM ONE_REG register ids for arm64 (KVM_GET/SET_ONE_REG, KVM_GET_REG_LIST),
 * bit for bit as Linux's arm64 uAPI (asm/kvm.h) defines them. Freestanding
 * C99: the guest includes this too, for the system-register table.
 *
 *   63..56 arch (0x60: arm64)   55..52 size (log2 bytes)   27..16 group
 *   (51..28 are zero in every arm64 id)
 *   group CORE   (0x10): index = offset in 32-bit words into struct kvm_regs
 *   group DEMUX  (0x11): CCSIDR by CSSELR value
 *   group SYSREG (0x13): op0[15:14] op1[13:11] CRn[10:7] CRm[6:3] op2[2:0]
 *   group FW     (0x14): firmware (PSCI, SMCCC workarounds)
 */
#ifndef DUET_KVM_REGS_H
#define DUET_KVM_REGS_H

#include <stdint.h>

#define DUET_REG_ARCH_ARM64   0x6000000000000000ULL
#define DUET_REG_ARCH_MASK    0xff00000000000000ULL
#define DUET_REG_SIZE_SHIFT   52
#define DUET_REG_SIZE_MASK    0x00f0000000000000ULL
#define DUET_REG_SIZE_U32     (2ULL << DUET_REG_SIZE_SHIFT)
#define DUET_REG_SIZE_U64     (3ULL << DUET_REG_SIZE_SHIFT)
#define DUET_REG_SIZE_U128    (4ULL << DUET_REG_SIZE_SHIFT)
#define DUET_REG_GROUP_SHIFT  16
#define DUET_REG_GROUP_MASK   0x000000000fff0000ULL /* bits 27..16 */
#define DUET_REG_GROUP_CORE   (0x0010ULL << DUET_REG_GROUP_SHIFT)
#define DUET_REG_GROUP_DEMUX  (0x0011ULL << DUET_REG_GROUP_SHIFT)
#define DUET_REG_GROUP_SYSREG (0x0013ULL << DUET_REG_GROUP_SHIFT)
#define DUET_REG_GROUP_FW     (0x0014ULL << DUET_REG_GROUP_SHIFT)

/* Bytes of the register an id names: 1 << size field. */
static inline unsigned duet_reg_size(uint64_t id)
{
    return 1u << ((id & DUET_REG_SIZE_MASK) >> DUET_REG_SIZE_SHIFT);
}

/* --- core registers: struct kvm_regs, in 32-bit words ----------------------
 * user_pt_regs { x[31], sp, pc, pstate } | sp_el1 | elr_el1 | spsr[5] |
 * (padding to 16 bytes) | user_fpsimd_state { vregs[32] (u128), fpsr, fpcr } */
#define DUET_CORE_ID(size, idx)  (DUET_REG_ARCH_ARM64 | (size) | DUET_REG_GROUP_CORE | (uint64_t)(idx))
#define DUET_CORE_IDX_X(n)       (2 * (n))
#define DUET_CORE_IDX_SP         0x3e
#define DUET_CORE_IDX_PC         0x40
#define DUET_CORE_IDX_PSTATE     0x42
#define DUET_CORE_IDX_SP_EL1     0x44
#define DUET_CORE_IDX_ELR_EL1    0x46
#define DUET_CORE_IDX_SPSR(n)    (0x48 + 2 * (n))
#define DUET_CORE_IDX_V(n)       (0x54 + 4 * (n)) /* 0x52 is padding: vregs are 16-aligned */
#define DUET_CORE_IDX_FPSR       0xd4
#define DUET_CORE_IDX_FPCR       0xd5

#define DUET_REG_X(n)      DUET_CORE_ID(DUET_REG_SIZE_U64, DUET_CORE_IDX_X(n))
#define DUET_REG_SP        DUET_CORE_ID(DUET_REG_SIZE_U64, DUET_CORE_IDX_SP)
#define DUET_REG_PC        DUET_CORE_ID(DUET_REG_SIZE_U64, DUET_CORE_IDX_PC)
#define DUET_REG_PSTATE    DUET_CORE_ID(DUET_REG_SIZE_U64, DUET_CORE_IDX_PSTATE)
#define DUET_REG_SP_EL1    DUET_CORE_ID(DUET_REG_SIZE_U64, DUET_CORE_IDX_SP_EL1)
#define DUET_REG_ELR_EL1   DUET_CORE_ID(DUET_REG_SIZE_U64, DUET_CORE_IDX_ELR_EL1)
#define DUET_REG_SPSR(n)   DUET_CORE_ID(DUET_REG_SIZE_U64, DUET_CORE_IDX_SPSR(n))
#define DUET_REG_V(n)      DUET_CORE_ID(DUET_REG_SIZE_U128, DUET_CORE_IDX_V(n))
#define DUET_REG_FPSR      DUET_CORE_ID(DUET_REG_SIZE_U32, DUET_CORE_IDX_FPSR)
#define DUET_REG_FPCR      DUET_CORE_ID(DUET_REG_SIZE_U32, DUET_CORE_IDX_FPCR)
#define DUET_NUM_SPSR      5

/* --- system registers by encoding ---------------------------------------- */
#define DUET_SYSREG_ENC(op0, op1, crn, crm, op2) \
    ((((uint64_t)(op0) & 3) << 14) | (((uint64_t)(op1) & 7) << 11) | \
     (((uint64_t)(crn) & 15) << 7) | (((uint64_t)(crm) & 15) << 3) | ((uint64_t)(op2) & 7))
#define DUET_REG_SYSREG(op0, op1, crn, crm, op2) \
    (DUET_REG_ARCH_ARM64 | DUET_REG_SIZE_U64 | DUET_REG_GROUP_SYSREG | \
     DUET_SYSREG_ENC(op0, op1, crn, crm, op2))

/* The encoding of every register of sysregs.def: DUET_SYSREG_ENC_SCTLR_EL1
 * and so on. The guest's mrs/msr use these, guest-only lines included. */
enum duet_sysreg_id {
#define DUET_SYSREG(name, op0, op1, crn, crm, op2) \
    DUET_SYSREG_ENC_##name = DUET_SYSREG_ENC(op0, op1, crn, crm, op2),
#define DUET_SYSREG_GUEST(name, op0, op1, crn, crm, op2) \
    DUET_SYSREG_ENC_##name = DUET_SYSREG_ENC(op0, op1, crn, crm, op2),
#include "sysregs.def"
#undef DUET_SYSREG
#undef DUET_SYSREG_GUEST
};

/* The host's ONE_REG id by name: DUET_REG_SYSREG_BY_NAME(SCTLR_EL1). Only
 * DUET_SYSREG lines have one, so DUET_REG_SYSREG_BY_NAME(CNTV_CVAL_EL0)
 * fails to compile instead of naming KVM's TIMER_CNT (see sysregs.def). */
enum duet_sysreg_kvm_id {
#define DUET_SYSREG(name, op0, op1, crn, crm, op2) \
    DUET_SYSREG_KVM_##name = DUET_SYSREG_ENC_##name,
#include "sysregs.def"
#undef DUET_SYSREG
};
#define DUET_REG_SYSREG_BY_NAME(name) \
    (DUET_REG_ARCH_ARM64 | DUET_REG_SIZE_U64 | DUET_REG_GROUP_SYSREG | \
     (uint64_t)DUET_SYSREG_KVM_##name)

/*
 * The arch timer through ONE_REG. Linux defined CVAL and CNT with each
 * other's encodings (CVAL carries CNTVCT_EL0's op-codes, CNT carries
 * CNTV_CVAL_EL0's); it is fixed ABI, so these copy the swap on purpose.
 */
#define DUET_REG_TIMER_CTL   DUET_REG_SYSREG(3, 3, 14, 3, 1)
#define DUET_REG_TIMER_CVAL  DUET_REG_SYSREG(3, 3, 14, 0, 2)
#define DUET_REG_TIMER_CNT   DUET_REG_SYSREG(3, 3, 14, 3, 2)

/* --- CCSIDR demux: one id per cache-level/type selector (CSSELR value) ---- */
#define DUET_DEMUX_ID_SHIFT     8
#define DUET_DEMUX_ID_MASK      0xff00ULL
#define DUET_DEMUX_ID_CCSIDR    (0ULL << DUET_DEMUX_ID_SHIFT)
#define DUET_DEMUX_VAL_MASK     0xffULL
#define DUET_REG_DEMUX_CCSIDR(csselr) \
    (DUET_REG_ARCH_ARM64 | DUET_REG_SIZE_U32 | DUET_REG_GROUP_DEMUX | \
     DUET_DEMUX_ID_CCSIDR | ((uint64_t)(csselr) & DUET_DEMUX_VAL_MASK))

/* --- firmware registers ---------------------------------------------------- */
#define DUET_REG_FW(n) \
    (DUET_REG_ARCH_ARM64 | DUET_REG_SIZE_U64 | DUET_REG_GROUP_FW | ((uint64_t)(n) & 0xffff))
#define DUET_REG_PSCI_VERSION              DUET_REG_FW(0)
#define DUET_REG_SMCCC_ARCH_WORKAROUND_1   DUET_REG_FW(1)
#define DUET_REG_SMCCC_ARCH_WORKAROUND_2   DUET_REG_FW(2)
#define DUET_REG_SMCCC_ARCH_WORKAROUND_3   DUET_REG_FW(3)

/* --- the guest's view: mrs/msr from the same table ---------------------------
 * An MRS instruction is 0xd5200000 | (sysreg encoding << 5) | Rt, and MSR is
 * 0xd5000000 | ...: the op-code field is exactly the ONE_REG sysreg encoding.
 * So DUET_READ_SYSREG(SCTLR_EL1) emits the instruction from the table's value,
 * and the host's id and the guest's instruction can never disagree.
 * (x16 carries the value: .inst cannot name an allocated register.) */
#if defined(__aarch64__)
#define DUET_READ_SYSREG(name) ({ uint64_t v_; \
    __asm__ volatile(".inst 0xd5200000 | (%c1 << 5) | 16\n\tmov %0, x16" \
                     : "=r"(v_) : "i"(DUET_SYSREG_ENC_##name) : "x16"); v_; })
#define DUET_WRITE_SYSREG(name, v) \
    __asm__ volatile("mov x16, %0\n\t.inst 0xd5000000 | (%c1 << 5) | 16" \
                     :: "r"((uint64_t)(v)), "i"(DUET_SYSREG_ENC_##name) : "x16", "memory")
#endif

#endif
