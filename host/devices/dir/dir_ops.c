/*
 * The share operations behind DUET_HC_FS. Handles index the share's own
 * table; a read-only share refuses every change with EROFS here, whatever
 * the host file's permissions. Errors are Linux errnos, which DUET_E* are.
 */
#define _GNU_SOURCE  /* O_PATH */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "devices/dir/dir_share.h"

#define IO_MAX (16u << 20)  /* bytes one PREAD/PWRITE moves: bounds one exit */

static int handle_fd(const struct dir_share *d, int32_t h)
{
    return h >= 0 && h < DUET_FS_HANDLES ? d->fds[h] : -1;
}

static void fill_stat(const struct stat *st, struct duet_fs_stat *o)
{
    memset(o, 0, sizeof *o);
    o->size = (uint64_t)st->st_size;
    o->ino = st->st_ino;
    o->blocks = (uint64_t)st->st_blocks;
    o->mtime_sec = st->st_mtim.tv_sec;
    o->mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
    o->mode = st->st_mode & 07777;
    o->type = S_ISDIR(st->st_mode) ? DUET_FS_TYPE_DIR : S_ISREG(st->st_mode) ? DUET_FS_TYPE_REG : 0;
    o->nlink = (uint32_t)st->st_nlink;
}

static int64_t do_stat(int fd, void *buf, uint64_t len)
{
    struct stat st;
    if (len < sizeof(struct duet_fs_stat))
        return DUET_EINVAL;
    if (fstat(fd, &st) < 0)
        return -errno;
    struct duet_fs_stat o;  /* built aside: the guest's buffer may be unaligned */
    fill_stat(&st, &o);
    memcpy(buf, &o, sizeof o);
    return 0;
}

static int64_t open_handle(struct dir_share *d, struct duet_hc_fs *a, const char *path)
{
    int slot = 0;
    while (slot < DUET_FS_HANDLES && d->fds[slot] >= 0)
        slot++;
    if (slot == DUET_FS_HANDLES)
        return DUET_EMFILE;
    int writes = (a->flags & (DUET_FS_O_WRITE | DUET_FS_O_CREAT | DUET_FS_O_TRUNC)) != 0;
    if (writes && d->spec.read_only)
        return DUET_EROFS;
    int flags = (a->flags & DUET_FS_O_WRITE) ? O_RDWR : O_RDONLY;
    if (a->flags & DUET_FS_O_CREAT)
        flags |= O_CREAT | ((a->flags & DUET_FS_O_EXCL) ? O_EXCL : 0);
    if (a->flags & DUET_FS_O_DIR)
        flags = O_RDONLY | O_DIRECTORY;
    int fd;
    int err = dir_open_path(d, path, a->path_len, flags, a->mode, &fd);
    if (err == -EISDIR && !(a->flags & DUET_FS_O_CREAT))
        err = dir_open_path(d, path, a->path_len, O_RDONLY, 0, &fd);  /* a dir, read */
    if (err)
        return err;
    if ((a->flags & DUET_FS_O_TRUNC) && ftruncate(fd, 0) < 0) {
        err = -errno;
        close(fd);
        return err;
    }
    d->fds[slot] = fd;
    a->handle = slot;
    return 0;
}

/* One entry at cookie (a getdents64 offset), "." and ".." skipped. */
static int64_t read_dir(int fd, struct duet_hc_fs *a, void *buf)
{
    struct duet_fs_dirent ent, *out = &ent;  /* copied out whole: buf may be unaligned */
    char raw[4096] __attribute__((aligned(8)));
    if (a->len < sizeof *out)
        return DUET_EINVAL;
    if (lseek(fd, (off_t)a->offset, SEEK_SET) < 0)
        return -errno;
    for (;;) {
        long n = syscall(SYS_getdents64, fd, raw, sizeof raw);
        if (n < 0)
            return -errno;
        if (n == 0) {
            a->done = 0;
            return 0;
        }
        for (long at = 0; at < n;) {
            struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; }
                *e = (void *)(raw + at);
            at += e->reclen;
            if (!strcmp(e->name, ".") || !strcmp(e->name, ".."))
                continue;
            memset(out, 0, sizeof *out);
            out->ino = e->ino;
            out->next = (uint64_t)e->off;
            out->type = e->type == DT_DIR ? DUET_FS_TYPE_DIR : e->type == DT_REG ? DUET_FS_TYPE_REG : 0;
            size_t len = strnlen(e->name, DUET_FS_NAME_MAX);
            out->name_len = (uint32_t)len;
            memcpy(out->name, e->name, len);
            memcpy(buf, out, sizeof *out);
            a->done = 1;
            return 0;
        }
    }
}

static int64_t on_parent(struct dir_share *d, const char *path, uint32_t len, int op,
                         unsigned mode)
{
    char name[DUET_FS_NAME_MAX + 1];
    int pfd;
    if (d->spec.read_only)
        return DUET_EROFS;
    int err = dir_open_parent(d, path, len, &pfd, name);
    if (err)
        return err;
    int rc = op == DUET_FS_MKDIR ? mkdirat(pfd, name, mode & 0777)
           : unlinkat(pfd, name, op == DUET_FS_RMDIR ? AT_REMOVEDIR : 0);
    err = rc < 0 ? -errno : 0;
    close(pfd);
    return err;
}

static int64_t do_rename(struct dir_share *d, struct duet_hc_fs *a, const char *p1,
                         const char *p2)
{
    char n1[DUET_FS_NAME_MAX + 1], n2[DUET_FS_NAME_MAX + 1];
    int f1, f2;
    if (d->spec.read_only)
        return DUET_EROFS;
    int err = dir_open_parent(d, p1, a->path_len, &f1, n1);
    if (err)
        return err;
    if ((err = dir_open_parent(d, p2, a->path2_len, &f2, n2))) {
        close(f1);
        return err;
    }
    err = renameat(f1, n1, f2, n2) < 0 ? -errno : 0;
    close(f1);
    close(f2);
    return err;
}

int64_t dir_op(struct dir_share *d, struct duet_hc_fs *a, void *buf, const char *path,
               const char *path2)
{
    int fd = handle_fd(d, a->handle);
    int needs_handle = a->op == DUET_FS_CLOSE || a->op == DUET_FS_PREAD ||
        a->op == DUET_FS_PWRITE || a->op == DUET_FS_FSTAT || a->op == DUET_FS_TRUNCATE ||
        a->op == DUET_FS_FSYNC || a->op == DUET_FS_READDIR;
    if (needs_handle && fd < 0)
        return DUET_EBADF;
    ssize_t n;
    switch (a->op) {
    case DUET_FS_INFO:
        a->flags = d->spec.read_only ? DUET_FS_RO : 0;
        return 0;
    case DUET_FS_STAT: {
        int f, err = dir_open_path(d, path, a->path_len, O_PATH, 0, &f);
        if (err)
            return err;
        int64_t r = do_stat(f, buf, a->len);
        close(f);
        return r;
    }
    case DUET_FS_OPEN:
        return open_handle(d, a, path);
    case DUET_FS_CLOSE:
        close(fd);
        d->fds[a->handle] = -1;
        return 0;
    case DUET_FS_PREAD:
    case DUET_FS_PWRITE:
        if (a->op == DUET_FS_PWRITE && d->spec.read_only)
            return DUET_EROFS;
        if (a->len > IO_MAX || a->offset > (uint64_t)INT64_MAX - a->len)
            return DUET_EINVAL;
        n = a->op == DUET_FS_PREAD ? pread(fd, buf, a->len, (off_t)a->offset)
                                   : pwrite(fd, buf, a->len, (off_t)a->offset);
        if (n < 0)
            return -errno;
        a->done = (uint64_t)n;
        return 0;
    case DUET_FS_FSTAT:
        return do_stat(fd, buf, a->len);
    case DUET_FS_TRUNCATE:
        if (d->spec.read_only)
            return DUET_EROFS;
        if (a->offset > (uint64_t)INT64_MAX)
            return DUET_EINVAL;
        return ftruncate(fd, (off_t)a->offset) < 0 ? -errno : 0;
    case DUET_FS_FSYNC:
        return fsync(fd) < 0 ? -errno : 0;
    case DUET_FS_READDIR:
        return read_dir(fd, a, buf);
    case DUET_FS_MKDIR:
    case DUET_FS_UNLINK:
    case DUET_FS_RMDIR:
        return on_parent(d, path, a->path_len, (int)a->op, a->mode);
    case DUET_FS_RENAME:
        return do_rename(d, a, path, path2);
    default:
        return DUET_EINVAL;
    }
}
