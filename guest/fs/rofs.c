/*
 * The boot archive (shared/include/duet/rootfs.h) as a read-only file
 * system, served straight from the memory it is mapped at: no copy, and a
 * page of it is only read (by the host's kernel, from the image file) when
 * a file on it is. Nothing is parsed up front beyond the header: each node
 * is checked when a lookup or readdir reaches it, so a corrupt archive
 * gives EIO for what is corrupt, never a read outside it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "duet/rootfs.h"
#include "duet/vfs.h"

struct rofs {
    long refs;                    /* nodes (the mount holds the root's for good) */
    const unsigned char *base;
    uint64_t size;
    struct duet_rootfs_header h;
};

struct ro_node {
    struct vnode v;               /* first: the VFS sees this */
    struct rofs *fs;
    uint32_t idx;
    struct duet_rootfs_node n;    /* a checked copy */
};

static const struct vnode_ops ro_ops;

#define ROFS_DEV 0x726f  /* st_dev: the RAM fs's is 0 */

static struct ro_node *ro(struct vnode *v) { return (struct ro_node *)v; }

/* [off, off + len) inside [0, limit), without wrap-around. */
static int inside(uint64_t limit, uint64_t off, uint64_t len)
{
    return off <= limit && len <= limit - off;
}

/* Node idx, checked: 0, or -EIO if it is out of range or malformed. */
static int node_get(const struct rofs *fs, uint64_t idx, struct duet_rootfs_node *out)
{
    if (idx >= fs->h.nnodes)
        return -EIO;
    memcpy(out, fs->base + fs->h.nodes_off + idx * sizeof *out, sizeof *out);
    uint32_t type = out->mode & DUET_ROOTFS_S_IFMT;
    if (out->name_len > VFS_NAME_MAX || (idx != 0 && out->name_len == 0) ||
        !inside(fs->h.names_size, out->name_off, out->name_len))
        return -EIO;
    const char *name = (const char *)fs->base + fs->h.names_off + out->name_off;
    if (memchr(name, '/', out->name_len) || memchr(name, '\0', out->name_len))
        return -EIO;
    if (type == DUET_ROOTFS_S_IFDIR)
        return inside(fs->h.nnodes, out->first, out->count) ? 0 : -EIO;
    if (type == DUET_ROOTFS_S_IFREG)
        return inside(fs->size, out->first, out->count) ? 0 : -EIO;
    return -EIO;
}

static const char *name_of(const struct rofs *fs, const struct duet_rootfs_node *n)
{
    return (const char *)fs->base + fs->h.names_off + n->name_off;
}

static struct vnode *node_new(struct rofs *fs, uint32_t idx, const struct duet_rootfs_node *n)
{
    struct ro_node *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->v.ops = &ro_ops;
    r->v.mode = (mode_t)((n->mode & DUET_ROOTFS_S_IFMT) == DUET_ROOTFS_S_IFDIR ? S_IFDIR : S_IFREG)
              | (mode_t)(n->mode & 07777);
    r->v.refs = 1;
    r->v.read_only = 1;
    r->fs = fs;
    fs->refs++;
    r->idx = idx;
    r->n = *n;
    return &r->v;
}

struct vnode *rofs_new(const void *base, size_t size, const char **why)
{
    struct rofs fs = { 0, base, size, { { 0 }, 0, 0, 0, 0, 0, 0 } };
    struct duet_rootfs_node root;
    *why = NULL;
    if (!base || size < sizeof fs.h)
        *why = "smaller than its header";
    else {
        memcpy(&fs.h, base, sizeof fs.h);
        if (memcmp(fs.h.magic, DUET_ROOTFS_MAGIC, sizeof fs.h.magic))
            *why = "bad magic";
        else if (fs.h.version != DUET_ROOTFS_VERSION)
            *why = "unknown version";
        else if (fs.h.size > size)
            *why = "larger than its mapping";
        else if (fs.h.size < sizeof fs.h)
            *why = "smaller than its header";
        else if (fs.h.nnodes == 0 ||
                 fs.h.nnodes > (fs.h.size - sizeof fs.h) / sizeof(struct duet_rootfs_node) ||
                 !inside(fs.h.size, fs.h.nodes_off,
                         (uint64_t)fs.h.nnodes * sizeof(struct duet_rootfs_node)))
            *why = "node table outside the archive";
        else if (!inside(fs.h.size, fs.h.names_off, fs.h.names_size))
            *why = "name table outside the archive";
        else if (node_get(&fs, 0, &root) || (root.mode & DUET_ROOTFS_S_IFMT) != DUET_ROOTFS_S_IFDIR)
            *why = "its root is not a valid directory";
    }
    if (*why)
        return NULL;
    fs.size = fs.h.size;  /* nothing beyond what the archive says it is */
    struct rofs *heap = malloc(sizeof *heap);
    if (heap)
        *heap = fs;
    struct vnode *v = heap ? node_new(heap, 0, &root) : NULL;
    if (!v) {
        free(heap);
        *why = "out of memory";
    }
    return v;
}

static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : alen < blen ? -1 : alen > blen;
}

/* Children are sorted by name: a binary search (an unsorted archive only
 * fails to find names; every node it touches is still checked). */
static int ro_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct ro_node *d = ro(dir);
    uint64_t lo = 0, hi = d->n.count;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        struct duet_rootfs_node c;
        int err = node_get(d->fs, d->n.first + mid, &c);
        if (err)
            return err;
        int cmp = name_cmp(name, len, name_of(d->fs, &c), c.name_len);
        if (cmp == 0) {
            *out = node_new(d->fs, (uint32_t)(d->n.first + mid), &c);
            return *out ? 0 : -ENOMEM;
        }
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -ENOENT;
}

static ssize_t ro_read(struct vnode *v, void *buf, size_t len, off_t off)
{
    struct ro_node *n = ro(v);
    if (off < 0)
        return -EINVAL;
    if ((uint64_t)off >= n->n.count)
        return 0;
    if (len > n->n.count - (uint64_t)off)
        len = (size_t)(n->n.count - (uint64_t)off);
    memcpy(buf, n->fs->base + n->n.first + (uint64_t)off, len);
    return (ssize_t)len;
}

static int ro_getattr(struct vnode *v, struct stat *st)
{
    struct ro_node *n = ro(v);
    memset(st, 0, sizeof *st);
    st->st_dev = ROFS_DEV;  /* its inode numbers are its own, not the RAM fs's */
    st->st_ino = (ino_t)n->idx + 1;
    st->st_mode = v->mode;
    st->st_nlink = S_ISDIR(v->mode) ? 2 : 1;
    st->st_size = S_ISDIR(v->mode) ? 0 : (off_t)n->n.count;
    st->st_blksize = DUET_ROOTFS_ALIGN;
    st->st_blocks = S_ISDIR(v->mode) ? 0 : (blkcnt_t)((n->n.count + 511) / 512);
    st->st_mtim.tv_sec = (time_t)n->n.mtime;
    st->st_atim = st->st_ctim = st->st_mtim;
    return 0;
}

static int ro_readdir(struct vnode *dir, long *cookie, struct dirent *out)
{
    struct ro_node *d = ro(dir);
    if (*cookie < 0 || (uint64_t)*cookie >= d->n.count)
        return 0;
    struct duet_rootfs_node c;
    uint64_t idx = d->n.first + (uint64_t)*cookie;
    int err = node_get(d->fs, idx, &c);
    if (err)
        return err;
    out->d_ino = (ino_t)idx + 1;
    out->d_type = (c.mode & DUET_ROOTFS_S_IFMT) == DUET_ROOTFS_S_IFDIR ? DT_DIR : DT_REG;
    memcpy(out->d_name, name_of(d->fs, &c), c.name_len);
    out->d_name[c.name_len] = '\0';
    (*cookie)++;
    return 1;
}

static void ro_release(struct vnode *v)
{
    struct rofs *fs = ro(v)->fs;
    free(ro(v));
    if (--fs->refs == 0)
        free(fs);  /* the archive's memory is the mapping's, not ours */
}

/* No create, mkdir, unlink, rmdir, rename, write or truncate: the VFS and
 * the POSIX calls answer EROFS for a missing operation on a read-only node. */
static const struct vnode_ops ro_ops = {
    .lookup = ro_lookup, .read = ro_read, .getattr = ro_getattr,
    .readdir = ro_readdir, .release = ro_release,
};
