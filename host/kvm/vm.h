/*
 * One KVM virtual machine with one vCPU and an in-kernel GIC: the part of
 * the host that talks to /dev/kvm. Only aarch64 builds implement it
 * (vm_create.c, vcpu.c, gic.c, vm.c; the run loop is run/run_loop.c);
 * other builds get vm_unsupported.c, whose vm_open() explains why it
 * cannot run guests.
 */
#ifndef DUET_VM_H
#define DUET_VM_H

#include <stddef.h>
#include <stdint.h>
#include "lib/guest_mem.h"

struct gdb_stub;

struct vm {
    int kvm_fd, vm_fd, vcpu_fd, gic_fd;
    struct kvm_run *run;        /* the vCPU's shared run structure */
    size_t run_size;
    int gic_version;            /* 3, or 2 where the host has no GICv3; 0: no vGIC made */
    unsigned ipa_bits;
    int hvc_floor_forwarded;    /* DUET_HVC_FLOOR exits to us (SMCCC filter, >= 6.4) */
    int bench_efd;              /* eventfd behind DUET_HC_BENCH_IOEVENTFD, or -1 */
    struct guest_mem *mem;
    struct gdb_stub *gdb;       /* --gdb: the stub the run loop reports stops to; else NULL */
    char err[256];              /* why the last call failed: one line */
};

/* Opens /dev/kvm, creates the VM and its RAM slot. 0 or -1 (vm->err). */
int vm_open(struct vm *vm, struct guest_mem *mem);
/* A read-only memory slot: guest reads of [gpa, gpa + size) see host's pages
 * (faulted in as touched, never copied), writes exit as MMIO. host and size
 * page-aligned. 0 or -1 (vm->err). */
int vm_map_readonly(struct vm *vm, uint32_t slot, uint64_t gpa, const void *host, uint64_t size);
/* Creates the in-kernel GIC (v3, else v2) at the addresses of memmap.h. */
int vm_create_gic(struct vm *vm);
/* Creates and initialises vCPU 0 (PSCI 0.2), then finishes the GIC if there is one. */
int vm_create_vcpu(struct vm *vm);
/* Asks KVM to forward DUET_HVC_FLOOR to userspace where it can (Linux >= 6.4);
 * a kernel without the SMCCC filter is not an error. 0 or -1 (vm->err). */
int vm_forward_hvc_floor(struct vm *vm);
/* The exit benchmark's in-kernel MMIO store: an eventfd bound with
 * KVM_IOEVENTFD to DUET_HC_BENCH_IOEVENTFD's address. 0 or -1 (vm->err). */
int vm_bench_ioeventfd(struct vm *vm);
/* PC, X0 (device tree), SP_EL1 and PSTATE (EL1h, DAIF masked) for boot. */
int vm_set_boot_regs(struct vm *vm, uint64_t entry, uint64_t dtb, uint64_t sp);
/* Reads one register by ONE_REG id (the guest's PC in error reports). */
int vm_get_reg(struct vm *vm, uint64_t id, uint64_t *val);
void vm_close(struct vm *vm);
/* The guest's virtual counter now (ONE_REG TIMER_CNT) and its frequency. */
int vm_guest_clock(struct vm *vm, uint64_t *count, uint64_t *freq);

#endif
