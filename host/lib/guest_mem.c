/* Guest RAM: allocation and checked guest-address translation. */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include "lib/guest_mem.h"

int gmem_alloc(struct guest_mem *mem, uint64_t base, uint64_t size)
{
    /* Anonymous memory is zeroed; no PROT_EXEC: guest bytes never run on the host. */
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    /*
     * Small pages, whatever /sys/kernel/mm/transparent_hugepage says: with
     * THP "always" the first touch of any guest page makes the kernel zero
     * and map a whole 2 MiB page (hello's RSS 2.7 MB instead of 0.8 MB, and
     * the boot pays for the zeroing). A unikernel touches little of its RAM;
     * long runs with a large working set would gain from huge stage-2
     * mappings, a trade for a future option, not the default. Failure (no
     * THP in this kernel) changes nothing.
     */
    (void)madvise(p, size, MADV_NOHUGEPAGE);
    mem->host = p;
    mem->base = base;
    mem->size = size;
    mem->fresh = 1;
    mem->nfile_ranges = 0;
    return 0;
}

int gmem_map_file(struct guest_mem *mem, uint64_t gpa, uint64_t len, int fd, uint64_t off)
{
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    if (fd < 0 || !len || mem->nfile_ranges == GMEM_MAX_FILE_RANGES || !gmem_contains(mem, gpa, len))
        return -1;
    uint64_t at = gpa - mem->base;
    if ((at | off | len) & (page - 1))
        return -1;
    /* MAP_FIXED replaces the anonymous pages there (still untouched: the
     * loader maps before it copies anything). A failed MAP_FIXED may leave
     * a hole: zeroed pages go back in, or RAM is unusable. */
    if (mmap(mem->host + at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd,
             (off_t)off) == MAP_FAILED)
        return mmap(mem->host + at, len, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED
               ? -2 : -1;
    mem->file_ranges[mem->nfile_ranges].off = at;
    mem->file_ranges[mem->nfile_ranges].len = len;
    mem->nfile_ranges++;
    return 0;
}

static int in_file_range(const struct guest_mem *mem, uint64_t off)
{
    for (int i = 0; i < mem->nfile_ranges; i++)
        if (off - mem->file_ranges[i].off < mem->file_ranges[i].len)
            return 1;
    return 0;
}

long gmem_file_pages(const struct guest_mem *mem)
{
    uint64_t bytes = 0;
    for (int i = 0; i < mem->nfile_ranges; i++)
        bytes += mem->file_ranges[i].len;
    return (long)(bytes / (uint64_t)sysconf(_SC_PAGESIZE));
}

long gmem_resident_pages(const struct guest_mem *mem)
{
    /* In chunks through a fixed vector: no allocation (it runs sandboxed). */
    unsigned char vec[4096];
    long page = sysconf(_SC_PAGESIZE), n = 0;
    uint64_t chunk = sizeof vec * (uint64_t)page;
    for (uint64_t off = 0; mem->host && off < mem->size; off += chunk) {
        uint64_t len = mem->size - off < chunk ? mem->size - off : chunk;
        if (mincore(mem->host + off, len, vec) < 0)
            return -1;
        /* A file-backed page reads as resident whenever the page cache holds
         * it, touched or not: those are counted apart (gmem_file_pages). */
        for (uint64_t i = 0; i < (len + (uint64_t)page - 1) / (uint64_t)page; i++)
            n += (vec[i] & 1) && !in_file_range(mem, off + i * (uint64_t)page);
    }
    return n;
}

void gmem_free(struct guest_mem *mem)
{
    if (mem->host)
        munmap(mem->host, mem->size);
    mem->host = NULL;
    mem->size = 0;
    mem->nfile_ranges = 0;
}
