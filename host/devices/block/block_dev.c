/* The backend of block devices: raw files, whole sectors, EINTR-safe I/O. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "devices/block/block_dev.h"
#include "lib/device_name.h"
#include "lib/errmsg.h"
#include "lib/io_full.h"

int block_spec_parse(struct block_spec *s, const char *arg, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->sector_size = 512;
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : 0;
    if (!eq || n == 0 || n > BLOCK_NAME_MAX)
        return errmsg(err, errlen, "--block wants NAME=PATH (NAME 1..%d of a-z 0-9 _)",
                      BLOCK_NAME_MAX);
    if (!device_name_ok(arg, n))
        return errmsg(err, errlen, "--block: device name '%.*s' may use only a-z 0-9 _",
                      (int)n, arg);
    memcpy(s->name, arg, n);
    /* PATH runs to the first ",ro" / ",sector=" option, so other commas stay in it. */
    const char *path = eq + 1;
    const char *opt = path;
    while ((opt = strchr(opt, ',')) && strcmp(opt, ",ro") && strncmp(opt, ",ro,", 4) &&
           strncmp(opt, ",sector=", 8))
        opt++;
    size_t plen = opt ? (size_t)(opt - path) : strlen(path);
    if (plen == 0)
        return errmsg(err, errlen, "--block:%s: no file given", s->name);
    if (plen > BLOCK_PATH_MAX)
        return errmsg(err, errlen, "--block:%s: path longer than %d bytes", s->name, BLOCK_PATH_MAX);
    memcpy(s->path, path, plen);
    while (opt && *opt) {
        if (!strncmp(opt, ",ro", 3) && (opt[3] == ',' || !opt[3])) {
            s->read_only = 1;
            opt += 3;
        } else if (!strncmp(opt, ",sector=512", 11) && (opt[11] == ',' || !opt[11])) {
            s->sector_size = 512;
            opt += 11;
        } else if (!strncmp(opt, ",sector=4096", 12) && (opt[12] == ',' || !opt[12])) {
            s->sector_size = 4096;
            opt += 12;
        } else {
            return errmsg(err, errlen, "--block:%s: unknown option '%s' (,ro or ,sector=512|4096)",
                          s->name, opt + 1);
        }
    }
    return 0;
}

int block_open(struct block_dev *d, const struct block_spec *s, char *err, size_t errlen)
{
    struct stat st;
    d->spec = *s;
    d->fd = open(s->path, (s->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (d->fd < 0)
        return errmsg(err, errlen, "block %s: %s: %s", s->name, s->path, strerror(errno));
    if (fstat(d->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        block_close(d);
        return errmsg(err, errlen, "block %s: %s is not a regular file", s->name, s->path);
    }
    if ((uint64_t)st.st_size % s->sector_size) {
        block_close(d);
        return errmsg(err, errlen, "block %s: %s is %lld bytes, not a multiple of the %u-byte "
                      "sector size", s->name, s->path, (long long)st.st_size, s->sector_size);
    }
    d->sectors = (uint64_t)st.st_size / s->sector_size;
    return 0;
}

void block_close(struct block_dev *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
}

int block_pread(struct block_dev *d, void *buf, uint64_t len, uint64_t offset)
{
    return pread_full(d->fd, buf, len, offset);
}

int block_pwrite(struct block_dev *d, const void *buf, uint64_t len, uint64_t offset)
{
    return pwrite_full(d->fd, buf, len, offset);
}

int block_flush(struct block_dev *d)
{
    while (fdatasync(d->fd) < 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}
