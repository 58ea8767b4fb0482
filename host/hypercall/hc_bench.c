/*
 * DUET_HC_BENCH_IOEVENTFD reaching the host: the kernel did not complete the
 * store, so no ioeventfd is bound (duet run without --bench-exits). The
 * guest learns it from the 1 written to *arg and skips its ioeventfd row.
 */
#include "hypercall/hypercall.h"

static enum hc_result bench_ioeventfd(struct hc_ctx *ctx, duet_gpa_t arg)
{
    uint64_t reached_host = 1;
    if (hc_copy_out(ctx, "bench ioeventfd", arg, &reached_host, sizeof reached_host))
        return HC_FAULT;
    return HC_CONTINUE;
}

DUET_HYPERCALL(DUET_HC_BENCH_IOEVENTFD, "bench_ioeventfd", bench_ioeventfd);
