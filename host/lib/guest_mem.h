/*
 * Guest RAM as the host sees it, and the only way the host turns a guest
 * address into a pointer. Every hypercall argument goes through gmem_ptr(),
 * which checks address + length against RAM without wrap-around.
 */
#ifndef DUET_GUEST_MEM_H
#define DUET_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>
#include "duet/hypercall.h"

#define GMEM_MAX_FILE_RANGES 8

struct guest_mem {
    uint8_t  *host;   /* host mapping of guest RAM (never PROT_EXEC) */
    uint64_t  base;   /* guest-physical address of the first byte */
    uint64_t  size;   /* bytes */
    int       fresh;  /* still all zero as mmap gave it: no need to clear bss */
    /* Ranges of RAM (offsets from base) backed by the image file's pages
     * (gmem_map_file): shared with the page cache until written. */
    struct { uint64_t off, len; } file_ranges[GMEM_MAX_FILE_RANGES];
    int nfile_ranges;
};

/* Maps `size` bytes of zeroed RAM at guest address `base`. 0 or -errno. */
int gmem_alloc(struct guest_mem *mem, uint64_t base, uint64_t size);
void gmem_free(struct guest_mem *mem);

/*
 * Backs [gpa, gpa + len) of RAM with the file's bytes at `off`, copy-on-write
 * (MAP_PRIVATE): the guest reads the page cache's pages, a write (the guest's
 * or the host's, e.g. a gdb breakpoint) gets a private copy, the file never
 * changes. gpa - base, off and len must be multiples of the host page size.
 * 0, or -1 (misaligned, outside RAM, no range left, mmap failed): then RAM
 * there is zeroed as before and the caller copies the bytes instead; -2: the
 * failed mapping left a hole in RAM that could not be filled (RAM unusable).
 */
int gmem_map_file(struct guest_mem *mem, uint64_t gpa, uint64_t len, int fd, uint64_t off);

/* Host pages of guest RAM resident now (mincore) outside the file-backed
 * ranges: the private pages the host and the guest have touched so far.
 * -1 if mincore fails. */
long gmem_resident_pages(const struct guest_mem *mem);

/* Pages of RAM backed by the image file (gmem_map_file). */
long gmem_file_pages(const struct guest_mem *mem);

/*
 * True when [gpa, gpa + len) lies inside RAM (len 0 is inside if gpa is).
 * Inline: every hypercall translates its argument (a call and a return
 * fewer on the exit path).
 */
static inline int gmem_contains(const struct guest_mem *mem, duet_gpa_t gpa, uint64_t len)
{
    if (gpa < mem->base)
        return 0;
    uint64_t off = gpa - mem->base;
    /* Written so that no sum can wrap: off <= size, then len <= size - off. */
    return off <= mem->size && len <= mem->size - off;
}

/* Host pointer to [gpa, gpa + len), or NULL when any byte is outside RAM. */
static inline void *gmem_ptr(const struct guest_mem *mem, duet_gpa_t gpa, uint64_t len)
{
    if (!mem->host || !gmem_contains(mem, gpa, len))
        return NULL;
    return mem->host + (gpa - mem->base);
}

#endif
