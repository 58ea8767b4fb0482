/* Opening shares: the option, the root directory, the handle table. */
#define _GNU_SOURCE  /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "devices/dir/dir_share.h"
#include "lib/device_name.h"
#include "lib/errmsg.h"

int dir_spec_parse(struct dir_spec *s, const char *arg, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    const char *eq = strchr(arg, '=');
    if (!eq)
        return errmsg(err, errlen, "--dir:%s: expected --dir:NAME=HOSTDIR[,ro]", arg);
    if (!device_name_ok(arg, (size_t)(eq - arg)))
        return errmsg(err, errlen, "--dir: share name '%.*s': 1..%d of a-z 0-9 _",
                      (int)(eq - arg), arg, DUET_DEVICE_NAME_MAX);
    memcpy(s->name, arg, (size_t)(eq - arg));
    const char *path = eq + 1, *comma = strrchr(path, ',');
    size_t plen = strlen(path);
    if (comma && !strcmp(comma, ",ro")) {
        s->read_only = 1;
        plen = (size_t)(comma - path);
    }
    if (plen == 0)
        return errmsg(err, errlen, "--dir:%s: no host directory given", s->name);
    if (plen > DIR_PATH_MAX)
        return errmsg(err, errlen, "--dir:%s: path longer than %d bytes", s->name, DIR_PATH_MAX);
    memcpy(s->path, path, plen);
    return 0;
}

int dir_open(struct dir_share *d, const struct dir_spec *s, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->spec = *s;
    for (int i = 0; i < DUET_FS_HANDLES; i++)
        d->fds[i] = -1;
    d->root_fd = open(s->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (d->root_fd < 0)
        return errmsg(err, errlen, "--dir:%s: cannot open directory %s: %s", s->name, s->path,
                      strerror(errno));
    /* Confinement needs openat2 (Linux >= 5.6): refuse rather than share unconfined. */
    int probe;
    int rc = dir_open_path(d, ".", 1, O_RDONLY | O_DIRECTORY, 0, &probe);
    if (rc == -ENOSYS) {
        dir_close(d);
        return errmsg(err, errlen, "--dir:%s: this kernel has no openat2 (Linux >= 5.6 "
                      "needed to keep the guest inside %s)", s->name, s->path);
    }
    if (rc < 0) {
        dir_close(d);
        return errmsg(err, errlen, "--dir:%s: cannot read %s: %s", s->name, s->path,
                      strerror(-rc));
    }
    close(probe);
    return 0;
}

void dir_close(struct dir_share *d)
{
    for (int i = 0; i < DUET_FS_HANDLES; i++)
        if (d->fds[i] >= 0) {
            close(d->fds[i]);
            d->fds[i] = -1;
        }
    if (d->root_fd >= 0)
        close(d->root_fd);
    d->root_fd = -1;
}
