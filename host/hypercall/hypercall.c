/* The hypercall dispatcher: decodes an MMIO exit into a registered handler. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
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

enum hc_result hc_dispatch(struct hc_ctx *ctx, uint64_t offset, unsigned len,
                           int is_write, uint64_t value)
{
    if (!is_write)
        return hc_fault(ctx, "guest read %u bytes from the hypercall window at +0x%llx "
                        "(hypercalls are 8-byte stores)", len, (unsigned long long)offset);
    if (len != 8 || offset % 8 != 0)
        return hc_fault(ctx, "guest wrote %u bytes at hypercall window +0x%llx "
                        "(hypercalls are aligned 8-byte stores)", len, (unsigned long long)offset);
    uint64_t nr = offset / 8;
    const struct hc_entry *e = nr < DUET_HC_MAX ? find((unsigned)nr) : NULL;
    if (!e)
        return hc_fault(ctx, "unknown hypercall %llu (argument 0x%llx)",
                        (unsigned long long)nr, (unsigned long long)value);
    ctx->count[nr]++;
    return e->fn(ctx, value);
}

int hc_copy_in(struct hc_ctx *ctx, const char *what, duet_gpa_t gpa, void *dst, size_t len)
{
    const void *src = gmem_ptr(ctx->mem, gpa, len);
    if (!src) {
        hc_fault(ctx, "%s: argument at 0x%llx (+%zu bytes) is outside guest RAM",
                 what, (unsigned long long)gpa, len);
        return -1;
    }
    memcpy(dst, src, len); /* memcpy: the guest's struct may be unaligned */
    return 0;
}

int hc_copy_out(struct hc_ctx *ctx, const char *what, duet_gpa_t gpa, const void *src, size_t len)
{
    void *dst = gmem_ptr(ctx->mem, gpa, len);
    if (!dst) {
        hc_fault(ctx, "%s: result at 0x%llx (+%zu bytes) is outside guest RAM",
                 what, (unsigned long long)gpa, len);
        return -1;
    }
    memcpy(dst, src, len);
    return 0;
}
