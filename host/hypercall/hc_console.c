/* DUET_HC_CONSOLE_WRITE: the guest's bytes to the host's stdout. */
#include <errno.h>
#include <unistd.h>
#include "hypercall/hypercall.h"

HC_HOT static enum hc_result console_write(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct duet_hc_console_write a;
    if (hc_copy_in(ctx, "console write", arg, &a, sizeof a))
        return HC_FAULT;
    const uint8_t *buf = gmem_ptr(ctx->mem, a.data, a.len);
    if (!buf)
        return hc_fault(ctx, "console write: buffer 0x%llx (+%llu bytes) is outside guest RAM",
                        (unsigned long long)a.data, (unsigned long long)a.len);
    uint64_t done = 0, len = a.len;
    a.ret = DUET_EOK;
    if (len > ctx->console_left) {
        /* Bounded output: a guest cannot fill the host's disk or log. */
        if (!ctx->console_full_reported) {
            static const char note[] = "\nduet: the guest reached the console output bound; "
                                       "further output is discarded\n";
            ssize_t ignored = write(STDERR_FILENO, note, sizeof note - 1);
            (void)ignored;
            ctx->console_full_reported = 1;
        }
        len = ctx->console_left;
        a.ret = DUET_ENOSPC;
    }
    while (done < len) {
        ssize_t n = write(ctx->console_fd, buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            a.ret = DUET_EIO; /* the host's stdout is gone: tell the guest, don't die */
            break;
        }
        done += (uint64_t)n;
    }
    ctx->console_left -= done;
    if (a.ret == DUET_EOK)
        a.ret = (int64_t)done;
    if (hc_copy_out(ctx, "console write", arg + offsetof(struct duet_hc_console_write, ret),
                    &a.ret, sizeof a.ret))
        return HC_FAULT;
    return HC_CONTINUE;
}

DUET_HYPERCALL(DUET_HC_CONSOLE_WRITE, "console_write", console_write);
