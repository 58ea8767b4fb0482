/* A read-only file system: the regular files of a ustar archive on a block device. */
#ifndef HTTPD_TARFS_H
#define HTTPD_TARFS_H

#include <stddef.h>
#include <stdint.h>

#define TARFS_MAX_FILES 64
#define TARFS_NAME_MAX  100

struct tarfs_file {
    char name[TARFS_NAME_MAX + 1];  /* without a leading "./" */
    uint64_t offset, size;          /* of the data on the device, in bytes */
};

/* Indexes the archive on block device `dev`: the number of files, or < 0. */
int tarfs_mount(int dev);
const struct tarfs_file *tarfs_lookup(const char *name);
const struct tarfs_file *tarfs_file(int i);
int tarfs_count(void);
/* Copies up to len bytes of f from `pos` into buf: how many, or < 0. */
int64_t tarfs_read(const struct tarfs_file *f, uint64_t pos, void *buf, size_t len);

#endif
