/*
 * Host-directory shares: `duet run --dir:NAME=HOSTDIR[,ro]` shows HOSTDIR at
 * /NAME in the guest. Every path the guest names is resolved beneath the
 * share's root (dir_path.c); handles are this table's, never host fds.
 */
#ifndef DUET_DIR_SHARE_H
#define DUET_DIR_SHARE_H

#include <stddef.h>
#include <stdint.h>
#include "duet/hypercall.h"
#include "duet/manifest.h"

#define DIR_MAX_SHARES 4
#define DIR_PATH_MAX 1023

struct dir_spec {             /* what the command line asked for */
    char name[DUET_DEVICE_NAME_MAX + 1];
    char path[DIR_PATH_MAX + 1];
    int read_only;
};

struct dir_share {            /* an opened share */
    struct dir_spec spec;
    int root_fd;              /* O_PATH | O_DIRECTORY of HOSTDIR */
    int fds[DUET_FS_HANDLES]; /* open handles: host fd, or -1 */
};

/* Parses "NAME=PATH[,ro]". 0, or -1 with a reason in err. */
int dir_spec_parse(struct dir_spec *s, const char *arg, char *err, size_t errlen);
/* Opens the root: a directory; checks that openat2 confinement works here. */
int dir_open(struct dir_share *d, const struct dir_spec *s, char *err, size_t errlen);
void dir_close(struct dir_share *d);

/*
 * Paths inside a share (dir_path.c). rel: the guest's bytes, not
 * NUL-terminated; checked (length, no NUL byte). All return -errno.
 */
/* Opens rel beneath the root (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), only
 * a regular file or a directory; flags as open(2), O_NONBLOCK added. */
int dir_open_path(const struct dir_share *d, const char *rel, size_t len, int flags,
                  unsigned mode, int *fd);
/* The directory holding rel's last component (an O_PATH fd) and that name
 * (checked: not "", ".", ".." and at most NAME_MAX bytes). */
int dir_open_parent(const struct dir_share *d, const char *rel, size_t len, int *dirfd,
                    char name[DUET_FS_NAME_MAX + 1]);

/* The share's operations on handles and paths (dir_ops.c): one per
 * enum duet_fs_op, given the argument struct (already copied in) and, for
 * those that take one, the guest buffer (already bounds-checked). */
int64_t dir_op(struct dir_share *d, struct duet_hc_fs *a, void *buf, const char *path,
               const char *path2);

#endif
