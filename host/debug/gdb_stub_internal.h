/* The stub's state, shared by gdb_stub.c (socket, stops) and gdb_kvm.c (the vCPU as gdb's target). */
#ifndef DUET_GDB_STUB_INTERNAL_H
#define DUET_GDB_STUB_INTERNAL_H

#include "debug/gdb_commands.h"
#include "debug/gdb_stub.h"
#include "debug/guest_va.h"

enum { GDB_SW_MAX = 64, GDB_HW_MAX = 16 };

struct gdb_hw_slot { int used; uint64_t addr, len; enum gdb_bp_type type; };

struct gdb_stub {
    int listen_fd, fd;          /* fd -1: gdb detached or gone; the guest runs on */
    char where[128];            /* what we listen on, for messages */
    char unix_path[108];        /* to unlink at close */
    struct vm *vm;
    struct gdb_session s;
    struct rsp_reader r;
    char reply[RSP_PACKET_MAX + 1];
    char frame[2 * RSP_PACKET_MAX + 8];
    size_t frame_len;           /* the last reply sent, resent on '-' */
    struct { int used; uint64_t va, pa; uint32_t orig; } sw[GDB_SW_MAX];
    struct gdb_hw_slot bp[GDB_HW_MAX], wp[GDB_HW_MAX];
    unsigned nbp, nwp;          /* what the vCPU has (KVM_CAP_GUEST_DEBUG_HW_BPS/WPS) */
    int stepping;
};

extern const struct gdb_target_ops gdb_kvm_ops;
/* The vCPU's MMU registers, for guest_va_translate. */
int gdb_kvm_mmu(struct gdb_stub *g, struct guest_mmu *mmu);
/* KVM_SET_GUEST_DEBUG from the slots and g->stepping. 0 or -1. */
int gdb_kvm_apply_debug(struct gdb_stub *g);
/* Fills g->s.stop from a KVM_EXIT_DEBUG; 1 if the stop is ours, 0 a BRK the guest owns. */
int gdb_kvm_decode_debug_exit(struct gdb_stub *g);
/* Delivers the guest's own BRK exception to its vector table (as the CPU would have). */
int gdb_kvm_inject_brk(struct gdb_stub *g);
/* Removes every software breakpoint from guest RAM (detach, exit). */
void gdb_kvm_remove_all(struct gdb_stub *g);

#endif
