/* opendir/readdir/closedir over an O_DIRECTORY fd and the node's readdir. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "duet/vfs.h"
#include "sysret.h"

struct duet_dir {
    int fd;
    long cookie;
    struct dirent ent;
};

DIR *fdopendir(int fd)
{
    struct file *f = fd_get(fd);
    if (!f || !f->node) {
        errno = f ? ENOTDIR : EBADF;
        return NULL;
    }
    if (!S_ISDIR(f->node->mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    DIR *d = calloc(1, sizeof *d);
    if (!d) {
        errno = ENOMEM;
        return NULL;
    }
    d->fd = fd;
    return d;
}

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return NULL;
    DIR *d = fdopendir(fd);
    if (!d)
        close(fd);
    return d;
}

struct dirent *readdir(DIR *d)
{
    struct file *f = d ? fd_get(d->fd) : NULL;
    if (!f) {
        errno = EBADF;
        return NULL;
    }
    int r = f->node->ops->readdir ? f->node->ops->readdir(f->node, &d->cookie, &d->ent) : 0;
    if (r < 0)
        errno = -r;
    if (r <= 0)
        return NULL;
    d->ent.d_off = d->cookie;
    d->ent.d_reclen = sizeof d->ent;
    return &d->ent;
}

void rewinddir(DIR *d) { d->cookie = 0; }
long telldir(DIR *d) { return d->cookie; }
void seekdir(DIR *d, long loc) { d->cookie = loc; }
int dirfd(DIR *d) { return d->fd; }

int closedir(DIR *d)
{
    if (!d)
        return (int)sys_ret(-EBADF);
    int r = close(d->fd);
    free(d);
    return r;
}
