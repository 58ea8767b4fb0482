/*
 * "/" when the app ships a rootfs: the writable RAM file system (upper)
 * over the read-only boot archive (lower). A name is looked up in RAM
 * first, then in the archive; directories present in both are merged.
 * Files of the archive come back as its own read-only nodes, so writing,
 * truncating, unlinking or renaming them is EROFS (no copy-up: a program
 * that wants a changed copy writes a new file). New files and directories
 * go to RAM, also inside directories that only the archive has: those are
 * made in RAM on first use (their modes kept). Directory nodes are made
 * per lookup and freed with their last reference.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "duet/vfs.h"

struct ov_dir {
    struct vnode v;          /* first: the VFS sees this */
    struct vnode *upper;     /* held; NULL: the directory is only in the archive so far */
    struct vnode *lower;     /* held; NULL: only in RAM */
    struct ov_dir *parent;   /* held; NULL at the root */
    size_t len;
    char name[];             /* in the parent */
};

#define LOWER_COOKIE (1L << 30)  /* readdir: RAM's entries first, then the archive's */

static const struct vnode_ops ov_ops;

static struct ov_dir *ov(struct vnode *v) { return (struct ov_dir *)v; }

static struct vnode *wrap(struct vnode *upper, struct vnode *lower, struct ov_dir *parent,
                          const char *name, size_t len)
{
    struct ov_dir *d = calloc(1, sizeof *d + len + 1);
    if (!d) {
        if (upper)
            vnode_put(upper);
        if (lower)
            vnode_put(lower);
        return NULL;
    }
    d->v.ops = &ov_ops;
    d->v.mode = (upper ? upper : lower)->mode;
    d->v.refs = 1;
    d->upper = upper;
    d->lower = lower;
    d->parent = parent;
    if (parent)
        vnode_hold(&parent->v);
    memcpy(d->name, name, len);
    d->len = len;
    return &d->v;
}

struct vnode *overlay_new(struct vnode *upper, struct vnode *lower)
{
    return wrap(upper, lower, NULL, "", 0);
}

static int lookup_in(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    return dir ? dir->ops->lookup(dir, name, len, out) : -ENOENT;
}

static int ov_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct ov_dir *d = ov(dir);
    struct vnode *u = NULL, *l = NULL;
    int err = lookup_in(d->upper, name, len, &u);
    if (err && err != -ENOENT)
        return err;
    if (u && !S_ISDIR(u->mode)) {
        *out = u;
        return 0;
    }
    err = lookup_in(d->lower, name, len, &l);
    if (err && err != -ENOENT) {
        if (u)
            vnode_put(u);
        return err;
    }
    if (!u && !l)
        return -ENOENT;
    if (l && !S_ISDIR(l->mode)) {
        if (!u) {
            *out = l;  /* a shipped file: its own read-only node */
            return 0;
        }
        vnode_put(l);  /* a RAM directory hides nothing: cannot happen, see create */
        l = NULL;
    }
    *out = wrap(u, l, d, name, len);
    return *out ? 0 : -ENOMEM;
}

static int in_lower(struct ov_dir *d, const char *name, size_t len)
{
    struct vnode *l;
    if (lookup_in(d->lower, name, len, &l))
        return 0;
    vnode_put(l);
    return 1;
}

/* The directory in RAM, made (with its parents) if only the archive has it. */
static int materialize(struct ov_dir *d)
{
    if (d->upper)
        return 0;
    if (!d->parent)
        return -EIO;
    int err = materialize(d->parent);
    struct vnode *pu = d->parent->upper;
    if (!err)
        err = pu->ops->lookup(pu, d->name, d->len, &d->upper);
    if (err == -ENOENT) {
        err = pu->ops->mkdir(pu, d->name, d->len, d->v.mode & 07777);
        if (!err)
            err = pu->ops->lookup(pu, d->name, d->len, &d->upper);
    }
    return err;
}

static int ov_create(struct vnode *dir, const char *name, size_t len, mode_t mode,
                     struct vnode **out)
{
    struct ov_dir *d = ov(dir);
    if (in_lower(d, name, len))
        return -EEXIST;
    int err = materialize(d);
    return err ? err : d->upper->ops->create(d->upper, name, len, mode, out);
}

static int ov_mkdir(struct vnode *dir, const char *name, size_t len, mode_t mode)
{
    struct ov_dir *d = ov(dir);
    if (in_lower(d, name, len))
        return -EEXIST;
    int err = materialize(d);
    return err ? err : d->upper->ops->mkdir(d->upper, name, len, mode);
}

static int ov_unlink(struct vnode *dir, const char *name, size_t len)
{
    struct ov_dir *d = ov(dir);
    if (in_lower(d, name, len))
        return -EROFS;
    return d->upper ? d->upper->ops->unlink(d->upper, name, len) : -ENOENT;
}

static int ov_rmdir(struct vnode *dir, const char *name, size_t len)
{
    struct ov_dir *d = ov(dir);
    if (in_lower(d, name, len))
        return -EROFS;
    return d->upper ? d->upper->ops->rmdir(d->upper, name, len) : -ENOENT;
}

static int ov_rename(struct vnode *fdir, const char *from, size_t flen,
                     struct vnode *tdir, const char *to, size_t tlen)
{
    struct ov_dir *f = ov(fdir), *t = ov(tdir);
    if (in_lower(f, from, flen) || in_lower(t, to, tlen))
        return -EROFS;
    if (!f->upper)
        return -ENOENT;
    int err = materialize(t);
    return err ? err : f->upper->ops->rename(f->upper, from, flen, t->upper, to, tlen);
}

static int ov_getattr(struct vnode *v, struct stat *st)
{
    struct vnode *n = ov(v)->upper ? ov(v)->upper : ov(v)->lower;
    return n->ops->getattr(n, st);
}

static int ov_readdir(struct vnode *dir, long *cookie, struct dirent *out)
{
    struct ov_dir *d = ov(dir);
    if (*cookie < 0)
        return 0;
    if (*cookie < LOWER_COOKIE && d->upper) {
        long c = *cookie;
        int r = d->upper->ops->readdir(d->upper, &c, out);
        if (r != 0) {
            if (r > 0)
                *cookie = c;
            return r;
        }
    }
    if (*cookie < LOWER_COOKIE)
        *cookie = LOWER_COOKIE;
    while (d->lower) {
        long c = *cookie - LOWER_COOKIE;
        int r = d->lower->ops->readdir(d->lower, &c, out);
        if (r <= 0)
            return r;
        *cookie = c + LOWER_COOKIE;
        struct vnode *u;
        if (lookup_in(d->upper, out->d_name, strlen(out->d_name), &u) == 0)
            vnode_put(u);  /* merged: listed with RAM's entries already */
        else
            return 1;
    }
    return 0;
}

static void ov_release(struct vnode *v)
{
    struct ov_dir *d = ov(v);
    if (d->upper)
        vnode_put(d->upper);
    if (d->lower)
        vnode_put(d->lower);
    if (d->parent)
        vnode_put(&d->parent->v);
    free(d);
}

static const struct vnode_ops ov_ops = {
    .lookup = ov_lookup, .create = ov_create, .mkdir = ov_mkdir, .unlink = ov_unlink,
    .rmdir = ov_rmdir, .rename = ov_rename, .getattr = ov_getattr, .readdir = ov_readdir,
    .release = ov_release,
};
