/*
 * The guest ELF loader: validates one static AArch64 ELF64 executable and
 * loads its PT_LOAD segments into guest RAM. It runs before /dev/kvm is
 * opened, so a bad image costs nothing but a clear one-line reason.
 *
 * What is accepted (everything else is refused with its own reason):
 *   - ELF64, little-endian, EV_CURRENT, EM_AARCH64, ET_EXEC (no static PIE),
 *     no PT_INTERP (must be linked statically);
 *   - at most ELF_MAX_PHDRS program headers, standard header sizes;
 *   - every PT_LOAD: file bytes inside the file, p_filesz <= p_memsz,
 *     p_paddr == p_vaddr (the guest identity-maps RAM, so a load address
 *     different from the run address would run the wrong bytes),
 *     p_align 0/1 or a power of two with p_vaddr == p_offset mod p_align,
 *     [p_vaddr, p_vaddr + p_memsz) inside [DUET_GUEST_LOAD_MIN, RAM end),
 *     no two segments overlapping;
 *   - e_entry inside the file-backed bytes of a PF_X segment.
 * PT_LOAD segments with p_memsz == 0 are ignored.
 *
 * The file is mapped (image_file.h), so its size is not capped: only headers
 * and segment bytes are read, and those are bounded by the RAM checks.
 * Segments without PF_W are not copied: their whole pages are mapped from
 * the file copy-on-write (gmem_map_file), so the guest runs from the page
 * cache's pages and a second guest of the same image shares them; the
 * partial page at a segment's end, and writable segments, are copied. Structures are read in host byte order; Duet hosts
 * (x86_64 for tests, aarch64 for real) are little-endian, which the
 * loader asserts at compile time, and the image must be little-endian too.
 */
#ifndef DUET_ELF_LOADER_H
#define DUET_ELF_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include "image/image_file.h"
#include "lib/guest_mem.h"

#define ELF_MAX_PHDRS 64

struct guest_image {
    uint64_t entry;    /* e_entry: where the vCPU starts */
    uint64_t lowest;   /* lowest guest address of any loaded byte */
    uint64_t highest;  /* one past the highest loaded byte (end of bss) */
    int      nload;    /* number of PT_LOAD segments copied */
};

/*
 * Reads and checks `path`, loads its PT_LOAD segments into `mem` as
 * elf_load_image does (read-only ones mapped from the file, the rest
 * copied) and zeroes their bss. 0 on success. On failure returns -1 and writes a one-line
 * reason (no path, no newline) into err; the caller prints
 * "duet: GUEST.elf: <reason>". Nothing is written to RAM unless the whole
 * image validated (a read error while copying can still leave it partial).
 */
int elf_load_file(const char *path, struct guest_mem *mem,
                  struct guest_image *img, char *err, size_t errlen);

/* Same over an image mapped once (image_file_map): `duet run`. */
int elf_load_image(const struct image_file *f, struct guest_mem *mem,
                   struct guest_image *img, char *err, size_t errlen);

/* Same over an in-memory image, every byte copied (unit tests, fuzzing). */
int elf_load_buffer(const void *buf, size_t len, struct guest_mem *mem,
                    struct guest_image *img, char *err, size_t errlen);

#endif
