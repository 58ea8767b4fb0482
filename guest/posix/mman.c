/* Anonymous private memory from the heap, zeroed, as mmap gives it; what
 * needs a real mapping (files, shared memory, fixed addresses) is ENODEV or
 * EINVAL. munmap frees the whole block mmap returned. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "sysret.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    (void)addr; (void)prot; (void)fd; (void)off;
    if (len == 0 || (flags & MAP_FIXED))
        return (errno = EINVAL, MAP_FAILED);
    if (!(flags & MAP_ANONYMOUS) || !(flags & MAP_PRIVATE))
        return (errno = ENODEV, MAP_FAILED);
    void *p = aligned_alloc(4096, (len + 4095) & ~(size_t)4095);
    if (!p)
        return (errno = ENOMEM, MAP_FAILED);
    return memset(p, 0, len);
}

int munmap(void *addr, size_t len)
{
    (void)len;
    free(addr);
    return 0;
}

int mprotect(void *addr, size_t len, int prot) { (void)addr; (void)len; (void)prot; return 0; }
int msync(void *addr, size_t len, int flags) { (void)addr; (void)len; (void)flags; return 0; }
int madvise(void *addr, size_t len, int advice) { (void)addr; (void)len; (void)advice; return 0; }
