/* pread/pwrite loops shared by the ELF loader and block devices. */
#include <errno.h>
#include <unistd.h>
#include "lib/io_full.h"

#define CHUNK (1ULL << 30) /* one call moves at most this: ssize_t stays positive */

int pread_full(int fd, void *buf, uint64_t len, uint64_t off)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(fd, p, len > CHUNK ? CHUNK : len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO; /* the file shrank under us */
        p += n, off += (uint64_t)n, len -= (uint64_t)n;
    }
    return 0;
}

int pwrite_full(int fd, const void *buf, uint64_t len, uint64_t off)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len > CHUNK ? CHUNK : len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        p += n, off += (uint64_t)n, len -= (uint64_t)n;
    }
    return 0;
}
