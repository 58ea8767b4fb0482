/* open/openat/creat and close: a path becomes a node, the node a struct
 * file, the file an fd. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "duet/vfs.h"
#include "sysret.h"

extern mode_t posix_umask;

static int open_node(int dirfd, const char *path, int flags, mode_t mode, struct vnode **out)
{
    char buf[VFS_PATH_MAX];
    struct vnode *dir;
    const char *name;
    size_t len;
    int err = vfs_lookup(dirfd, path, out);
    if (err != -ENOENT || !(flags & O_CREAT))
        return err ? err : (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) ? -EEXIST : 0;
    if ((err = vfs_parent(dirfd, path, &dir, &name, &len, buf)))
        return err;
    if (dir->read_only || !dir->ops->create)
        err = -EROFS;
    else
        err = dir->ops->create(dir, name, len, mode & ~posix_umask, out);
    vnode_put(dir);
    return err;
}

static int do_open(int dirfd, const char *path, int flags, mode_t mode)
{
    struct vnode *n;
    int err = open_node(dirfd, path, flags, mode, &n);
    if (err && err != -EEXIST)
        return err;
    if (err == -EEXIST) {
        vnode_put(n);
        return err;
    }
    int acc = flags & O_ACCMODE, writes = acc == O_WRONLY || acc == O_RDWR;
    if (S_ISDIR(n->mode) && writes)
        err = -EISDIR;
    else if ((flags & O_DIRECTORY) && !S_ISDIR(n->mode))
        err = -ENOTDIR;
    else if (writes && n->read_only)
        err = -EROFS;
    else if ((flags & O_TRUNC) && writes && S_ISREG(n->mode))
        err = n->ops->truncate ? n->ops->truncate(n, 0) : -EROFS;
    struct file *f = err ? NULL : file_new(&vnode_file_ops, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK), n);
    if (!err && !f)
        err = -ENOMEM;
    if (!err && S_ISDIR(n->mode)) {
        /* A directory fd remembers its absolute path, for openat(fd, ...). */
        char abs[VFS_PATH_MAX];
        err = vfs_normalize(vfs_cwd(), path, abs, sizeof abs);
        if (!err && dirfd != AT_FDCWD && path[0] != '/') {
            struct file *d = fd_get(dirfd);
            err = vfs_normalize(d->priv, path, abs, sizeof abs);
        }
        if (!err && !(f->priv = strdup(abs)))
            err = -ENOMEM;
    }
    if (err) {
        if (f) {
            free(f->priv);
            free(f);
        }
        vnode_put(n);
        return err;
    }
    int fd = fd_install(f, 0, flags & O_CLOEXEC);
    if (fd < 0) {
        f->refs = 1;
        file_put(f);  /* drops the node too */
    }
    return fd;
}

/* The mode argument exists only with O_CREAT: read it only then. */
#define MODE_ARG(flags, mode) do { \
        if ((flags) & O_CREAT) { \
            va_list ap_; \
            va_start(ap_, flags); \
            (mode) = (mode_t)va_arg(ap_, int); \
            va_end(ap_); \
        } \
    } while (0)

int openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    MODE_ARG(flags, mode);
    return (int)sys_ret(do_open(dirfd, path, flags, mode));
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    MODE_ARG(flags, mode);
    return (int)sys_ret(do_open(AT_FDCWD, path, flags, mode));
}

int creat(const char *path, mode_t mode)
{
    return (int)sys_ret(do_open(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode));
}

int close(int fd)
{
    return (int)sys_ret(fd_close(fd));
}
