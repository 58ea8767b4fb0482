/*
 * The run loop: KVM_RUN on the VM's vCPU until the guest stops, each exit
 * handed to its handler (hypercalls to hypercall/, the rest reported).
 */
#ifndef DUET_RUN_LOOP_H
#define DUET_RUN_LOOP_H

#include <stdint.h>
#include "hypercall/hypercall.h"
#include "kvm/vm.h"

/*
 * Exit statistics of one run (duet run --stats; without it only the
 * benchmark floors' counts). Each exit is split in two: the KVM_RUN that
 * ended in it (the kernel's entry and exit plus the guest's run up to it)
 * and our own work from KVM_RUN's return until the next KVM_RUN.
 */
enum { RUN_STAT_MAX = 64 };
struct run_stats {
    uint64_t exits[RUN_STAT_MAX];    /* by KVM exit reason (last slot: others) */
    uint64_t run_ns[RUN_STAT_MAX];   /* time inside the KVM_RUN ioctls that ended so */
    uint64_t host_ns[RUN_STAT_MAX];  /* time in the host handling them */
    uint64_t hypercalls[DUET_HC_MAX]; /* the same, for MMIO exits by hypercall number */
    uint64_t hc_run_ns[DUET_HC_MAX];
    uint64_t hc_host_ns[DUET_HC_MAX];
};

/*
 * Runs the guest until it halts, powers off or breaks something. Returns
 * duet's exit status and prints a message for everything but a clean halt.
 */
int vm_run(struct vm *vm, struct hc_ctx *hc, struct run_stats *stats, int collect_stats);

#endif
