/* DUET_HC_BOOT_TIMES: the guest's boot milestones, kept for duet run --verbose. */
#include "hypercall/hypercall.h"

static enum hc_result boot_times(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct duet_hc_boot_times a;
    if (hc_copy_in(ctx, "boot times", arg, &a, sizeof a))
        return HC_FAULT;
    ctx->boot_entry_count = a.entry_count;
    ctx->boot_main_count = a.main_count;
    ctx->have_boot_times = a.main_count >= a.entry_count; /* nonsense is ignored */
    ctx->pages_at_main = gmem_resident_pages(ctx->mem);
    ctx->guest_table_pages = a.table_pages;
    return HC_CONTINUE;
}

DUET_HYPERCALL(DUET_HC_BOOT_TIMES, "boot_times", boot_times);
