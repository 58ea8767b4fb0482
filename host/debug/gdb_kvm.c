/*
 * The vCPU as gdb's target: registers through ONE_REG (the shared header's
 * ids), memory through the guest's page tables into guest RAM only,
 * breakpoints as BRK in guest RAM or in the debug registers, through
 * KVM_SET_GUEST_DEBUG.
 */
#if defined(__aarch64__)
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "debug/gdb_stub_internal.h"
#include "duet/kvm_regs.h"
#include "kvm/vm.h"

#define BRK_GDB     0xd4200000u      /* brk #0: what gdb's aarch64 port uses too */
#define PSTATE_SPSEL 1ULL            /* EL1h: sp is SP_EL1, else SP_EL0 */
#define EC_BRK64    0x3c
#define EC_HW_BP    0x30             /* from a lower EL: the guest's EL1 is below KVM's EL2 */
#define EC_STEP     0x32
#define EC_WATCH    0x34

static int one_reg(struct gdb_stub *g, uint64_t id, void *val, int set)
{
    struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)val };
    return ioctl(g->vm->vcpu_fd, set ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, &r) < 0 ? -1 : 0;
}

static uint64_t reg_id(struct gdb_stub *g, unsigned n)
{
    if (n < 31)
        return DUET_REG_X(n);
    if (n == GDB_REG_SP) {
        uint64_t pstate = 0;
        one_reg(g, DUET_REG_PSTATE, &pstate, 0);
        return pstate & PSTATE_SPSEL ? DUET_REG_SP_EL1 : DUET_REG_SP;
    }
    if (n == GDB_REG_PC)
        return DUET_REG_PC;
    if (n == GDB_REG_CPSR)
        return DUET_REG_PSTATE;
    if (n >= GDB_REG_V0 && n < GDB_REG_FPSR)
        return DUET_REG_V(n - GDB_REG_V0);
    return n == GDB_REG_FPSR ? DUET_REG_FPSR : DUET_REG_FPCR;
}

static int read_reg(void *t, unsigned n, uint8_t *val)
{
    uint8_t buf[16] = { 0 };
    if (one_reg(t, reg_id(t, n), buf, 0) < 0)
        return -1;
    memcpy(val, buf, gdb_reg_size(n)); /* cpsr: the low half of PSTATE (little-endian) */
    return 0;
}

static int write_reg(void *t, unsigned n, const uint8_t *val)
{
    uint8_t buf[16] = { 0 };
    uint64_t id = reg_id(t, n);
    if (n == GDB_REG_CPSR && one_reg(t, id, buf, 0) < 0)
        return -1;
    memcpy(buf, val, gdb_reg_size(n));
    return one_reg(t, id, buf, 1);
}

int gdb_kvm_mmu(struct gdb_stub *g, struct guest_mmu *m)
{
    return one_reg(g, DUET_REG_SYSREG_BY_NAME(SCTLR_EL1), &m->sctlr, 0) ||
           one_reg(g, DUET_REG_SYSREG_BY_NAME(TCR_EL1), &m->tcr, 0) ||
           one_reg(g, DUET_REG_SYSREG_BY_NAME(TTBR0_EL1), &m->ttbr0, 0) ? -1 : 0;
}

/* Copies between gdb and guest RAM page by page; returns the bytes done. */
static size_t copy_mem(struct gdb_stub *g, uint64_t va, uint8_t *buf, size_t len, int write)
{
    struct guest_mmu mmu;
    if (gdb_kvm_mmu(g, &mmu) < 0)
        return 0;
    size_t done = 0;
    while (done < len) {
        struct guest_va_map m;
        if (va + done < va || guest_va_translate(g->vm->mem, &mmu, va + done, &m) < 0)
            break;
        size_t n = len - done < m.span ? len - done : (size_t)m.span;
        uint8_t *p = gmem_ptr(g->vm->mem, m.pa, n);
        if (!p)
            break;
        if (write)
            memcpy(p, buf + done, n);
        else
            memcpy(buf + done, p, n);
        done += n;
    }
    return done;
}

static size_t read_mem(void *t, uint64_t addr, uint8_t *buf, size_t len)
{
    return copy_mem(t, addr, buf, len, 0);
}

static int write_mem(void *t, uint64_t addr, const uint8_t *buf, size_t len)
{
    uint8_t probe[1];
    /* All or nothing: check the last byte is reachable before writing any. */
    if (read_mem(t, addr, probe, 1) != 1 || read_mem(t, addr + len - 1, probe, 1) != 1)
        return -1;
    return copy_mem(t, addr, (uint8_t *)buf, len, 1) == len ? 0 : -1;
}

static int sw_break(struct gdb_stub *g, uint64_t va, uint64_t kind, int insert)
{
    for (unsigned i = 0; i < GDB_SW_MAX; i++)
        if (g->sw[i].used && g->sw[i].va == va) {
            if (insert)
                return 0;
            uint32_t *p = gmem_ptr(g->vm->mem, g->sw[i].pa, 4);
            memcpy(p, &g->sw[i].orig, 4);
            __builtin___clear_cache((char *)p, (char *)p + 4);
            g->sw[i].used = 0;
            return 0;
        }
    if (!insert)
        return 0; /* gdb removes what it never inserted after a restart: fine */
    struct guest_mmu mmu;
    struct guest_va_map m;
    /* Only aligned instructions in executable guest RAM ("outside text": refused). */
    if (kind != 4 || (va & 3) || gdb_kvm_mmu(g, &mmu) < 0 ||
        guest_va_translate(g->vm->mem, &mmu, va, &m) < 0 || !m.exec)
        return -1;
    for (unsigned i = 0; i < GDB_SW_MAX; i++)
        if (!g->sw[i].used) {
            uint32_t *p = gmem_ptr(g->vm->mem, m.pa, 4), brk = BRK_GDB;
            g->sw[i].used = 1;
            g->sw[i].va = va;
            g->sw[i].pa = m.pa;
            memcpy(&g->sw[i].orig, p, 4);
            memcpy(p, &brk, 4);
            __builtin___clear_cache((char *)p, (char *)p + 4);
            return gdb_kvm_apply_debug(g);
        }
    return -1;
}

void gdb_kvm_remove_all(struct gdb_stub *g)
{
    for (unsigned i = 0; i < GDB_SW_MAX; i++)
        if (g->sw[i].used)
            sw_break(g, g->sw[i].va, 4, 0);
}

static int hw_slot(struct gdb_hw_slot *slots, unsigned n, enum gdb_bp_type type, uint64_t addr,
                   uint64_t len, int insert)
{
    for (unsigned i = 0; i < n; i++)
        if (slots[i].used && slots[i].addr == addr && slots[i].len == len && slots[i].type == type) {
            if (!insert)
                slots[i].used = 0;
            return 0;
        }
    if (!insert)
        return 0;
    for (unsigned i = 0; i < n; i++)
        if (!slots[i].used) {
            slots[i] = (struct gdb_hw_slot){ 1, addr, len, type };
            return 0;
        }
    return -1; /* all the vCPU's debug registers are in use */
}

static int breakpoint(void *t, enum gdb_bp_type type, uint64_t addr, uint64_t kind, int insert)
{
    struct gdb_stub *g = t;
    if (type == GDB_BP_SW)
        return sw_break(g, addr, kind, insert);
    if (type == GDB_BP_HW) {
        if (kind != 4 || (addr & 3) || hw_slot(g->bp, g->nbp, type, addr, 4, insert) < 0)
            return -1;
    } else {
        /* A watchpoint covers bytes of one aligned doubleword (WCR.BAS). */
        if (!kind || kind > 8 || (addr & 7) + kind > 8 ||
            hw_slot(g->wp, g->nwp, type, addr, kind, insert) < 0)
            return -1;
    }
    return gdb_kvm_apply_debug(g);
}

int gdb_kvm_apply_debug(struct gdb_stub *g)
{
    struct kvm_guest_debug d;
    memset(&d, 0, sizeof d);
    d.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW;
    for (unsigned i = 0; i < GDB_SW_MAX; i++)
        if (g->sw[i].used)
            d.control |= KVM_GUESTDBG_USE_SW_BP; /* BRKs trap to us only while we own some */
    if (g->stepping)
        d.control |= KVM_GUESTDBG_SINGLESTEP;
    for (unsigned i = 0; i < g->nbp; i++)
        if (g->bp[i].used) {
            d.arch.dbg_bvr[i] = g->bp[i].addr;
            d.arch.dbg_bcr[i] = (0xfu << 5) | (3u << 1) | 1; /* BAS: A64 insn; EL1+EL0; enabled */
        }
    for (unsigned i = 0; i < g->nwp; i++)
        if (g->wp[i].used) {
            uint64_t lsc = g->wp[i].type == GDB_WP_WRITE ? 2 : g->wp[i].type == GDB_WP_READ ? 1 : 3;
            uint64_t bas = ((1u << g->wp[i].len) - 1) << (g->wp[i].addr & 7);
            d.arch.dbg_wvr[i] = g->wp[i].addr & ~7ULL;
            d.arch.dbg_wcr[i] = (bas << 5) | (lsc << 3) | (3u << 1) | 1;
        }
    return ioctl(g->vm->vcpu_fd, KVM_SET_GUEST_DEBUG, &d) < 0 ? -1 : 0;
}

int gdb_kvm_decode_debug_exit(struct gdb_stub *g)
{
    unsigned ec = g->vm->run->debug.arch.hsr >> 26;
    uint64_t far = g->vm->run->debug.arch.far, pc = 0;
    one_reg(g, DUET_REG_PC, &pc, 0);
    g->s.stop = (struct gdb_stop){ .signal = 5 };
    switch (ec) {
    case EC_BRK64:
        for (unsigned i = 0; i < GDB_SW_MAX; i++)
            if (g->sw[i].used && g->sw[i].va == pc) {
                g->s.stop.swbreak = 1;
                return 1;
            }
        return 0; /* the guest's own BRK (abort, assert) */
    case EC_HW_BP: case EC_HW_BP + 1:
        g->s.stop.hwbreak = 1;
        return 1;
    case EC_WATCH: case EC_WATCH + 1:
        for (unsigned i = 0; i < g->nwp; i++)
            if (g->wp[i].used && far >= (g->wp[i].addr & ~7ULL) && far < g->wp[i].addr + 8) {
                g->s.stop.watch = (int)g->wp[i].type;
                g->s.stop.watch_addr = g->wp[i].addr;
                return 1;
            }
        g->s.stop.watch = GDB_WP_ACCESS;
        g->s.stop.watch_addr = far;
        return 1;
    default: /* EC_STEP and anything else KVM reports as debug: a plain SIGTRAP */
        return 1;
    }
}

int gdb_kvm_inject_brk(struct gdb_stub *g)
{
    uint64_t pc, pstate, vbar, esr = g->vm->run->debug.arch.hsr;
    uint64_t el1h = 0x3c5; /* EL1h, DAIF masked: how the CPU enters an exception */
    if (one_reg(g, DUET_REG_PC, &pc, 0) || one_reg(g, DUET_REG_PSTATE, &pstate, 0) ||
        one_reg(g, DUET_REG_SYSREG_BY_NAME(VBAR_EL1), &vbar, 0))
        return -1;
    uint64_t vector = vbar + (pstate & PSTATE_SPSEL ? 0x200 : 0x000); /* current EL, SP0 / SPx */
    return one_reg(g, DUET_REG_ELR_EL1, &pc, 1) || one_reg(g, DUET_REG_SPSR(0), &pstate, 1) ||
           one_reg(g, DUET_REG_SYSREG_BY_NAME(ESR_EL1), &esr, 1) ||
           one_reg(g, DUET_REG_PSTATE, &el1h, 1) || one_reg(g, DUET_REG_PC, &vector, 1) ? -1 : 0;
}

const struct gdb_target_ops gdb_kvm_ops = { read_reg, write_reg, read_mem, write_mem, breakpoint };
#endif
