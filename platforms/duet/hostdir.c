/*
 * Host-directory shares (duet run --dir:NAME=HOSTDIR) as a file system at
 * /NAME: each node is a path inside the share; an open file holds a host
 * handle, opened on first use and upgraded for writing when needed. The
 * host checks everything again; this side only maps its answers.
 */
#include <dirent.h>
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include "duet/guest.h"
#include "duet/vfs.h"
#include "hypercall.h"

struct host_node {
    struct vnode v;
    uint32_t share;
    int32_t handle;       /* -1: none open */
    int writable;         /* the handle was opened for writing */
    size_t len;
    char path[];          /* relative to the share; "" is its root */
};

static const struct vnode_ops host_ops;

/* DUET_E* are Linux's numbers; picolibc's differ for some. */
static int guest_errno(int64_t ret)
{
    switch (ret) {
    case DUET_EPERM: return -EPERM;
    case DUET_ENOENT: return -ENOENT;
    case DUET_EBADF: return -EBADF;
    case DUET_EACCES: return -EACCES;
    case DUET_EEXIST: return -EEXIST;
    case DUET_EXDEV: return -EXDEV;
    case DUET_ENOTDIR: return -ENOTDIR;
    case DUET_EISDIR: return -EISDIR;
    case DUET_EMFILE: return -EMFILE;
    case DUET_ENAMETOOLONG: return -ENAMETOOLONG;
    case DUET_ENOTEMPTY: return -ENOTEMPTY;
    case DUET_ELOOP: return -ELOOP;
    case DUET_EINVAL: return -EINVAL;
    case DUET_ENOSPC: return -ENOSPC;
    case DUET_EROFS: return -EROFS;
    case DUET_ENODEV: return -ENODEV;
    default: return -EIO;
    }
}

static int call(struct duet_hc_fs *a)
{
    duet_hypercall(DUET_HC_FS, a);
    return a->ret ? guest_errno(a->ret) : 0;
}

static struct host_node *hn(struct vnode *v) { return (struct host_node *)v; }

static struct host_node *node_new(uint32_t share, const char *dir, size_t dlen,
                                  const char *name, size_t nlen, int read_only)
{
    size_t len = dlen + (dlen && nlen ? 1 : 0) + nlen;
    if (len > DUET_FS_PATH_MAX)
        return NULL;
    struct host_node *n = calloc(1, sizeof *n + len + 1);
    if (!n)
        return NULL;
    n->v.ops = &host_ops;
    n->v.read_only = read_only;
    n->share = share;
    n->handle = -1;
    memcpy(n->path, dir, dlen);
    if (dlen && nlen)
        n->path[dlen] = '/';
    memcpy(n->path + len - nlen, name, nlen);
    n->len = len;
    return n;
}

static mode_t mode_of(const struct duet_fs_stat *st)
{
    return (st->type == DUET_FS_TYPE_DIR ? S_IFDIR : S_IFREG) | (st->mode & 07777);
}

static int stat_path(struct host_node *n, struct duet_fs_stat *st)
{
    struct duet_hc_fs a = { .op = DUET_FS_STAT, .share = n->share, .path_len = (uint32_t)n->len,
                            .path = (uintptr_t)n->path, .buf = (uintptr_t)st, .len = sizeof *st };
    return call(&a);
}

static int host_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct host_node *d = hn(dir), *n = node_new(d->share, d->path, d->len, name, len,
                                                 dir->read_only);
    struct duet_fs_stat st;
    if (!n)
        return len > DUET_FS_NAME_MAX ? -ENAMETOOLONG : -ENOMEM;
    int err = stat_path(n, &st);
    if (err) {
        free(n);
        return err;
    }
    n->v.mode = mode_of(&st);
    n->v.refs = 1;
    *out = &n->v;
    return 0;
}

static int open_handle(struct host_node *n, uint32_t flags, unsigned mode)
{
    if (n->handle >= 0 && (n->writable || !(flags & DUET_FS_O_WRITE)))
        return 0;
    struct duet_hc_fs a = { .op = DUET_FS_OPEN, .share = n->share, .flags = flags, .mode = mode,
                            .path_len = (uint32_t)n->len, .path = (uintptr_t)n->path };
    int err = call(&a);
    if (err)
        return err;
    if (n->handle >= 0) {  /* replaced by a writable one */
        struct duet_hc_fs c = { .op = DUET_FS_CLOSE, .share = n->share, .handle = n->handle };
        call(&c);
    }
    n->handle = a.handle;
    n->writable = (flags & DUET_FS_O_WRITE) != 0;
    return 0;
}

static int host_create(struct vnode *dir, const char *name, size_t len, mode_t mode,
                       struct vnode **out)
{
    struct host_node *d = hn(dir), *n = node_new(d->share, d->path, d->len, name, len, 0);
    if (!n)
        return -ENAMETOOLONG;
    int err = open_handle(n, DUET_FS_O_WRITE | DUET_FS_O_CREAT | DUET_FS_O_EXCL, mode);
    if (err) {
        free(n);
        return err;
    }
    n->v.mode = S_IFREG | (mode & 07777);
    n->v.refs = 1;
    *out = &n->v;
    return 0;
}

/* MKDIR, UNLINK, RMDIR on dir/name. */
static int path_op(struct vnode *dir, const char *name, size_t len, uint32_t op, mode_t mode)
{
    struct host_node *d = hn(dir), *n = node_new(d->share, d->path, d->len, name, len, 0);
    if (!n)
        return -ENAMETOOLONG;
    struct duet_hc_fs a = { .op = op, .share = n->share, .mode = mode,
                            .path_len = (uint32_t)n->len, .path = (uintptr_t)n->path };
    int err = call(&a);
    free(n);
    return err;
}

static int host_mkdir(struct vnode *d, const char *nm, size_t l, mode_t m) { return path_op(d, nm, l, DUET_FS_MKDIR, m); }
static int host_unlink(struct vnode *d, const char *nm, size_t l) { return path_op(d, nm, l, DUET_FS_UNLINK, 0); }
static int host_rmdir(struct vnode *d, const char *nm, size_t l) { return path_op(d, nm, l, DUET_FS_RMDIR, 0); }

static int host_rename(struct vnode *fdir, const char *from, size_t flen,
                       struct vnode *tdir, const char *to, size_t tlen)
{
    if (hn(fdir)->share != hn(tdir)->share)
        return -EXDEV;
    struct host_node *a = node_new(hn(fdir)->share, hn(fdir)->path, hn(fdir)->len, from, flen, 0);
    struct host_node *b = node_new(hn(tdir)->share, hn(tdir)->path, hn(tdir)->len, to, tlen, 0);
    int err = -ENAMETOOLONG;
    if (a && b) {
        struct duet_hc_fs c = { .op = DUET_FS_RENAME, .share = a->share,
                                .path_len = (uint32_t)a->len, .path = (uintptr_t)a->path,
                                .path2_len = (uint32_t)b->len, .path2 = (uintptr_t)b->path };
        err = call(&c);
    }
    free(a);
    free(b);
    return err;
}

static ssize_t io(struct host_node *n, uint32_t op, const void *buf, size_t len, off_t off)
{
    int err = open_handle(n, op == DUET_FS_PWRITE ? DUET_FS_O_WRITE : 0, 0);
    if (err)
        return err;
    size_t done = 0;
    while (done < len) {  /* the host moves at most 16 MiB an exit */
        size_t chunk = len - done < (8u << 20) ? len - done : (8u << 20);
        struct duet_hc_fs a = { .op = op, .share = n->share, .handle = n->handle,
                                .buf = (uintptr_t)buf + done, .len = chunk,
                                .offset = (uint64_t)off + done };
        if ((err = call(&a)))
            return done ? (ssize_t)done : err;
        done += a.done;
        if (a.done < chunk)
            break;
    }
    return (ssize_t)done;
}

static ssize_t host_read(struct vnode *v, void *buf, size_t len, off_t off)
{
    return io(hn(v), DUET_FS_PREAD, buf, len, off);
}

static ssize_t host_write(struct vnode *v, const void *buf, size_t len, off_t off)
{
    return io(hn(v), DUET_FS_PWRITE, buf, len, off);
}

static int handle_op(struct host_node *n, uint32_t op, uint32_t open_flags, uint64_t offset)
{
    int err = open_handle(n, open_flags, 0);
    if (err)
        return err;
    struct duet_hc_fs a = { .op = op, .share = n->share, .handle = n->handle, .offset = offset };
    return call(&a);
}

static int host_truncate(struct vnode *v, off_t len)
{
    return handle_op(hn(v), DUET_FS_TRUNCATE, DUET_FS_O_WRITE, (uint64_t)len);
}

static int host_fsync(struct vnode *v)
{
    return hn(v)->handle >= 0 ? handle_op(hn(v), DUET_FS_FSYNC, 0, 0) : 0;
}

static int host_getattr(struct vnode *v, struct stat *st)
{
    struct host_node *n = hn(v);
    struct duet_fs_stat s;
    int err;
    if (n->handle >= 0) {
        struct duet_hc_fs a = { .op = DUET_FS_FSTAT, .share = n->share, .handle = n->handle,
                                .buf = (uintptr_t)&s, .len = sizeof s };
        err = call(&a);
    } else
        err = stat_path(n, &s);
    if (err)
        return err;
    memset(st, 0, sizeof *st);
    st->st_mode = mode_of(&s);
    st->st_ino = s.ino;
    st->st_size = (off_t)s.size;
    st->st_blocks = (blkcnt_t)s.blocks;
    st->st_blksize = 4096;
    st->st_nlink = s.nlink;
    st->st_mtim.tv_sec = (time_t)s.mtime_sec;
    st->st_mtim.tv_nsec = s.mtime_nsec;
    st->st_atim = st->st_ctim = st->st_mtim;
    return 0;
}

static int host_readdir(struct vnode *dir, long *cookie, struct dirent *out)
{
    struct host_node *n = hn(dir);
    int err = open_handle(n, DUET_FS_O_DIR, 0);
    if (err)
        return err;
    struct duet_fs_dirent e;
    struct duet_hc_fs a = { .op = DUET_FS_READDIR, .share = n->share, .handle = n->handle,
                            .buf = (uintptr_t)&e, .len = sizeof e, .offset = (uint64_t)*cookie };
    if ((err = call(&a)))
        return err;
    if (!a.done)
        return 0;
    out->d_ino = e.ino;
    out->d_type = e.type == DUET_FS_TYPE_DIR ? DT_DIR : e.type == DUET_FS_TYPE_REG ? DT_REG : DT_UNKNOWN;
    e.name[DUET_FS_NAME_MAX] = '\0';
    memcpy(out->d_name, e.name, strlen(e.name) + 1);
    *cookie = (long)e.next;
    return 1;
}

static void host_release(struct vnode *v)
{
    struct host_node *n = hn(v);
    if (n->handle >= 0) {
        struct duet_hc_fs a = { .op = DUET_FS_CLOSE, .share = n->share, .handle = n->handle };
        call(&a);
    }
    free(n);
}

static const struct vnode_ops host_ops = {
    .lookup = host_lookup, .create = host_create, .mkdir = host_mkdir,
    .unlink = host_unlink, .rmdir = host_rmdir, .rename = host_rename,
    .read = host_read, .write = host_write, .truncate = host_truncate,
    .getattr = host_getattr, .readdir = host_readdir, .fsync = host_fsync,
    .release = host_release,
};

/* Called by the VFS when "/" is first made (guest/fs/vfs.c): each share
 * from the device tree mounts at /NAME. */
void vfs_platform_mounts(struct vnode *root)
{
    int node = -1;
    while ((node = fdt_node_offset_by_compatible(guest_fdt, node, "duet,dir")) >= 0) {
        const char *name = fdt_getprop(guest_fdt, node, "duet,name", NULL);
        int len;
        const fdt32_t *reg = fdt_getprop(guest_fdt, node, "reg", &len);
        if (!name || !reg || len != 4 || strlen(name) > 15)
            continue;
        int ro = fdt_getprop(guest_fdt, node, "read-only", NULL) != NULL;
        struct host_node *n = node_new(fdt32_to_cpu(*reg), "", 0, "", 0, ro);
        char at[32] = "/";
        strcat(at, name);
        if (!n)
            continue;
        n->v.mode = S_IFDIR | 0755;
        root->ops->mkdir(root, name, strlen(name), 0755);  /* shows in ls / */
        if (vfs_mount(at, &n->v) < 0)  /* holds the root for good */
            free(n);
    }
}
