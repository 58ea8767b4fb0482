/*
 * Block devices for apps. Devices are found by name (the host's
 * --block:NAME=...); transfers are whole sectors. Functions return 0 or the
 * number of bytes, or a negative DUET_E* code (hypercall.h).
 */
#ifndef DUET_BLOCK_H
#define DUET_BLOCK_H

#include <stddef.h>
#include <stdint.h>

struct duet_block_info {
    uint32_t sector_size;
    uint64_t sectors;
    int read_only;
};

/* The device's handle (>= 0), or DUET_ENODEV when there is none by that name. */
int duet_block_open(const char *name);
int duet_block_info(int dev, struct duet_block_info *info);
int64_t duet_block_read(int dev, uint64_t sector, void *buf, size_t len);
int64_t duet_block_write(int dev, uint64_t sector, const void *buf, size_t len);
/* Returns once everything written is on the host's stable storage. */
int duet_block_flush(int dev);

#endif
