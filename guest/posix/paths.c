/* Calls that take a path: stat, access, unlink, rename, mkdir, rmdir, cwd. */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <utime.h>
#include <unistd.h>
#include "duet/vfs.h"
#include "sysret.h"

mode_t posix_umask = 022;

mode_t umask(mode_t mask)
{
    mode_t old = posix_umask;
    posix_umask = mask & 0777;
    return old;
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    (void)flags;  /* no symlinks: AT_SYMLINK_NOFOLLOW changes nothing */
    struct vnode *n;
    int err = vfs_lookup(dirfd, path, &n);
    if (err)
        return (int)sys_ret(err);
    err = n->ops->getattr(n, st);
    vnode_put(n);
    return (int)sys_ret(err);
}

int stat(const char *path, struct stat *st) { return fstatat(AT_FDCWD, path, st, 0); }
int lstat(const char *path, struct stat *st) { return fstatat(AT_FDCWD, path, st, 0); }

int faccessat(int dirfd, const char *path, int mode, int flags)
{
    (void)flags;
    struct vnode *n;
    int err = vfs_lookup(dirfd, path, &n);
    if (err)
        return (int)sys_ret(err);
    if ((mode & W_OK) && n->read_only)
        err = -EROFS;
    else if ((mode & X_OK) && !(n->mode & 0111))
        err = -EACCES;
    vnode_put(n);
    return (int)sys_ret(err);
}

int access(const char *path, int mode) { return faccessat(AT_FDCWD, path, mode, 0); }

int truncate(const char *path, off_t len)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    int r = ftruncate(fd, len);
    int saved = errno;
    close(fd);
    errno = saved;
    return r;
}

/* One shape for the calls that change a directory entry. */
enum entry_op { OP_UNLINK, OP_RMDIR, OP_MKDIR };

static int on_entry(int dirfd, const char *path, enum entry_op op, mode_t mode)
{
    char buf[VFS_PATH_MAX];
    struct vnode *dir;
    const char *name;
    size_t len;
    int err = vfs_parent(dirfd, path, &dir, &name, &len, buf);
    if (err)
        return err == -EBUSY && op == OP_MKDIR ? -EEXIST : err;
    if (len == 0 || (len == 1 && name[0] == '.'))
        err = -EINVAL;
    else if (dir->read_only)
        err = -EROFS;
    else if (op == OP_UNLINK)
        err = dir->ops->unlink ? dir->ops->unlink(dir, name, len) : -EROFS;
    else if (op == OP_RMDIR)
        err = dir->ops->rmdir ? dir->ops->rmdir(dir, name, len) : -EROFS;
    else
        err = dir->ops->mkdir ? dir->ops->mkdir(dir, name, len, mode & ~posix_umask) : -EROFS;
    vnode_put(dir);
    return err;
}

int unlinkat(int dirfd, const char *path, int flags)
{
    return (int)sys_ret(on_entry(dirfd, path, (flags & AT_REMOVEDIR) ? OP_RMDIR : OP_UNLINK, 0));
}

int unlink(const char *path) { return (int)sys_ret(on_entry(AT_FDCWD, path, OP_UNLINK, 0)); }
int rmdir(const char *path) { return (int)sys_ret(on_entry(AT_FDCWD, path, OP_RMDIR, 0)); }
int mkdirat(int dirfd, const char *path, mode_t mode)
{
    return (int)sys_ret(on_entry(dirfd, path, OP_MKDIR, mode));
}
int mkdir(const char *path, mode_t mode) { return mkdirat(AT_FDCWD, path, mode); }

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
    char obuf[VFS_PATH_MAX], nbuf[VFS_PATH_MAX];
    struct vnode *odir, *ndir;
    const char *oname, *nname;
    size_t olen, nlen;
    int err = vfs_parent(olddirfd, oldpath, &odir, &oname, &olen, obuf);
    if (err)
        return (int)sys_ret(err);
    err = vfs_parent(newdirfd, newpath, &ndir, &nname, &nlen, nbuf);
    if (err) {
        vnode_put(odir);
        return (int)sys_ret(err);
    }
    if (odir->ops != ndir->ops)
        err = -EXDEV;  /* across file systems: a copy, which rename never is */
    else if (odir->read_only || ndir->read_only || !odir->ops->rename)
        err = -EROFS;
    else
        err = odir->ops->rename(odir, oname, olen, ndir, nname, nlen);
    vnode_put(odir);
    vnode_put(ndir);
    return (int)sys_ret(err);
}

int rename(const char *oldpath, const char *newpath)
{
    return renameat(AT_FDCWD, oldpath, AT_FDCWD, newpath);
}

int chdir(const char *path)
{
    char abs[VFS_PATH_MAX];
    struct vnode *n;
    int err = vfs_normalize(vfs_cwd(), path ? path : "", abs, sizeof abs);
    if (!err)
        err = vfs_lookup(AT_FDCWD, abs, &n);
    if (err)
        return (int)sys_ret(err);
    err = vfs_chdir(n, abs);
    vnode_put(n);
    return (int)sys_ret(err);
}

int fchdir(int fd)
{
    struct file *f = fd_get(fd);
    if (!f)
        return (int)sys_ret(-EBADF);
    if (!f->node || !f->priv)
        return (int)sys_ret(-ENOTDIR);
    return chdir(f->priv);
}

char *getcwd(char *buf, size_t size)
{
    size_t len = strlen(vfs_cwd()) + 1;
    if (!buf) {
        if (size == 0)
            size = len;
        if (!(buf = malloc(size))) {
            errno = ENOMEM;
            return NULL;
        }
    } else if (size == 0) {
        errno = EINVAL;
        return NULL;
    }
    if (len > size) {
        errno = ERANGE;
        return NULL;
    }
    memcpy(buf, vfs_cwd(), len);
    return buf;
}

char *realpath(const char *path, char *resolved)
{
    char abs[VFS_PATH_MAX];
    struct vnode *n;
    int err = path ? vfs_normalize(vfs_cwd(), path, abs, sizeof abs) : -EINVAL;
    if (!err)
        err = vfs_lookup(AT_FDCWD, abs, &n);
    if (err) {
        errno = -err;
        return NULL;
    }
    vnode_put(n);
    if (strlen(abs) >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    if (!resolved && !(resolved = malloc(PATH_MAX))) {
        errno = ENOMEM;
        return NULL;
    }
    return strcpy(resolved, abs);
}

/* No permissions to enforce in a single-user guest: recorded nowhere, succeed. */
int chmod(const char *path, mode_t mode) { (void)mode; return access(path, F_OK); }
int fchmod(int fd, mode_t mode) { (void)mode; return fd_get(fd) ? 0 : (int)sys_ret(-EBADF); }
int chown(const char *path, uid_t u, gid_t g) { (void)u; (void)g; return access(path, F_OK); }

/* No hard or symbolic links in Duet's file systems. */
int link(const char *a, const char *b) { (void)a; (void)b; return (int)sys_ret(-EPERM); }
int symlink(const char *a, const char *b) { (void)a; (void)b; return (int)sys_ret(-EPERM); }
ssize_t readlink(const char *path, char *buf, size_t len)
{
    (void)buf; (void)len;
    return access(path, F_OK) ? -1 : sys_ret(-EINVAL);  /* exists, but is no link */
}

/* Only regular files and directories exist here. */
int mkfifo(const char *path, mode_t mode) { (void)path; (void)mode; return (int)sys_ret(-EPERM); }
int mknod(const char *path, mode_t mode, dev_t dev)
{
    (void)path; (void)mode; (void)dev;
    return (int)sys_ret(-EPERM);
}

/* Times are kept by the file systems themselves (ramfs: the last change);
 * setting them is accepted on an existing file. */
int utimes(const char *path, const struct timeval tv[2]) { (void)tv; return access(path, F_OK); }
int utime(const char *path, const struct utimbuf *t) { (void)t; return access(path, F_OK); }
int utimensat(int dirfd, const char *path, const struct timespec ts[2], int flags)
{
    (void)ts;
    return faccessat(dirfd, path, F_OK, flags);
}
int futimens(int fd, const struct timespec ts[2])
{
    (void)ts;
    return fd_get(fd) ? 0 : (int)sys_ret(-EBADF);
}
int fchown(int fd, uid_t u, gid_t g) { (void)u; (void)g; return fd_get(fd) ? 0 : (int)sys_ret(-EBADF); }
int lchown(const char *path, uid_t u, gid_t g) { return chown(path, u, g); }
