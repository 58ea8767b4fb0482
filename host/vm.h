/*
 * One KVM virtual machine with one vCPU and an in-kernel GIC: the part of
 * the host that talks to /dev/kvm. Only aarch64 builds implement it
 * (vm_kvm.c, vcpu_kvm.c, gic_kvm.c, run_loop.c); other builds get
 * vm_unsupported.c, whose vm_open() explains why it cannot run guests.
 */
#ifndef DUET_VM_H
#define DUET_VM_H

#include <stddef.h>
#include <stdint.h>
#include "guest_mem.h"
#include "hypercall.h"

struct vm {
    int kvm_fd, vm_fd, vcpu_fd, gic_fd;
    struct kvm_run *run;        /* the vCPU's shared run structure */
    size_t run_size;
    int gic_version;            /* 3, or 2 where the host has no GICv3 */
    unsigned ipa_bits;
    struct guest_mem *mem;
    char err[256];              /* why the last call failed: one line */
};

/* Opens /dev/kvm, creates the VM and its RAM slot. 0 or -1 (vm->err). */
int vm_open(struct vm *vm, struct guest_mem *mem);
/* Creates the in-kernel GIC (v3, else v2) at the addresses of memmap.h. */
int vm_create_gic(struct vm *vm);
/* Creates and initialises vCPU 0 (PSCI 0.2), then finishes the GIC if there is one. */
int vm_create_vcpu(struct vm *vm);
/* PC, X0 (device tree), SP_EL1 and PSTATE (EL1h, DAIF masked) for boot. */
int vm_set_boot_regs(struct vm *vm, uint64_t entry, uint64_t dtb, uint64_t sp);
/* Reads one register by ONE_REG id (the guest's PC in error reports). */
int vm_get_reg(struct vm *vm, uint64_t id, uint64_t *val);
void vm_close(struct vm *vm);
/* The guest's virtual counter now (ONE_REG TIMER_CNT) and its frequency. */
int vm_guest_clock(struct vm *vm, uint64_t *count, uint64_t *freq);

/* Exit statistics of one run (duet run --stats). */
enum { RUN_STAT_MAX = 64 };
struct run_stats {
    uint64_t exits[RUN_STAT_MAX];    /* by KVM exit reason (last slot: others) */
    uint64_t host_ns[RUN_STAT_MAX];  /* time in the host handling them */
    uint64_t hypercalls[DUET_HC_MAX];
};

/*
 * Runs the guest until it halts, powers off or breaks something. Returns
 * duet's exit status and prints a message for everything but a clean halt.
 */
int vm_run(struct vm *vm, struct hc_ctx *hc, struct run_stats *stats, int collect_stats);

#endif
