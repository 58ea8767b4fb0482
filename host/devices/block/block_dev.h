/* Block devices backed by raw files: `duet run --block:NAME=PATH[,ro][,sector=4096]`. */
#ifndef DUET_BLOCK_DEV_H
#define DUET_BLOCK_DEV_H

#include <stddef.h>
#include <stdint.h>
#include "duet/manifest.h"

#define BLOCK_MAX_DEVICES 8
#define BLOCK_NAME_MAX DUET_DEVICE_NAME_MAX
#define BLOCK_PATH_MAX    1023

struct block_spec {           /* what the command line asked for */
    char name[BLOCK_NAME_MAX + 1];
    char path[BLOCK_PATH_MAX + 1];
    int read_only;
    uint32_t sector_size;
};

struct block_dev {            /* an opened device */
    struct block_spec spec;
    int fd;
    uint64_t sectors;
};

/* Parses "NAME=PATH[,ro][,sector=512|4096]". 0, or -1 with a reason in err. */
int block_spec_parse(struct block_spec *s, const char *arg, char *err, size_t errlen);

/* Opens the file: a regular file whose size is a multiple of the sector size. */
int block_open(struct block_dev *d, const struct block_spec *s, char *err, size_t errlen);
void block_close(struct block_dev *d);

/* Whole-sector transfers; 0 or -errno. The caller checks ranges first. */
int block_pread(struct block_dev *d, void *buf, uint64_t len, uint64_t offset);
int block_pwrite(struct block_dev *d, const void *buf, uint64_t len, uint64_t offset);
int block_flush(struct block_dev *d);

#endif
