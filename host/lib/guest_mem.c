/* Guest RAM: allocation and checked guest-address translation. */
#include <errno.h>
#include <sys/mman.h>
#include "lib/guest_mem.h"

int gmem_alloc(struct guest_mem *mem, uint64_t base, uint64_t size)
{
    /* Anonymous memory is zeroed; no PROT_EXEC: guest bytes never run on the host. */
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    mem->host = p;
    mem->base = base;
    mem->size = size;
    mem->fresh = 1;
    return 0;
}

void gmem_free(struct guest_mem *mem)
{
    if (mem->host)
        munmap(mem->host, mem->size);
    mem->host = NULL;
    mem->size = 0;
}

int gmem_contains(const struct guest_mem *mem, duet_gpa_t gpa, uint64_t len)
{
    if (gpa < mem->base)
        return 0;
    uint64_t off = gpa - mem->base;
    /* Written so that no sum can wrap: off <= size, then len <= size - off. */
    return off <= mem->size && len <= mem->size - off;
}

void *gmem_ptr(const struct guest_mem *mem, duet_gpa_t gpa, uint64_t len)
{
    if (!mem->host || !gmem_contains(mem, gpa, len))
        return NULL;
    return mem->host + (gpa - mem->base);
}
