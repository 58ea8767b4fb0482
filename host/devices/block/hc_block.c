/*
 * Block hypercalls: info, read, write, flush. Every range is checked before
 * any I/O: misaligned, out-of-range or read-only requests come back as
 * DUET_E* errors to the guest; only a buffer outside guest RAM stops it.
 */
#include <stddef.h>
#include "devices/block/block_dev.h"
#include "hypercall/hypercall.h"

static struct block_dev *device(struct hc_ctx *ctx, uint32_t index)
{
    return index < ctx->nblocks ? &ctx->blocks[index] : NULL;
}

static enum hc_result block_info(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct duet_hc_block_info a;
    if (hc_copy_in(ctx, "block info", arg, &a, sizeof a))
        return HC_FAULT;
    struct block_dev *d = device(ctx, a.index);
    a.ret = d ? DUET_EOK : DUET_ENODEV;
    a.sector_size = d ? d->spec.sector_size : 0;
    a.sectors = d ? d->sectors : 0;
    a.read_only = d ? (uint32_t)d->spec.read_only : 0;
    return hc_copy_out(ctx, "block info", arg, &a, sizeof a) ? HC_FAULT : HC_CONTINUE;
}

/* 0 if the request fits the device, else the DUET_E* to return. */
static int64_t check_range(const struct block_dev *d, const struct duet_hc_block_io *a)
{
    if (!d)
        return DUET_ENODEV;
    uint64_t ss = d->spec.sector_size;
    if (a->len == 0 || a->len % ss)
        return DUET_EINVAL;
    uint64_t count = a->len / ss;
    /* sector + count <= sectors, written so nothing wraps. */
    if (a->sector > d->sectors || count > d->sectors - a->sector)
        return DUET_EINVAL;
    return 0;
}

static enum hc_result block_io(struct hc_ctx *ctx, duet_gpa_t arg, int write)
{
    const char *what = write ? "block write" : "block read";
    struct duet_hc_block_io a;
    if (hc_copy_in(ctx, what, arg, &a, sizeof a))
        return HC_FAULT;
    struct block_dev *d = device(ctx, a.index);
    a.ret = check_range(d, &a);
    if (a.ret == 0 && write && d->spec.read_only)
        a.ret = DUET_EROFS;
    if (a.ret == 0) {
        void *buf = gmem_ptr(ctx->mem, a.data, a.len);
        if (!buf)
            return hc_fault(ctx, "%s: buffer 0x%llx (+%llu bytes) is outside guest RAM", what,
                            (unsigned long long)a.data, (unsigned long long)a.len);
        uint64_t off = a.sector * d->spec.sector_size;
        int rc = write ? block_pwrite(d, buf, a.len, off) : block_pread(d, buf, a.len, off);
        a.ret = rc < 0 ? DUET_EIO : (int64_t)a.len;
    }
    if (hc_copy_out(ctx, what, arg + offsetof(struct duet_hc_block_io, ret), &a.ret, sizeof a.ret))
        return HC_FAULT;
    return HC_CONTINUE;
}

static enum hc_result block_read(struct hc_ctx *ctx, duet_gpa_t arg) { return block_io(ctx, arg, 0); }
static enum hc_result block_write(struct hc_ctx *ctx, duet_gpa_t arg) { return block_io(ctx, arg, 1); }

static enum hc_result block_flush_hc(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct duet_hc_block_flush a;
    if (hc_copy_in(ctx, "block flush", arg, &a, sizeof a))
        return HC_FAULT;
    struct block_dev *d = device(ctx, a.index);
    a.ret = !d ? DUET_ENODEV : block_flush(d) < 0 ? DUET_EIO : DUET_EOK;
    if (hc_copy_out(ctx, "block flush", arg + offsetof(struct duet_hc_block_flush, ret),
                    &a.ret, sizeof a.ret))
        return HC_FAULT;
    return HC_CONTINUE;
}

DUET_HYPERCALL(DUET_HC_BLOCK_INFO, "block_info", block_info);
DUET_HYPERCALL(DUET_HC_BLOCK_READ, "block_read", block_read);
DUET_HYPERCALL(DUET_HC_BLOCK_WRITE, "block_write", block_write);
DUET_HYPERCALL(DUET_HC_BLOCK_FLUSH, "block_flush", block_flush_hc);
