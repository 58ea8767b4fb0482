/* The hypercall dispatcher: decodes an MMIO exit into a registered handler. */
#include <stdarg.h>
#include <stdio.h>
#include "hypercall/hypercall.h"

/* Bounds of the duet_hypercalls section, provided by the linker. */
extern const struct hc_entry __start_duet_hypercalls[] __attribute__((weak));
extern const struct hc_entry __stop_duet_hypercalls[] __attribute__((weak));

static const struct hc_entry *find(unsigned nr)
{
    for (const struct hc_entry *e = __start_duet_hypercalls; e < __stop_duet_hypercalls; e++)
        if (e->nr == nr)
            return e;
    return NULL;
}

/*
 * Handlers by number, in the context itself (filled at its first hypercall):
 * a hypercall is one indexed load from memory the exit touches anyway, not
 * a walk of the linker section (fewer instructions and pages per exit,
 * which nested emulation bills as TLB refills).
 */
__attribute__((noinline, cold)) static void index_hypercalls(struct hc_ctx *ctx)
{
    for (const struct hc_entry *e = __start_duet_hypercalls; e < __stop_duet_hypercalls; e++)
        if (e->nr < DUET_HC_MAX && !ctx->fn[e->nr])
            ctx->fn[e->nr] = e->fn; /* a duplicate number: the first one wins, like find() */
    ctx->fn_indexed = 1;
}

const char *hc_name(unsigned nr)
{
    const struct hc_entry *e = find(nr);
    return e ? e->name : NULL;
}

enum hc_result hc_fault(struct hc_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->err, sizeof ctx->err, fmt, ap);
    va_end(ap);
    return HC_FAULT;
}

HC_HOT enum hc_result hc_dispatch(struct hc_ctx *ctx, uint64_t offset, unsigned len,
                                  int is_write, uint64_t value)
{
    if (!is_write)
        return hc_fault(ctx, "guest read %u bytes from the hypercall window at +0x%llx "
                        "(hypercalls are 8-byte stores)", len, (unsigned long long)offset);
    if (len != 8 || offset % 8 != 0)
        return hc_fault(ctx, "guest wrote %u bytes at hypercall window +0x%llx "
                        "(hypercalls are aligned 8-byte stores)", len, (unsigned long long)offset);
    uint64_t nr = offset / 8;
    if (!ctx->fn_indexed)
        index_hypercalls(ctx);
    hc_handler_fn fn = nr < DUET_HC_MAX ? ctx->fn[nr] : NULL;
    if (!fn)
        return hc_fault(ctx, "unknown hypercall %llu (argument 0x%llx)",
                        (unsigned long long)nr, (unsigned long long)value);
    ctx->count[nr]++;
    return fn(ctx, value);
}
