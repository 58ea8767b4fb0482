/*
 * DUET_HC_FS: the guest's requests on its --dir shares. The argument struct,
 * both paths and the buffer are checked against guest RAM before anything
 * is done (outside RAM stops the guest); everything else wrong with a
 * request is an error returned to it.
 */
#include <string.h>
#include "devices/dir/dir_share.h"
#include "hypercall/hypercall.h"

static int takes_buffer(uint32_t op)
{
    return op == DUET_FS_STAT || op == DUET_FS_PREAD || op == DUET_FS_PWRITE ||
           op == DUET_FS_FSTAT || op == DUET_FS_READDIR;
}

static int takes_path(uint32_t op)
{
    return op == DUET_FS_STAT || op == DUET_FS_OPEN || op == DUET_FS_MKDIR ||
           op == DUET_FS_UNLINK || op == DUET_FS_RMDIR || op == DUET_FS_RENAME;
}

static enum hc_result fs_call(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct duet_hc_fs a;
    if (hc_copy_in(ctx, "fs", arg, &a, sizeof a))
        return HC_FAULT;
    const char *path = NULL, *path2 = NULL;
    void *buf = NULL;
    a.done = 0;
    if (a.share >= ctx->ndirs || a.op >= DUET_FS_OP_MAX) {
        a.ret = a.share >= ctx->ndirs ? DUET_ENODEV : DUET_EINVAL;
        return hc_copy_out(ctx, "fs", arg, &a, sizeof a) ? HC_FAULT : HC_CONTINUE;
    }
    if (takes_path(a.op)) {
        if (a.path_len > DUET_FS_PATH_MAX || a.path2_len > DUET_FS_PATH_MAX)
            a.ret = DUET_ENAMETOOLONG;
        else if (!(path = gmem_ptr(ctx->mem, a.path, a.path_len ? a.path_len : 1)))
            return hc_fault(ctx, "fs: path at 0x%llx (+%u bytes) is outside guest RAM",
                            (unsigned long long)a.path, a.path_len);
        if (a.op == DUET_FS_RENAME && path &&
            !(path2 = gmem_ptr(ctx->mem, a.path2, a.path2_len ? a.path2_len : 1)))
            return hc_fault(ctx, "fs: new path at 0x%llx (+%u bytes) is outside guest RAM",
                            (unsigned long long)a.path2, a.path2_len);
    }
    if (takes_buffer(a.op) && a.len && !(buf = gmem_ptr(ctx->mem, a.buf, a.len)))
        return hc_fault(ctx, "fs: buffer 0x%llx (+%llu bytes) is outside guest RAM",
                        (unsigned long long)a.buf, (unsigned long long)a.len);
    if (takes_path(a.op) && !path)
        ;  /* a.ret already says why */
    else if (takes_buffer(a.op) && !buf && a.op != DUET_FS_PREAD && a.op != DUET_FS_PWRITE)
        a.ret = DUET_EINVAL;  /* a stat or dirent needs room */
    else
        a.ret = dir_op(&ctx->dirs[a.share], &a, buf, path, path2);
    return hc_copy_out(ctx, "fs", arg, &a, sizeof a) ? HC_FAULT : HC_CONTINUE;
}

DUET_HYPERCALL(DUET_HC_FS, "fs", fs_call);
