/* The files of a mounted file system behind an fd: generic ops over the
 * node's vnode_ops, with the position and O_APPEND kept in struct file. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "duet/vfs.h"

static ssize_t node_pread(struct file *f, void *buf, size_t len, off_t off)
{
    if (S_ISDIR(f->node->mode))
        return -EISDIR;
    if ((f->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    return f->node->ops->read(f->node, buf, len, off);
}

static ssize_t node_pwrite(struct file *f, const void *buf, size_t len, off_t off)
{
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    if (f->node->read_only || !f->node->ops->write)
        return -EROFS;
    return f->node->ops->write(f->node, buf, len, off);
}

static ssize_t node_read(struct file *f, void *buf, size_t len)
{
    ssize_t n = node_pread(f, buf, len, f->pos);
    if (n > 0)
        f->pos += n;
    return n;
}

static off_t node_size(struct file *f)
{
    struct stat st;
    return f->node->ops->getattr(f->node, &st) < 0 ? 0 : st.st_size;
}

static ssize_t node_write(struct file *f, const void *buf, size_t len)
{
    if (f->flags & O_APPEND)
        f->pos = node_size(f);
    ssize_t n = node_pwrite(f, buf, len, f->pos);
    if (n > 0)
        f->pos += n;
    return n;
}

static off_t node_lseek(struct file *f, off_t off, int whence)
{
    off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos
               : whence == SEEK_END ? node_size(f) : -1;
    if (base < 0)
        return -EINVAL;
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    f->pos = base + off;
    return f->pos;
}

static int node_fstat(struct file *f, struct stat *st)
{
    return f->node->ops->getattr(f->node, st);
}

static int node_ftruncate(struct file *f, off_t len)
{
    if ((f->flags & O_ACCMODE) == O_RDONLY || S_ISDIR(f->node->mode))
        return -EINVAL;
    if (f->node->read_only || !f->node->ops->truncate)
        return -EROFS;
    return f->node->ops->truncate(f->node, len);
}

static int node_fsync(struct file *f)
{
    return f->node->ops->fsync ? f->node->ops->fsync(f->node) : 0;
}

static void node_close(struct file *f)
{
    free(f->priv);  /* a directory's absolute path (openat relative to it) */
}

const struct file_ops vnode_file_ops = {
    .read = node_read, .write = node_write, .pread = node_pread, .pwrite = node_pwrite,
    .lseek = node_lseek, .fstat = node_fstat, .ftruncate = node_ftruncate,
    .fsync = node_fsync, .close = node_close,
};
