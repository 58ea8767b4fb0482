/* Calls on an open fd: read/write and friends, seek, stat, dup, fcntl. */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/file.h>
#include <sys/uio.h>
#include <unistd.h>
#include "duet/vfs.h"
#include "sysret.h"

#define FILE_OR_EBADF(f, fd) struct file *f = fd_get(fd); if (!f) return (errno = EBADF, -1)

ssize_t read(int fd, void *buf, size_t len)
{
    FILE_OR_EBADF(f, fd);
    return sys_ret(f->ops->read ? f->ops->read(f, buf, len) : -EINVAL);
}

ssize_t write(int fd, const void *buf, size_t len)
{
    FILE_OR_EBADF(f, fd);
    return sys_ret(f->ops->write ? f->ops->write(f, buf, len) : -EINVAL);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
    FILE_OR_EBADF(f, fd);
    if (off < 0)
        return sys_ret(-EINVAL);
    return sys_ret(f->ops->pread ? f->ops->pread(f, buf, len, off) : -ESPIPE);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
    FILE_OR_EBADF(f, fd);
    if (off < 0)
        return sys_ret(-EINVAL);
    return sys_ret(f->ops->pwrite ? f->ops->pwrite(f, buf, len, off) : -ESPIPE);
}

static ssize_t vec(int fd, const struct iovec *iov, int n, int out)
{
    ssize_t total = 0;
    if (n < 0 || n > 1024)
        return sys_ret(-EINVAL);
    for (int i = 0; i < n; i++) {
        ssize_t r = out ? write(fd, iov[i].iov_base, iov[i].iov_len)
                        : read(fd, iov[i].iov_base, iov[i].iov_len);
        if (r < 0)
            return total ? total : -1;
        total += r;
        if ((size_t)r < iov[i].iov_len)
            break;
    }
    return total;
}

ssize_t readv(int fd, const struct iovec *iov, int n) { return vec(fd, iov, n, 0); }
ssize_t writev(int fd, const struct iovec *iov, int n) { return vec(fd, iov, n, 1); }

off_t lseek(int fd, off_t off, int whence)
{
    FILE_OR_EBADF(f, fd);
    return sys_ret(f->ops->lseek ? f->ops->lseek(f, off, whence) : -ESPIPE);
}

int fstat(int fd, struct stat *st)
{
    FILE_OR_EBADF(f, fd);
    return (int)sys_ret(f->ops->fstat ? f->ops->fstat(f, st) : -EINVAL);
}

int ftruncate(int fd, off_t len)
{
    FILE_OR_EBADF(f, fd);
    return (int)sys_ret(f->ops->ftruncate ? f->ops->ftruncate(f, len) : -EINVAL);
}

int fsync(int fd)
{
    FILE_OR_EBADF(f, fd);
    return (int)sys_ret(f->ops->fsync ? f->ops->fsync(f) : 0);
}

int fdatasync(int fd) { return fsync(fd); }

int isatty(int fd)
{
    struct file *f = fd_get(fd);
    if (!f) {
        errno = EBADF;
        return 0;
    }
    if (f->ops->isatty && f->ops->isatty(f))
        return 1;
    errno = ENOTTY;
    return 0;
}

int dup(int fd)
{
    FILE_OR_EBADF(f, fd);
    return (int)sys_ret(fd_install(f, 0, 0));
}

int dup2(int oldfd, int newfd) { return (int)sys_ret(fd_dup(oldfd, newfd, 0)); }

int dup3(int oldfd, int newfd, int flags)
{
    if (oldfd == newfd || (flags & ~O_CLOEXEC))
        return (int)sys_ret(-EINVAL);
    return (int)sys_ret(fd_dup(oldfd, newfd, flags & O_CLOEXEC));
}

int fcntl(int fd, int cmd, ...)
{
    FILE_OR_EBADF(f, fd);
    va_list ap;
    va_start(ap, cmd);
    long arg = (cmd == F_GETFD || cmd == F_GETFL) ? 0 : va_arg(ap, long);
    va_end(ap);
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        return (int)sys_ret(fd_install(f, (int)arg, cmd == F_DUPFD_CLOEXEC));
    case F_GETFD:
        return (int)sys_ret(fd_getfd(fd));
    case F_SETFD:
        return (int)sys_ret(fd_setfd(fd, (int)arg));
    case F_GETFL:
        return f->flags;
    case F_SETFL: {  /* only these may change, as on Linux */
        int flags = (f->flags & ~(O_APPEND | O_NONBLOCK)) | ((int)arg & (O_APPEND | O_NONBLOCK));
        if (f->ops->setfl) {
            int e = f->ops->setfl(f, flags);
            if (e < 0)
                return (int)sys_ret(e);
        }
        f->flags = flags;
        return 0;
    }
    case F_GETLK: {
        struct flock *l = (struct flock *)arg;
        if (l)
            l->l_type = F_UNLCK;  /* one process: nobody else holds a lock */
        return 0;
    }
    case F_SETLK:
    case F_SETLKW:
        return 0;  /* advisory locks with one process always succeed */
    default:
        return (int)sys_ret(-EINVAL);
    }
}

int flock(int fd, int op)
{
    (void)op;
    return fd_get(fd) ? 0 : (int)sys_ret(-EBADF);
}
