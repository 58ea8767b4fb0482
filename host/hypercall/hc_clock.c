/* DUET_HC_WALLTIME: the host's wall clock, so the guest's time(2) is right. */
#include <time.h>
#include "hypercall/hypercall.h"

HC_HOT static enum hc_result walltime(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct duet_hc_walltime a = {
        .nsecs = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec,
    };
    if (hc_copy_out(ctx, "walltime", arg, &a, sizeof a))
        return HC_FAULT;
    return HC_CONTINUE;
}

DUET_HYPERCALL(DUET_HC_WALLTIME, "walltime", walltime);
