/*
 * gdb's remote protocol, the command layer: one packet in, one reply out,
 * against a target behind function pointers (the KVM vCPU in gdb_stub.c, a
 * fake in the unit tests and the fuzzer). Pure: no I/O, every field of
 * every packet checked, every reply bounded by RSP_PACKET_MAX.
 *
 * Registers use gdb's aarch64 numbering (the target.xml we serve):
 *   0..30 x0-x30 (8 bytes)  31 sp  32 pc  33 cpsr (4)
 *   34..65 v0-v31 (16)  66 fpsr (4)  67 fpcr (4)
 */
#ifndef DUET_GDB_COMMANDS_H
#define DUET_GDB_COMMANDS_H

#include <stddef.h>
#include <stdint.h>
#include "debug/rsp_packet.h"

enum { GDB_REG_SP = 31, GDB_REG_PC = 32, GDB_REG_CPSR = 33, GDB_REG_V0 = 34,
       GDB_REG_FPSR = 66, GDB_REG_FPCR = 67, GDB_NREGS = 68 };

/* Bytes of gdb register `n` (n < GDB_NREGS). */
unsigned gdb_reg_size(unsigned n);

/* Breakpoint and watchpoint kinds, as Z/z number them. */
enum gdb_bp_type { GDB_BP_SW = 0, GDB_BP_HW = 1, GDB_WP_WRITE = 2, GDB_WP_READ = 3, GDB_WP_ACCESS = 4 };

struct gdb_target_ops {
    /* Register n into val (gdb_reg_size(n) bytes, little-endian). 0 or -1. */
    int (*read_reg)(void *t, unsigned n, uint8_t *val);
    int (*write_reg)(void *t, unsigned n, const uint8_t *val);
    /* Bytes readable from guest virtual address addr (up to len): 0 = none. */
    size_t (*read_mem)(void *t, uint64_t addr, uint8_t *buf, size_t len);
    /* 0 when all len bytes were written, -1 (nothing written) otherwise. */
    int (*write_mem)(void *t, uint64_t addr, const uint8_t *buf, size_t len);
    /* Insert or remove; 0, -1 refused (E NN), 1 not supported (empty reply). */
    int (*breakpoint)(void *t, enum gdb_bp_type type, uint64_t addr, uint64_t kind, int insert);
};

/* What the stub does after the reply is sent. */
enum gdb_action { GDB_STAY, GDB_CONTINUE, GDB_STEP, GDB_KILL, GDB_DETACH };

/* Why the guest last stopped (the reply to '?' and to a resume). */
struct gdb_stop {
    int signal;             /* 5 SIGTRAP, 2 SIGINT, 11 SIGSEGV, 6 SIGABRT */
    int watch;              /* 0, or a GDB_WP_* type that fired at watch_addr */
    uint64_t watch_addr;
    int swbreak, hwbreak;   /* which kind of breakpoint, for gdb's swbreak+/hwbreak+ */
};

struct gdb_session {
    const struct gdb_target_ops *ops;
    void *target;
    struct gdb_stop stop;
    int resume_addr_set;    /* c ADDR / s ADDR: the PC to set before resuming */
    uint64_t resume_addr;
};

/*
 * Handles one packet (pkt, len, NUL-terminated); the reply payload goes to
 * reply (capacity RSP_PACKET_MAX + 1), its length to *reply_len. A resume
 * (GDB_CONTINUE, GDB_STEP) has no reply now: the stop reply comes later.
 */
enum gdb_action gdb_handle(struct gdb_session *s, const char *pkt, size_t len,
                           char *reply, size_t *reply_len);

/* The stop reply ("T05..." ) for s->stop into reply; its length. */
size_t gdb_stop_reply(const struct gdb_session *s, char *reply);

/* target.xml: the aarch64 core and fpu features, built once. */
const char *gdb_target_xml(size_t *len);

#endif
