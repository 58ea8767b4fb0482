/*
 * The RAM file system behind "/": directories of named entries and files of
 * 4 KiB pages allocated on first write (holes read as zeros and cost
 * nothing). Every allocation can fail: that is ENOSPC for the caller, never
 * a crash. A removed file lives on while it is open (refs), as in POSIX.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "duet/vfs.h"

#define PAGE 4096u

struct ram_node;
struct ram_entry {
    struct ram_entry *next;
    struct ram_node *node;
    size_t len;
    char name[];
};

struct ram_node {
    struct vnode v;          /* first: the VFS sees this */
    unsigned long ino;
    int nlink;               /* names pointing here (0: removed) */
    struct ram_entry *entries;   /* directories */
    unsigned char **pages;   /* files: NULL entries are holes */
    size_t npages;           /* entries of pages[] in use (a page index past the end is a hole) */
    size_t cap;              /* entries allocated: grows by doubling */
    size_t used;             /* pages allocated (st_blocks) */
    off_t size;
    struct timespec mtime, ctime;
};

static const struct vnode_ops ram_ops;
static unsigned long next_ino = 1;

static struct ram_node *ram(struct vnode *v) { return (struct ram_node *)v; }

static void touch(struct ram_node *n)
{
    clock_gettime(CLOCK_REALTIME, &n->mtime);
    n->ctime = n->mtime;
}

static struct ram_node *node_new(mode_t mode)
{
    struct ram_node *n = calloc(1, sizeof *n);
    if (n) {
        n->v.ops = &ram_ops;
        n->v.mode = mode;
        n->ino = next_ino++;
        touch(n);
    }
    return n;
}

struct vnode *ramfs_new(void)
{
    struct ram_node *root = node_new(S_IFDIR | 0755);
    if (!root)
        return NULL;
    root->nlink = 1;
    root->v.refs = 1;  /* the mount's */
    return &root->v;
}

static struct ram_entry **find(struct ram_node *dir, const char *name, size_t len)
{
    struct ram_entry **e = &dir->entries;
    for (; *e; e = &(*e)->next)
        if ((*e)->len == len && !memcmp((*e)->name, name, len))
            return e;
    return NULL;
}

static void maybe_free(struct ram_node *n)
{
    if (n->nlink > 0 || n->v.refs > 0)
        return;
    for (size_t i = 0; i < n->npages; i++)
        free(n->pages[i]);
    free(n->pages);
    free(n);
}

static int ram_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct ram_entry **e = find(ram(dir), name, len);
    if (!e)
        return -ENOENT;
    *out = &(*e)->node->v;
    vnode_hold(*out);
    return 0;
}

static int link_new(struct ram_node *dir, const char *name, size_t len, struct ram_node *n)
{
    if (len > VFS_NAME_MAX)
        return -ENAMETOOLONG;
    struct ram_entry *e = malloc(sizeof *e + len + 1);
    if (!e)
        return -ENOSPC;
    e->node = n;
    e->len = len;
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    e->next = dir->entries;
    dir->entries = e;
    n->nlink++;
    touch(dir);
    return 0;
}

static int make(struct vnode *dir, const char *name, size_t len, mode_t mode,
                struct ram_node **out)
{
    if (find(ram(dir), name, len))
        return -EEXIST;
    struct ram_node *n = node_new(mode);
    if (!n)
        return -ENOSPC;
    int err = link_new(ram(dir), name, len, n);
    if (err) {
        free(n);
        return err;
    }
    *out = n;
    return 0;
}

static int ram_create(struct vnode *dir, const char *name, size_t len, mode_t mode,
                      struct vnode **out)
{
    struct ram_node *n;
    int err = make(dir, name, len, S_IFREG | (mode & 07777), &n);
    if (!err) {
        *out = &n->v;
        vnode_hold(*out);
    }
    return err;
}

static int ram_mkdir(struct vnode *dir, const char *name, size_t len, mode_t mode)
{
    struct ram_node *n;
    return make(dir, name, len, S_IFDIR | (mode & 07777), &n);
}

static void unlink_entry(struct ram_node *dir, struct ram_entry **e)
{
    struct ram_entry *gone = *e;
    *e = gone->next;
    gone->node->nlink--;
    touch(dir);
    maybe_free(gone->node);
    free(gone);
}

static int ram_unlink(struct vnode *dir, const char *name, size_t len)
{
    struct ram_entry **e = find(ram(dir), name, len);
    if (!e)
        return -ENOENT;
    if (S_ISDIR((*e)->node->v.mode))
        return -EISDIR;
    unlink_entry(ram(dir), e);
    return 0;
}

static int ram_rmdir(struct vnode *dir, const char *name, size_t len)
{
    struct ram_entry **e = find(ram(dir), name, len);
    if (!e)
        return -ENOENT;
    if (!S_ISDIR((*e)->node->v.mode))
        return -ENOTDIR;
    if ((*e)->node->entries)
        return -ENOTEMPTY;
    unlink_entry(ram(dir), e);
    return 0;
}

/* Is maybe_child dir itself or inside it? (a directory cannot move into itself) */
static int inside(struct ram_node *maybe_child, struct ram_node *dir)
{
    if (maybe_child == dir)
        return 1;
    for (struct ram_entry *e = dir->entries; e; e = e->next)
        if (S_ISDIR(e->node->v.mode) && inside(maybe_child, e->node))
            return 1;
    return 0;
}

static int ram_rename(struct vnode *fdir, const char *from, size_t flen,
                      struct vnode *tdir, const char *to, size_t tlen)
{
    struct ram_entry **src = find(ram(fdir), from, flen);
    if (!src)
        return -ENOENT;
    struct ram_node *n = (*src)->node;
    struct ram_entry **dst = find(ram(tdir), to, tlen);
    if (dst && (*dst)->node == n)
        return 0;  /* the same file under both names: POSIX says do nothing */
    if (S_ISDIR(n->v.mode) && inside(ram(tdir), n))
        return -EINVAL;
    if (dst) {
        struct ram_node *old = (*dst)->node;
        if (S_ISDIR(n->v.mode) && !S_ISDIR(old->v.mode))
            return -ENOTDIR;
        if (!S_ISDIR(n->v.mode) && S_ISDIR(old->v.mode))
            return -EISDIR;
        if (S_ISDIR(old->v.mode) && old->entries)
            return -ENOTEMPTY;
    }
    if (dst) {
        /* Point the existing entry at n: no allocation, so nothing can fail
         * half-way and the old file goes at once (POSIX's atomic replace). */
        struct ram_node *old = (*dst)->node;
        (*dst)->node = n;
        n->nlink++;
        old->nlink--;
        maybe_free(old);
        touch(ram(tdir));
    } else {
        int err = link_new(ram(tdir), to, tlen, n);  /* fails before any change */
        if (err)
            return err;
    }
    unlink_entry(ram(fdir), find(ram(fdir), from, flen));
    return 0;
}

static ssize_t ram_read(struct vnode *v, void *buf, size_t len, off_t off)
{
    struct ram_node *n = ram(v);
    if (off >= n->size)
        return 0;
    if ((off_t)len > n->size - off)
        len = (size_t)(n->size - off);
    for (size_t done = 0; done < len;) {
        size_t pg = (size_t)(off + (off_t)done) / PAGE, at = (size_t)(off + (off_t)done) % PAGE;
        size_t chunk = PAGE - at < len - done ? PAGE - at : len - done;
        if (pg < n->npages && n->pages[pg])
            memcpy((char *)buf + done, n->pages[pg] + at, chunk);
        else
            memset((char *)buf + done, 0, chunk);
        done += chunk;
    }
    return (ssize_t)len;
}

/* The index doubles, so a file written in small appends costs O(log n)
 * reallocations, not one per page (each a copy, and a walk of picolibc's
 * free list). */
static int grow_index(struct ram_node *n, size_t npages)
{
    if (npages <= n->npages)
        return 0;
    if (npages > n->cap) {
        size_t cap = n->cap ? n->cap : 16;
        while (cap < npages)
            cap *= 2;
        unsigned char **p = realloc(n->pages, cap * sizeof *p);
        if (!p)
            return -ENOSPC;
        n->pages = p;
        n->cap = cap;
    }
    memset(n->pages + n->npages, 0, (npages - n->npages) * sizeof *n->pages);
    n->npages = npages;
    return 0;
}

static ssize_t ram_write(struct vnode *v, const void *buf, size_t len, off_t off)
{
    struct ram_node *n = ram(v);
    if (off < 0 || (off_t)len < 0 || off > (off_t)0x7fffffffffff - (off_t)len)
        return -EFBIG;
    if (len == 0)
        return 0;
    int err = grow_index(n, (size_t)(off + (off_t)len + PAGE - 1) / PAGE);
    size_t done = 0;
    while (!err && done < len) {
        size_t pg = (size_t)(off + (off_t)done) / PAGE, at = (size_t)(off + (off_t)done) % PAGE;
        size_t chunk = PAGE - at < len - done ? PAGE - at : len - done;
        if (!n->pages[pg]) {
            /* A page written whole needs no zeroing first. */
            n->pages[pg] = chunk == PAGE ? malloc(PAGE) : calloc(1, PAGE);
            if (!n->pages[pg]) {
                err = -ENOSPC;
                break;
            }
            n->used++;
        }
        memcpy(n->pages[pg] + at, (const char *)buf + done, chunk);
        done += chunk;
    }
    if (done && off + (off_t)done > n->size)
        n->size = off + (off_t)done;
    if (done)
        touch(n);
    return done ? (ssize_t)done : err;  /* a short write, then ENOSPC next time */
}

static int ram_truncate(struct vnode *v, off_t len)
{
    struct ram_node *n = ram(v);
    if (len < 0)
        return -EINVAL;
    size_t keep = (size_t)(len + PAGE - 1) / PAGE;
    for (size_t i = keep; i < n->npages; i++) {
        n->used -= n->pages[i] != NULL;
        free(n->pages[i]);
        n->pages[i] = NULL;
    }
    if (len % PAGE && keep <= n->npages && n->pages[keep - 1])
        memset(n->pages[keep - 1] + len % PAGE, 0, PAGE - len % PAGE);
    n->size = len;  /* growing leaves a hole: zeros, no pages */
    touch(n);
    return 0;
}

static int ram_getattr(struct vnode *v, struct stat *st)
{
    struct ram_node *n = ram(v);
    memset(st, 0, sizeof *st);
    st->st_ino = n->ino;
    st->st_mode = v->mode;
    st->st_nlink = (nlink_t)(S_ISDIR(v->mode) ? n->nlink + 1 : n->nlink);
    st->st_size = n->size;
    st->st_blksize = PAGE;
    st->st_blocks = (blkcnt_t)(n->used * (PAGE / 512));
    st->st_mtim = n->mtime;
    st->st_atim = n->mtime;
    st->st_ctim = n->ctime;
    return 0;
}

static int ram_readdir(struct vnode *dir, long *cookie, struct dirent *out)
{
    struct ram_entry *e = ram(dir)->entries;
    for (long i = 0; e && i < *cookie; i++)
        e = e->next;
    if (!e)
        return 0;
    out->d_ino = e->node->ino;
    out->d_type = S_ISDIR(e->node->v.mode) ? DT_DIR : DT_REG;
    memcpy(out->d_name, e->name, e->len + 1);
    (*cookie)++;
    return 1;
}

static void ram_release(struct vnode *v) { maybe_free(ram(v)); }

static const struct vnode_ops ram_ops = {
    .lookup = ram_lookup, .create = ram_create, .mkdir = ram_mkdir,
    .unlink = ram_unlink, .rmdir = ram_rmdir, .rename = ram_rename,
    .read = ram_read, .write = ram_write, .truncate = ram_truncate,
    .getattr = ram_getattr, .readdir = ram_readdir, .release = ram_release,
};

/* Frees a whole tree (an unmount); nothing may hold a node of it. */
void ramfs_free(struct vnode *root)
{
    struct ram_node *n = ram(root);
    while (n->entries) {
        struct ram_entry *e = n->entries;
        n->entries = e->next;
        if (S_ISDIR(e->node->v.mode))
            ramfs_free(&e->node->v);
        else if (--e->node->nlink <= 0) {
            e->node->v.refs = 0;
            maybe_free(e->node);
        }
        free(e);
    }
    n->nlink = 0;
    n->v.refs = 0;
    maybe_free(n);
}
