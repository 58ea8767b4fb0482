/*
 * libFuzzer target: gdb's remote protocol as the stub sees it from a socket.
 * Bytes go through the packet reader; each packet is handled against a fake
 * target whose memory is a small buffer, so any out-of-bounds access the
 * command layer made would be ASan's to catch. Replies must be bounded and
 * frame into one packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "debug/gdb_commands.h"

static uint8_t regs[GDB_NREGS][16], mem[256];

static int rd_reg(void *t, unsigned n, uint8_t *v) { (void)t; if (n >= GDB_NREGS) abort(); memcpy(v, regs[n], 16); return 0; }
static int wr_reg(void *t, unsigned n, const uint8_t *v) { (void)t; if (n >= GDB_NREGS) abort(); memcpy(regs[n], v, gdb_reg_size(n)); return 0; }
static size_t rd_mem(void *t, uint64_t a, uint8_t *b, size_t len)
{
    (void)t;
    if (a >= sizeof mem) return 0;
    size_t n = sizeof mem - a < len ? sizeof mem - a : len;
    memcpy(b, mem + a, n);
    return n;
}
static int wr_mem(void *t, uint64_t a, const uint8_t *b, size_t len)
{
    (void)t;
    if (a > sizeof mem || len > sizeof mem - a) return -1;
    memcpy(mem + a, b, len);
    return 0;
}
static int bp(void *t, enum gdb_bp_type type, uint64_t a, uint64_t k, int ins)
{
    (void)t; (void)a; (void)k; (void)ins;
    if ((unsigned)type > GDB_WP_ACCESS) abort();
    return a & 1 ? -1 : 0;
}
static const struct gdb_target_ops ops = { rd_reg, wr_reg, rd_mem, wr_mem, bp };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct rsp_reader r;
    static char reply[RSP_PACKET_MAX + 1], frame[2 * RSP_PACKET_MAX + 8];
    struct gdb_session s = { .ops = &ops, .stop = { .signal = 5 } };
    rsp_reader_init(&r);
    for (size_t i = 0; i < size; i++) {
        enum rsp_event e = rsp_feed(&r, data[i]);
        if (r.len > RSP_PACKET_MAX)
            abort();
        if (e != RSP_PACKET)
            continue;
        size_t rl = 0;
        gdb_handle(&s, r.buf, r.len, reply, &rl);
        if (rl > RSP_PACKET_MAX || reply[rl] != 0)
            abort();
        if (!rsp_frame(frame, sizeof frame, reply, rl))
            abort();
    }
    return 0;
}
