/*
 * The guest's files: one file-descriptor table and a mount table of file
 * systems. Every call returns 0 (or a count) on success and -errno on
 * failure; the POSIX layer (guest/posix/) turns that into errno.
 *
 *   fd table (fdtable.c)   int fd -> struct file (ops + position + flags)
 *   mounts   (vfs.c)       "/" ramfs; more file systems mount at /NAME
 *   a file system          struct vnode_ops over its own nodes
 *
 * Anything that can sit behind an fd (a file, the console, later a socket)
 * provides struct file_ops; files of a mounted file system get generic ops
 * that call the node's vnode_ops.
 */
#ifndef DUET_VFS_H
#define DUET_VFS_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define VFS_NAME_MAX 255
#define VFS_PATH_MAX 4096
#define VFS_FD_MAX 256

struct vnode;
struct dirent;

/* What a file system does with its nodes. Names are not NUL-terminated. */
struct vnode_ops {
    int (*lookup)(struct vnode *dir, const char *name, size_t len, struct vnode **out);
    int (*create)(struct vnode *dir, const char *name, size_t len, mode_t mode,
                  struct vnode **out);
    int (*mkdir)(struct vnode *dir, const char *name, size_t len, mode_t mode);
    int (*unlink)(struct vnode *dir, const char *name, size_t len);  /* not a dir */
    int (*rmdir)(struct vnode *dir, const char *name, size_t len);   /* empty dir */
    int (*rename)(struct vnode *from_dir, const char *from, size_t from_len,
                  struct vnode *to_dir, const char *to, size_t to_len);
    ssize_t (*read)(struct vnode *n, void *buf, size_t len, off_t off);
    ssize_t (*write)(struct vnode *n, const void *buf, size_t len, off_t off);
    int (*truncate)(struct vnode *n, off_t len);
    int (*getattr)(struct vnode *n, struct stat *st);
    /* Entry *cookie of dir into out (d_name, d_ino, d_type); 1, 0 at the end. */
    int (*readdir)(struct vnode *dir, long *cookie, struct dirent *out);
    int (*fsync)(struct vnode *n);
    void (*release)(struct vnode *n);  /* the last reference went away */
};

/* The part of every node the VFS sees; a file system embeds it first. */
struct vnode {
    const struct vnode_ops *ops;
    mode_t mode;     /* S_IFREG / S_IFDIR | permission bits */
    int refs;        /* held by lookups, open files, cwd, mounts */
    int read_only;   /* the file system refuses changes: EROFS */
};

static inline void vnode_hold(struct vnode *n) { n->refs++; }
void vnode_put(struct vnode *n);

/* --- the fd table ------------------------------------------------------ */
struct file;
struct file_ops {
    ssize_t (*read)(struct file *f, void *buf, size_t len);
    ssize_t (*write)(struct file *f, const void *buf, size_t len);
    ssize_t (*pread)(struct file *f, void *buf, size_t len, off_t off);   /* NULL: ESPIPE */
    ssize_t (*pwrite)(struct file *f, const void *buf, size_t len, off_t off);
    off_t (*lseek)(struct file *f, off_t off, int whence);  /* NULL: ESPIPE */
    int (*fstat)(struct file *f, struct stat *st);
    int (*ftruncate)(struct file *f, off_t len);            /* NULL: EINVAL */
    int (*fsync)(struct file *f);                           /* NULL: 0 */
    int (*isatty)(struct file *f);                          /* NULL: not a tty */
    void (*close)(struct file *f);  /* the last fd to it was closed */
    int (*setfl)(struct file *f, int flags);  /* F_SETFL changed O_NONBLOCK; NULL: kept only */
    int (*ioctl)(struct file *f, unsigned long req, void *arg);   /* NULL: ENOTTY */
    int is_socket;  /* poll/select ask the socket layer (duet_sock_poll) about it */
};

/*
 * poll() over sockets, provided by the socket layer of apps with `uses:
 * sockets` (weak: absent otherwise). fds[] is poll's array (Linux values),
 * whose file entries poll already answered (`ready` of them); the socket
 * entries are answered here, waiting up to timeout_ms (-1: forever) when
 * nothing is ready. The count of entries with events, or -errno.
 */
struct pollfd;
int duet_sock_poll(struct pollfd *fds, unsigned long n, int timeout_ms, int ready)
    __attribute__((weak));

struct file {
    const struct file_ops *ops;
    int refs;            /* fds sharing it (dup) */
    int flags;           /* O_ACCMODE | O_APPEND | O_NONBLOCK (F_GETFL/F_SETFL) */
    off_t pos;
    struct vnode *node;  /* files of a file system; NULL for the console, sockets */
    void *priv;
};

struct file *file_new(const struct file_ops *ops, int flags, struct vnode *node);
/* The lowest free fd >= min for f (taking one reference), or -EMFILE. */
int fd_install(struct file *f, int min, int cloexec);
struct file *fd_get(int fd);            /* NULL if fd is not open */
int fd_close(int fd);
int fd_dup(int oldfd, int newfd, int cloexec);   /* dup2/dup3 */
int fd_getfd(int fd);                   /* FD_CLOEXEC or 0, or -EBADF */
int fd_setfd(int fd, int fdflags);
void file_put(struct file *f);

/* --- paths and mounts ------------------------------------------------- */
/*
 * Joins base (absolute) and path, resolving "." and ".." lexically (no file
 * system has symlinks yet), into out (VFS_PATH_MAX): "/a/b". 0, -ENAMETOOLONG,
 * -ENOENT (empty path).
 */
int vfs_normalize(const char *base, const char *path, char *out, size_t outlen);
/* The next component of the path at *p, past any slashes: its start, its
 * length in *len (0 at the end), and *p moved past it. */
static inline const char *vfs_component(const char **p, size_t *len)
{
    const char *s = *p;
    while (*s == '/')
        s++;
    const char *c = s;
    while (*s && *s != '/')
        s++;
    *len = (size_t)(s - c);
    *p = s;
    return c;
}
int vfs_mount(const char *path, struct vnode *root);
/* Resolves path (relative to dirfd, AT_FDCWD = cwd) to its node (held). */
int vfs_lookup(int dirfd, const char *path, struct vnode **out);
/* Resolves all but the last component: its directory (held) and its name. */
int vfs_parent(int dirfd, const char *path, struct vnode **dir, const char **name,
               size_t *len, char *buf);
const char *vfs_cwd(void);
/* Mounts the platform's file systems when "/" is made (weak: none). */
void vfs_platform_mounts(struct vnode *root);
int vfs_chdir(struct vnode *dir, const char *abs_path);

/* The files of a mounted file system, behind an fd. */
extern const struct file_ops vnode_file_ops;

/* A fresh RAM file system's root (ramfs.c), bounded by the heap (ENOSPC). */
struct vnode *ramfs_new(void);
void ramfs_free(struct vnode *root);  /* a whole tree, nothing holding it */

/* The boot archive (shared/include/duet/rootfs.h) mapped at [base, base +
 * size) as a read-only file system (rofs.c), or NULL with *why saying what
 * is wrong with its header; nodes are checked as lookups reach them. */
struct vnode *rofs_new(const void *base, size_t size, const char **why);
/* upper (writable, RAM) over lower (read-only) as one tree (overlay.c); takes
 * both references, and lets go of both if it returns NULL. */
struct vnode *overlay_new(struct vnode *upper, struct vnode *lower);
/* The shipped files for "/" (guest/rootfs.c; weak: none). */
struct vnode *vfs_platform_rootfs(void);

#endif
