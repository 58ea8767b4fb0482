/*
 * The guest's one file-descriptor table. Entries point at shared struct
 * file objects (dup shares position and flags, as POSIX says); fds 0-2 start
 * on the console. Single-threaded today: no locks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include "duet/vfs.h"

extern const struct file_ops console_file_ops;

static struct file *table[VFS_FD_MAX];
static unsigned char cloexec[VFS_FD_MAX];
static int console_ready;

static void console_fds(void)
{
    static struct file console[3];
    console_ready = 1;
    for (int i = 0; i < 3; i++) {
        console[i] = (struct file){ &console_file_ops, 1, i == 0 ? O_RDONLY : O_WRONLY,
                                    0, NULL, NULL };
        table[i] = &console[i];
    }
}

struct file *file_new(const struct file_ops *ops, int flags, struct vnode *node)
{
    struct file *f = calloc(1, sizeof *f);
    if (f) {
        f->ops = ops;
        f->flags = flags;
        f->node = node;
    }
    return f;
}

void file_put(struct file *f)
{
    if (--f->refs > 0)
        return;
    if (f->ops->close)
        f->ops->close(f);
    if (f->node)
        vnode_put(f->node);
    if (f->ops != &console_file_ops)
        free(f);
}

struct file *fd_get(int fd)
{
    if (!console_ready)
        console_fds();
    if (fd < 0 || fd >= VFS_FD_MAX)
        return NULL;
    return table[fd];
}

int fd_install(struct file *f, int min, int flag_cloexec)
{
    if (!console_ready)
        console_fds();
    if (min < 0 || min >= VFS_FD_MAX)
        return -EINVAL;
    for (int fd = min; fd < VFS_FD_MAX; fd++) {
        if (!table[fd]) {
            table[fd] = f;
            cloexec[fd] = (unsigned char)(flag_cloexec != 0);
            f->refs++;
            return fd;
        }
    }
    return -EMFILE;
}

int fd_close(int fd)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    table[fd] = NULL;
    file_put(f);
    return 0;
}

int fd_dup(int oldfd, int newfd, int flag_cloexec)
{
    struct file *f = fd_get(oldfd);
    if (!f || newfd < 0 || newfd >= VFS_FD_MAX)
        return -EBADF;
    if (oldfd == newfd)
        return newfd;
    f->refs++;  /* before closing newfd: it may hold the last other reference */
    if (table[newfd])
        fd_close(newfd);
    table[newfd] = f;
    cloexec[newfd] = (unsigned char)(flag_cloexec != 0);
    return newfd;
}

int fd_getfd(int fd)
{
    if (!fd_get(fd))
        return -EBADF;
    return cloexec[fd] ? FD_CLOEXEC : 0;
}

int fd_setfd(int fd, int fdflags)
{
    if (!fd_get(fd))
        return -EBADF;
    cloexec[fd] = (unsigned char)((fdflags & FD_CLOEXEC) != 0);
    return 0;
}
