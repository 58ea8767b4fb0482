/* Whole transfers at an offset: pread/pwrite until done, retrying EINTR. */
#ifndef DUET_IO_FULL_H
#define DUET_IO_FULL_H

#include <stdint.h>

/* 0, or -errno (-EIO when the file ends early). */
int pread_full(int fd, void *buf, uint64_t len, uint64_t off);
int pwrite_full(int fd, const void *buf, uint64_t len, uint64_t off);

#endif
