/* Guest ELF validation and loading; the accepted subset is in elf_loader.h. */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "image/elf_loader.h"
#include "image/image_file.h"
#include "lib/errmsg.h"

/* ELF structures are used in place, without byte swapping. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "the ELF loader assumes a little-endian host");

/* The image, a buffer (a file is mapped: image/image_file.c), read only
 * through src_read; fd, when the buffer is a file's mapping, lets whole
 * pages be mapped instead of copied (-1: always copy). */
struct src {
    const uint8_t *buf;
    uint64_t size;
    int fd;
};

/* Callers have checked off + len <= size; a mapped image cannot fail to read. */
static void src_read(const struct src *s, uint64_t off, void *dst, uint64_t len)
{
    memcpy(dst, s->buf + off, len);
}


/* Names for the machines people are most likely to hand us by mistake. */
static const char *machine_name(unsigned m)
{
    switch (m) {
    case EM_386:     return "i386";
    case EM_MIPS:    return "MIPS";
    case EM_PPC:     return "PowerPC";
    case EM_PPC64:   return "PowerPC64";
    case EM_S390:    return "s390";
    case EM_ARM:     return "32-bit ARM";
    case EM_X86_64:  return "x86-64";
    case EM_RISCV:   return "RISC-V";
#ifdef EM_LOONGARCH
    case EM_LOONGARCH: return "LoongArch";
#endif
    default:         return "unknown machine";
    }
}

static int check_ehdr(const struct src *s, Elf64_Ehdr *eh, char *err, size_t errlen)
{
    uint8_t id[EI_NIDENT] = {0};
    uint64_t have = s->size < EI_NIDENT ? s->size : EI_NIDENT;
    src_read(s, 0, id, have);
    if (have < SELFMAG || memcmp(id, ELFMAG, SELFMAG) != 0)
        return errmsg(err, errlen, "not an ELF file (bad magic)");
    /* Ident checks come before the length check so that a 32-bit header,
     * which is shorter, is reported as 32-bit rather than as truncated. */
    if (have > EI_CLASS && id[EI_CLASS] != ELFCLASS64)
        return errmsg(err, errlen, "not a 64-bit ELF (class %u); Duet guests are AArch64 ELF64",
                      id[EI_CLASS]);
    if (have > EI_DATA && id[EI_DATA] != ELFDATA2LSB)
        return errmsg(err, errlen, "not a little-endian ELF (data encoding %u)", id[EI_DATA]);
    if (have > EI_VERSION && id[EI_VERSION] != EV_CURRENT)
        return errmsg(err, errlen, "wrong ELF version %u in e_ident (expected %u)",
                      id[EI_VERSION], EV_CURRENT);
    if (s->size < sizeof(*eh))
        return errmsg(err, errlen, "truncated ELF header (%" PRIu64 " bytes, need %zu)",
                      s->size, sizeof(*eh));
    src_read(s, 0, eh, sizeof(*eh));
    if (eh->e_version != EV_CURRENT)
        return errmsg(err, errlen, "wrong ELF version %u (expected %u)", eh->e_version, EV_CURRENT);
    if (eh->e_machine != EM_AARCH64)
        return errmsg(err, errlen, "built for %s (%u), not AArch64 (%u)",
                      machine_name(eh->e_machine), eh->e_machine, EM_AARCH64);
    if (eh->e_type == ET_DYN)
        return errmsg(err, errlen, "ET_DYN (shared object or static PIE) is unsupported; "
                      "link the guest with -static -no-pie");
    if (eh->e_type != ET_EXEC)
        return errmsg(err, errlen, "not an executable (e_type %u, expected ET_EXEC)", eh->e_type);
    if (eh->e_ehsize != sizeof(Elf64_Ehdr))
        return errmsg(err, errlen, "bad e_ehsize %u (expected %zu)", eh->e_ehsize, sizeof(Elf64_Ehdr));
    if (eh->e_phentsize != sizeof(Elf64_Phdr))
        return errmsg(err, errlen, "bad e_phentsize %u (expected %zu)",
                      eh->e_phentsize, sizeof(Elf64_Phdr));
    if (eh->e_phnum == 0)
        return errmsg(err, errlen, "no program headers, so no PT_LOAD segment");
    /* PN_XNUM (extended numbering) is far above the cap and lands here too. */
    if (eh->e_phnum > ELF_MAX_PHDRS)
        return errmsg(err, errlen, "too many program headers (%u, limit %d)",
                      eh->e_phnum, ELF_MAX_PHDRS);
    uint64_t tab = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
    if (eh->e_phoff > s->size || tab > s->size - eh->e_phoff)
        return errmsg(err, errlen, "program header table (offset 0x%" PRIx64 ", %" PRIu64
                      " bytes) lies outside the file (%" PRIu64 " bytes)",
                      (uint64_t)eh->e_phoff, tab, s->size);
    return 0;
}

/* Checks one PT_LOAD with p_memsz > 0 against the file and guest RAM. */
static int check_segment(const struct src *s, const struct guest_mem *mem, int i,
                         const Elf64_Phdr *ph, char *err, size_t errlen)
{
    uint64_t v = ph->p_vaddr, msz = ph->p_memsz;
    /* A segment with no file bytes (all bss) may carry any offset: linkers
     * emit one past the end of the file for it. */
    if (ph->p_filesz && (ph->p_offset > s->size || ph->p_filesz > s->size - ph->p_offset))
        return errmsg(err, errlen, "segment %d: file range (offset 0x%" PRIx64 ", 0x%" PRIx64
                      " bytes) lies outside the file (%" PRIu64 " bytes)",
                      i, (uint64_t)ph->p_offset, (uint64_t)ph->p_filesz, s->size);
    if (ph->p_paddr != v)
        return errmsg(err, errlen, "segment %d: p_paddr 0x%" PRIx64 " != p_vaddr 0x%" PRIx64
                      " (Duet identity-maps RAM; link without AT()/LMA tricks)",
                      i, (uint64_t)ph->p_paddr, v);
    uint64_t a = ph->p_align;
    if (a > 1 && (a & (a - 1)))
        return errmsg(err, errlen, "segment %d: p_align 0x%" PRIx64 " is not a power of two", i, a);
    if (a > 1 && (v & (a - 1)) != (ph->p_offset & (a - 1)))
        return errmsg(err, errlen, "segment %d: bad alignment (p_vaddr 0x%" PRIx64
                      " and p_offset 0x%" PRIx64 " differ modulo p_align 0x%" PRIx64 ")",
                      i, v, (uint64_t)ph->p_offset, a);
    uint64_t lo = mem->base > DUET_GUEST_LOAD_MIN ? mem->base : DUET_GUEST_LOAD_MIN;
    uint64_t hi = mem->base + mem->size;
    if (msz > UINT64_MAX - v)
        return errmsg(err, errlen, "segment %d: 0x%" PRIx64 " + 0x%" PRIx64
                      " wraps around the address space", i, v, msz);
    if (v < DUET_GUEST_LOAD_MIN)
        return errmsg(err, errlen, "segment %d [0x%" PRIx64 "-0x%" PRIx64 ") is below 0x%llx "
                    "(RAM below it is reserved for the device tree); guest RAM for the image "
                    "is [0x%" PRIx64 "-0x%" PRIx64 ")", i, v, v + msz, DUET_GUEST_LOAD_MIN, lo, hi);
    if (!gmem_contains(mem, v, msz))
        return errmsg(err, errlen, "segment %d [0x%" PRIx64 "-0x%" PRIx64 ") is outside guest "
                    "RAM [0x%" PRIx64 "-0x%" PRIx64 ") (try a larger --mem)", i, v, v + msz, lo, hi);
    return 0;
}

static uint64_t whole_pages(const Elf64_Phdr *p, uint64_t page)
{
    return p->p_flags & PF_W ? 0 : p->p_filesz & ~(page - 1);
}

/*
 * A segment the guest cannot write (text, rodata: its MMU maps them RX and
 * R) is mapped from the file instead of copied, whole host pages of its file
 * bytes: nothing is copied, the pages are the page cache's, shared by every
 * guest of the image, and a guest write only ever changes a private copy.
 * A segment's partial last page is copied, and all of it when nothing can be
 * mapped (a buffer image, a writable segment, a layout not page-aligned).
 * Segments that continue each other in the file and in RAM (text then
 * rodata, as the guest linker script lays them out) share one mmap.
 * mapped[k]: the bytes of segment idx[k] mapped from the file. -1 when guest
 * RAM was left with a hole (gmem_map_file).
 */
static int map_read_only(const struct src *s, struct guest_mem *mem, const Elf64_Phdr *ph,
                         const int *idx, int n, uint64_t *mapped)
{
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    for (int k = 0; k < n; k++)
        mapped[k] = 0;
    for (int k = 0; s->fd >= 0 && k < n;) {
        const Elf64_Phdr *first = &ph[idx[k]];
        uint64_t total = whole_pages(first, page);
        int last = k;
        while (total && last + 1 < n && whole_pages(&ph[idx[last]], page) == ph[idx[last]].p_filesz) {
            const Elf64_Phdr *next = &ph[idx[last + 1]];
            if (!whole_pages(next, page) || next->p_vaddr != first->p_vaddr + total ||
                next->p_offset != first->p_offset + total)
                break;
            total += whole_pages(next, page);
            last++;
        }
        int rc = total ? gmem_map_file(mem, first->p_vaddr, total, s->fd, first->p_offset) : -1;
        if (rc == -2)
            return -1;
        for (int j = k; rc == 0 && j <= last; j++)
            mapped[j] = whole_pages(&ph[idx[j]], page);
        k = last + 1;
    }
    return 0;
}

static int load(const struct src *s, struct guest_mem *mem, struct guest_image *img,
                char *err, size_t errlen)
{
    Elf64_Ehdr eh;
    Elf64_Phdr ph[ELF_MAX_PHDRS];
    int idx[ELF_MAX_PHDRS], n = 0;

    if (!mem->host)
        return errmsg(err, errlen, "internal error: guest RAM not allocated");
    if (s->size == 0)
        return errmsg(err, errlen, "empty file (0 bytes)");
    if (check_ehdr(s, &eh, err, errlen))
        return -1;
    src_read(s, eh.e_phoff, ph, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr));

    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == PT_INTERP)
            return errmsg(err, errlen, "dynamically linked (has PT_INTERP); link the guest statically");
        if (ph[i].p_type != PT_LOAD)
            continue;
        if (ph[i].p_filesz > ph[i].p_memsz)
            return errmsg(err, errlen, "segment %d: p_filesz 0x%" PRIx64 " > p_memsz 0x%" PRIx64,
                          i, (uint64_t)ph[i].p_filesz, (uint64_t)ph[i].p_memsz);
        if (ph[i].p_memsz == 0)
            continue;
        if (check_segment(s, mem, i, &ph[i], err, errlen))
            return -1;
        /* Ends cannot wrap: check_segment put both segments inside RAM. */
        for (int k = 0; k < n; k++) {
            const Elf64_Phdr *o = &ph[idx[k]];
            if (ph[i].p_vaddr < o->p_vaddr + o->p_memsz && o->p_vaddr < ph[i].p_vaddr + ph[i].p_memsz)
                return errmsg(err, errlen, "segments %d [0x%" PRIx64 "-0x%" PRIx64 ") and %d [0x%"
                            PRIx64 "-0x%" PRIx64 ") overlap", idx[k], (uint64_t)o->p_vaddr,
                            (uint64_t)(o->p_vaddr + o->p_memsz), i, (uint64_t)ph[i].p_vaddr,
                            (uint64_t)(ph[i].p_vaddr + ph[i].p_memsz));
        }
        idx[n++] = i;
    }
    if (n == 0)
        return errmsg(err, errlen, "no loadable (PT_LOAD) segment");

    /* The entry must be real code: inside the file bytes of a PF_X segment
     * (an entry in bss would execute zeroes). */
    int entry_ok = 0;
    for (int k = 0; k < n; k++) {
        const Elf64_Phdr *p = &ph[idx[k]];
        if ((p->p_flags & PF_X) && eh.e_entry >= p->p_vaddr && eh.e_entry - p->p_vaddr < p->p_filesz)
            entry_ok = 1;
    }
    if (!entry_ok)
        return errmsg(err, errlen, "entry point 0x%" PRIx64 " is not inside an executable (PF_X) segment",
                      (uint64_t)eh.e_entry);

    /* Everything validated: only now touch guest RAM. */
    img->entry = eh.e_entry;
    img->lowest = UINT64_MAX;
    img->highest = 0;
    img->nload = n;
    uint64_t mapped[ELF_MAX_PHDRS];
    if (map_read_only(s, mem, ph, idx, n, mapped) < 0)
        return errmsg(err, errlen, "mapping the image into guest RAM failed and RAM could not "
                      "be restored: %s", strerror(errno));
    for (int k = 0; k < n; k++) {
        const Elf64_Phdr *p = &ph[idx[k]];
        uint8_t *dst = gmem_ptr(mem, p->p_vaddr, p->p_memsz);
        src_read(s, p->p_offset + mapped[k], dst + mapped[k], p->p_filesz - mapped[k]);
        /* Fresh anonymous memory is already zero: touching the bss pages here
         * would only fault them in for nothing (a cost at every boot). */
        if (!mem->fresh)
            memset(dst + p->p_filesz, 0, p->p_memsz - p->p_filesz);
        if (p->p_vaddr < img->lowest)
            img->lowest = p->p_vaddr;
        if (p->p_vaddr + p->p_memsz > img->highest)
            img->highest = p->p_vaddr + p->p_memsz;
    }
    return 0;
}

int elf_load_buffer(const void *buf, size_t len, struct guest_mem *mem,
                    struct guest_image *img, char *err, size_t errlen)
{
    static const uint8_t empty[1];
    struct src s = { .buf = buf ? buf : empty, .size = buf ? len : 0, .fd = -1 };
    return load(&s, mem, img, err, errlen);
}

int elf_load_image(const struct image_file *f, struct guest_mem *mem,
                   struct guest_image *img, char *err, size_t errlen)
{
    struct src s = { .buf = f->data, .size = f->size, .fd = f->fd };
    return load(&s, mem, img, err, errlen);
}

int elf_load_file(const char *path, struct guest_mem *mem,
                  struct guest_image *img, char *err, size_t errlen)
{
    struct image_file f;
    if (image_file_map(path, &f, err, errlen) < 0)
        return -1;
    int rc = elf_load_image(&f, mem, img, err, errlen);
    image_file_unmap(&f);
    return rc;
}
