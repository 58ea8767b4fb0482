/*
 * The host side of the hypercall ABI (shared/include/duet/hypercall.h).
 *
 * Each hypercall lives in its own module (hc_*.c) and registers itself with
 * DUET_HYPERCALL(); the dispatcher finds them through a linker section, so
 * adding a hypercall never touches a central switch.
 */
#ifndef DUET_HOST_HYPERCALL_H
#define DUET_HOST_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "duet/hypercall.h"
#include "lib/guest_mem.h"

struct block_dev;
struct dir_share;
struct virtio_net;

enum hc_result {
    HC_CONTINUE,  /* resume the guest */
    HC_HALT,      /* the guest asked to stop; ctx->status holds its status */
    HC_FAULT,     /* the guest broke the ABI; ctx->err says how */
};

struct hc_ctx;
typedef enum hc_result (*hc_handler_fn)(struct hc_ctx *ctx, duet_gpa_t arg);

struct hc_ctx {
    struct guest_mem *mem;
    int vm_fd;               /* for KVM_IRQ_LINE; -1 when there is no VM (tests) or no vGIC */
    struct block_dev *blocks; /* attached block devices, by index */
    unsigned nblocks;
    struct dir_share *dirs;  /* --dir shares, by index */
    unsigned ndirs;
    struct virtio_net *vnets; /* the NICs: virtio-net devices (their MMIO exits, --stats) */
    unsigned nvnets;
    int console_fd;          /* where the guest's console goes */
    uint64_t console_left;   /* bytes the guest may still print (UINT64_MAX: no bound) */
    int console_full_reported;
    int status;              /* OUT of HC_HALT */
    int guest_crashed;       /* OUT of HC_HALT: the guest halted with DUET_STATUS_CRASH */
    char err[256];           /* OUT of HC_FAULT: one line, no newline */
    uint64_t count[DUET_HC_MAX]; /* hypercalls served, by number */
    hc_handler_fn fn[DUET_HC_MAX]; /* handlers by number, filled by the first hc_dispatch */
    int fn_indexed;
    int have_boot_times;     /* OUT of DUET_HC_BOOT_TIMES */
    int have_crash_frame;    /* OUT of DUET_HC_CRASH_FRAME (debug/hc_crash_frame.c) */
    struct duet_crash_frame crash_frame;
    uint64_t boot_entry_count, boot_main_count;
    long pages_at_main;      /* host pages of guest RAM resident when main() began */
    long pages_before_run;   /* ... when the guest had not run yet (ELF + device tree) */
    uint64_t guest_table_pages; /* the guest's page-table pages (DUET_HC_BOOT_TIMES) */
};

struct hc_entry {
    unsigned nr;
    const char *name;
    hc_handler_fn fn;
};

/* Registers `fn` as hypercall `nr`; use once per hypercall, at file scope. */
#define DUET_HYPERCALL(nr_, name_, fn_) \
    static const struct hc_entry hc_entry_##fn_ \
    __attribute__((used, section("duet_hypercalls"), aligned(sizeof(void *)))) = \
    { (nr_), (name_), (fn_) }

/* Serves one MMIO access to the hypercall window: `offset` from DUET_HC_BASE. */
enum hc_result hc_dispatch(struct hc_ctx *ctx, uint64_t offset, unsigned len,
                           int is_write, uint64_t value);

/* The registered hypercall's name, or NULL. */
const char *hc_name(unsigned nr);

/* Sets ctx->err (printf-style) and returns HC_FAULT. */
enum hc_result hc_fault(struct hc_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), cold));

/*
 * The exit path's code (run loop, dispatcher, the hypercalls a guest makes
 * per request) goes to .text.hot, which the linker packs together: fewer
 * instruction pages touched per exit.
 */
#define HC_HOT __attribute__((hot))

/*
 * Copies the argument struct in from the guest, or the result out;
 * HC_FAULT-style error (0 or -1) when any byte is outside RAM. Inline, so a
 * constant-size copy is a few loads and stores, not a call to memcpy.
 * memcpy: the guest's struct may be unaligned.
 */
static inline int hc_copy_in(struct hc_ctx *ctx, const char *what, duet_gpa_t gpa, void *dst,
                             size_t len)
{
    const void *src = gmem_ptr(ctx->mem, gpa, len);
    if (!src) {
        hc_fault(ctx, "%s: argument at 0x%llx (+%zu bytes) is outside guest RAM",
                 what, (unsigned long long)gpa, len);
        return -1;
    }
    memcpy(dst, src, len);
    return 0;
}

static inline int hc_copy_out(struct hc_ctx *ctx, const char *what, duet_gpa_t gpa,
                              const void *src, size_t len)
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

#endif
