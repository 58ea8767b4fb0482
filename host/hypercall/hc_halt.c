/* DUET_HC_HALT: the guest is done; its status becomes duet's exit status. */
#include "hypercall/hypercall.h"

static enum hc_result halt(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct duet_hc_halt a;
    if (hc_copy_in(ctx, "halt", arg, &a, sizeof a))
        return HC_FAULT;
    if (a.status == DUET_STATUS_CRASH) {
        /* The guest's own crash handler: its report is already on the console. */
        ctx->status = DUET_STATUS_CRASH;
        ctx->guest_crashed = 1;
        return HC_HALT;
    }
    if (a.status < 0 || a.status > DUET_STATUS_GUEST_MAX)
        return hc_fault(ctx, "halt: status %lld is outside 0..%d (higher statuses are duet's own)",
                        (long long)a.status, DUET_STATUS_GUEST_MAX);
    ctx->status = (int)a.status;
    return HC_HALT;
}

DUET_HYPERCALL(DUET_HC_HALT, "halt", halt);
