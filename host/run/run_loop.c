/*
 * The run loop: KVM_RUN until the guest stops, each exit to its handler.
 * Hypercalls are MMIO stores to the hypercall window; every other exit is
 * either the guest stopping (PSCI) or something to report and stop on.
 */
#if defined(__aarch64__)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <linux/kvm.h>
#include "duet/hypercall.h"
#include "duet/kvm_regs.h"
#include "debug/crash_regs.h"
#include "debug/gdb_stub.h"
#include "duet/memmap.h"
#include "run/run_loop.h"
#include "devices/virtio/virtio_net.h"

static uint64_t guest_pc(struct vm *vm)
{
    uint64_t pc = 0;
    vm_get_reg(vm, DUET_REG_PC, &pc);
    return pc;
}

/* Every stop but a clean halt says why, on stderr, with the guest's PC. */
__attribute__((cold)) static int stop(struct vm *vm, int status, const char *what)
{
    fprintf(stderr, "duet: %s (guest pc 0x%llx)\n", what, (unsigned long long)guest_pc(vm));
    return status;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A hypercall that did not simply continue: the guest halted or broke the ABI. */
__attribute__((cold, noinline)) static int hypercall_stop(struct vm *vm, struct hc_ctx *hc,
                                                          enum hc_result r)
{
    if (r == HC_HALT) {
        /* Back to the faulting instruction for gdb and the core (its report has it too). */
        if (hc->guest_crashed && hc->have_crash_frame && crash_rewind(vm, &hc->crash_frame) < 0)
            fprintf(stderr, "duet: the guest's crash frame is implausible; registers are the handler's\n");
        if (hc->guest_crashed)
            return stop(vm, DUET_STATUS_CRASH, "the guest crashed (its report is above)");
        return hc->status;
    }
    char msg[320];
    snprintf(msg, sizeof msg, "bad hypercall: %s", hc->err);
    return stop(vm, DUET_STATUS_CRASH, msg);
}

/* Any access to the hypercall window; hc_dispatch refuses all but aligned 8-byte stores.
 * Inline in the run loop, the 8-byte copy too: no call on the way to the handler. */
__attribute__((always_inline)) static inline int handle_hypercall(struct vm *vm, struct hc_ctx *hc,
                                                                  uint64_t offset, int *done)
{
    struct kvm_run *run = vm->run;
    unsigned len = run->mmio.len;
    uint64_t value = 0;
    if (len == sizeof value)
        memcpy(&value, run->mmio.data, sizeof value); /* little-endian: low bytes first */
    else if (len < sizeof value)
        memcpy(&value, run->mmio.data, len);
    enum hc_result r = hc_dispatch(hc, offset, len, run->mmio.is_write, value);
    if (r == HC_CONTINUE)
        return 0; /* a read never continues: hc_dispatch refuses it */
    *done = 1;
    return hypercall_stop(vm, hc, r);
}

__attribute__((cold)) static int handle_mmio(struct vm *vm, struct hc_ctx *hc, int *done)
{
    struct kvm_run *run = vm->run;
    uint64_t addr = run->mmio.phys_addr;
    unsigned len = run->mmio.len;
    char msg[320];
    if (addr >= DUET_HC_BASE && addr - DUET_HC_BASE < DUET_HC_SIZE)
        return handle_hypercall(vm, hc, addr - DUET_HC_BASE, done);
    struct virtio_net *vn = virtio_net_at(hc->vnets, hc->nvnets, addr);
    if (vn) {
        uint64_t value = 0;
        if (run->mmio.is_write && len <= sizeof value)
            memcpy(&value, run->mmio.data, len);
        if (virtio_mmio_access(&vn->mmio, addr - vn->mmio.base, len, run->mmio.is_write,
                               &value) == VIRTIO_MMIO_DONE) {
            if (!run->mmio.is_write)
                memcpy(run->mmio.data, &value, len <= sizeof value ? len : sizeof value);
            return 0;
        }
        *done = 1;
        return stop(vm, DUET_STATUS_CRASH, vn->mmio.err);
    }
    *done = 1;
    snprintf(msg, sizeof msg, "guest %s %u bytes at 0x%llx: no device there",
             run->mmio.is_write ? "wrote" : "read", len, (unsigned long long)addr);
    return stop(vm, DUET_STATUS_CRASH, msg);
}

static int handle_system_event(struct vm *vm, int *done)
{
    *done = 1;
    switch (vm->run->system_event.type) {
    case KVM_SYSTEM_EVENT_SHUTDOWN:
        return 0; /* PSCI SYSTEM_OFF: a clean power-off */
    case KVM_SYSTEM_EVENT_RESET:
        return stop(vm, 0, "guest asked for a reset (PSCI SYSTEM_RESET); duet stops instead");
    case KVM_SYSTEM_EVENT_CRASH:
        return stop(vm, DUET_STATUS_CRASH, "guest reported a crash (system event)");
    default: {
        char msg[96];
        snprintf(msg, sizeof msg, "unknown system event %u", vm->run->system_event.type);
        return stop(vm, DUET_STATUS_CRASH, msg);
    }
    }
}

/*
 * --stats: one exit's split, the KVM_RUN that ended in it (kernel and guest)
 * against our own work from its return to now. nr: the hypercall, or -1.
 */
__attribute__((noinline)) static void account(struct run_stats *s, uint32_t reason, int nr,
                                              uint64_t t_in, uint64_t t_out)
{
    uint64_t t = now_ns();
    unsigned slot = reason < RUN_STAT_MAX - 1 ? reason : RUN_STAT_MAX - 1;
    s->exits[slot]++;
    s->run_ns[slot] += t_out - t_in;
    s->host_ns[slot] += t - t_out;
    if (nr >= 0 && nr < DUET_HC_MAX) {
        s->hypercalls[nr]++;
        s->hc_run_ns[nr] += t_out - t_in;
        s->hc_host_ns[nr] += t - t_out;
    }
}

HC_HOT int vm_run(struct vm *vm, struct hc_ctx *hc, struct run_stats *stats, int collect)
{
    char msg[256];
    uint64_t t_in = 0, t_out = 0;
    for (;;) {
        if (collect)
            t_in = now_ns();
        if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                int st = vm->gdb ? gdb_stub_interrupted(vm->gdb) : GDB_RUN_RESUME;
                if (st != GDB_RUN_RESUME)
                    return st;
                continue;
            }
            if (errno == ENOSYS) /* an MMIO access KVM could not decode (ESR.ISV=0) */
                return stop(vm, DUET_STATUS_CRASH, "guest made an MMIO access KVM cannot "
                            "decode (load/store with writeback or pair?)");
            snprintf(msg, sizeof msg, "KVM_RUN failed: %s", strerror(errno));
            return stop(vm, DUET_STATUS_HOST_ERROR, msg);
        }
        if (collect)
            t_out = now_ns();
        struct kvm_run *run = vm->run;
        uint32_t reason = run->exit_reason;
        uint64_t hc_off = run->mmio.phys_addr - DUET_HC_BASE; /* meaningful for MMIO only */
        /* The benchmark floor: the least host work an MMIO exit can cost. */
        if (reason == KVM_EXIT_MMIO && hc_off == 8 * DUET_HC_FLOOR && run->mmio.is_write) {
            if (collect)
                account(stats, reason, DUET_HC_FLOOR, t_in, t_out);
            else
                stats->exits[KVM_EXIT_MMIO]++;
            continue;
        }
        /*
         * A hypercall, the exit that matters: decoded before the general
         * switch, with no statistics unless asked, so its cost over the
         * floor is the handler's own work.
         */
        if (reason == KVM_EXIT_MMIO && hc_off < DUET_HC_SIZE && !collect) {
            int done = 0, status = handle_hypercall(vm, hc, hc_off, &done);
            if (!done)
                continue;
            if (vm->gdb)
                return gdb_stub_guest_done(vm->gdb, status); /* a crash stops in gdb first */
            return status;
        }
        /* Its HVC twin (SMCCC filter): PC is already past the HVC, x0 left alone. */
        if (reason == KVM_EXIT_HYPERCALL && run->hypercall.nr == DUET_HVC_FLOOR) {
            if (collect)
                account(stats, reason, -1, t_in, t_out);
            else
                stats->exits[KVM_EXIT_HYPERCALL]++;
            continue;
        }
        int done = 0, status = 0;
        switch (reason) {
        case KVM_EXIT_MMIO:
            status = handle_mmio(vm, hc, &done);
            break;
        case KVM_EXIT_SYSTEM_EVENT:
            status = handle_system_event(vm, &done);
            break;
        case KVM_EXIT_INTR:
            break; /* a signal interrupted the guest; nothing to do */
        case KVM_EXIT_DEBUG: /* only with --gdb: a breakpoint, watchpoint or step */
            if (vm->gdb && (status = gdb_stub_debug_exit(vm->gdb)) != GDB_RUN_RESUME)
                done = 1;
            status = done ? status : 0;
            break;
        case KVM_EXIT_FAIL_ENTRY:
            snprintf(msg, sizeof msg, "KVM could not enter the guest (hardware reason 0x%llx)",
                     (unsigned long long)vm->run->fail_entry.hardware_entry_failure_reason);
            return stop(vm, DUET_STATUS_HOST_ERROR, msg);
        case KVM_EXIT_INTERNAL_ERROR:
            snprintf(msg, sizeof msg, "KVM internal error (suberror %u)",
                     vm->run->internal.suberror);
            return stop(vm, DUET_STATUS_HOST_ERROR, msg);
        default:
            snprintf(msg, sizeof msg, "unexpected KVM exit reason %u", reason);
            return stop(vm, DUET_STATUS_CRASH, msg);
        }
        if (collect)
            account(stats, reason, reason == KVM_EXIT_MMIO && hc_off < DUET_HC_SIZE
                    ? (int)(hc_off / 8) : -1, t_in, t_out);
        if (done && vm->gdb && reason != KVM_EXIT_DEBUG)
            return gdb_stub_guest_done(vm->gdb, status); /* a crash stops in gdb first */
        if (done)
            return status;
    }
}
#endif
