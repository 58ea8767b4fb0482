/*
 * Paths from the guest, resolved beneath a share's root and nowhere else:
 * openat2(2) with RESOLVE_BENEATH refuses "..", absolute symlinks and
 * symlinks that leave the root (EXDEV), RESOLVE_NO_MAGICLINKS the /proc
 * kind. What opens must be a regular file or a directory: device nodes,
 * FIFOs and sockets are refused (opened O_NONBLOCK, so a FIFO never blocks).
 */
#define _GNU_SOURCE  /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>
#include "devices/dir/dir_share.h"

/* rel as a C string: at most DUET_FS_PATH_MAX bytes, no NUL, "" is ".". */
static int c_path(const char *rel, size_t len, char out[DUET_FS_PATH_MAX + 1])
{
    if (len > DUET_FS_PATH_MAX)
        return -ENAMETOOLONG;
    if (memchr(rel, '\0', len))
        return -EINVAL;
    if (len == 0)
        return (void)strcpy(out, "."), 0;
    memcpy(out, rel, len);
    out[len] = '\0';
    return 0;
}

static int beneath(int root, const char *path, int flags, unsigned mode)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    /* openat2 takes only O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW beside O_PATH. */
    how.flags = (uint64_t)(flags | O_CLOEXEC | (flags & O_PATH ? 0 : O_NOCTTY | O_NONBLOCK));
    how.mode = flags & O_CREAT ? (mode & 0777) : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd;
    do
        fd = syscall(SYS_openat2, root, path, &how, sizeof how);
    while (fd < 0 && errno == EAGAIN);  /* RESOLVE_* may ask for a retry under renames */
    if (fd >= 0)
        return (int)fd;
    return errno == EXDEV ? -EACCES : -errno;  /* EXDEV: the path leaves the share */
}

static int only_files_and_dirs(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    return S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) ? 0 : -EACCES;
}

int dir_open_path(const struct dir_share *d, const char *rel, size_t len, int flags,
                  unsigned mode, int *fd)
{
    char path[DUET_FS_PATH_MAX + 1];
    int err = c_path(rel, len, path);
    if (err)
        return err;
    if (!(flags & O_CREAT)) {
        /* Look before opening: opening a device node can itself do things. */
        int probe = beneath(d->root_fd, path, O_PATH, 0);
        if (probe < 0)
            return probe;
        err = only_files_and_dirs(probe);
        close(probe);
        if (err)
            return err;
    }
    int f = beneath(d->root_fd, path, flags, mode);
    if (f < 0)
        return f;
    /* Checked again on what was opened: the tree may have changed in between. */
    if ((err = only_files_and_dirs(f))) {
        close(f);
        return err;
    }
    if (!(flags & O_PATH))
        fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK);
    *fd = f;
    return 0;
}

int dir_open_parent(const struct dir_share *d, const char *rel, size_t len, int *dirfd,
                    char name[DUET_FS_NAME_MAX + 1])
{
    char path[DUET_FS_PATH_MAX + 1];
    int err = c_path(rel, len, path);
    if (err)
        return err;
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        path[--n] = '\0';  /* "dir/" names dir */
    char *slash = strrchr(path, '/');
    const char *last = slash ? slash + 1 : path;
    size_t last_len = strlen(last);
    if (last_len == 0 || !strcmp(last, ".") || !strcmp(last, ".."))
        return -EINVAL;
    if (last_len > DUET_FS_NAME_MAX)
        return -ENAMETOOLONG;
    memcpy(name, last, last_len + 1);
    if (slash == path)
        return -EACCES;  /* "/x": absolute, outside any share */
    if (slash)
        *slash = '\0';
    int f = beneath(d->root_fd, slash ? path : ".", O_PATH | O_DIRECTORY, 0);
    if (f < 0)
        return f;
    *dirfd = f;
    return 0;
}
