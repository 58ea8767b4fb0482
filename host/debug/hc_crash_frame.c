/*
 * DUET_HC_CRASH_FRAME: the guest's crash handler hands over the context the
 * exception interrupted, just before it halts with DUET_STATUS_CRASH. Kept
 * for crash_rewind() (gdb and core dumps); the guest runs on unchanged.
 */
#include "hypercall/hypercall.h"

static enum hc_result crash_frame(struct hc_ctx *ctx, duet_gpa_t arg)
{
    if (hc_copy_in(ctx, "crash frame", arg, &ctx->crash_frame, sizeof ctx->crash_frame))
        return HC_FAULT;
    ctx->have_crash_frame = 1;
    return HC_CONTINUE;
}

DUET_HYPERCALL(DUET_HC_CRASH_FRAME, "crash_frame", crash_frame);
