/* libFuzzer target: the guest ELF loader, fed arbitrary images, both ways it
 * loads one: from a buffer (every byte copied) and from a file as `duet run`
 * does (image_file_map, then elf_load_image: read-only pages mapped from the
 * file). The two must agree, and guest RAM must hold the file's bytes. */
#define _GNU_SOURCE /* memfd_create */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "duet/memmap.h"
#include "image/elf_loader.h"
#include "image/image_file.h"

struct outcome {
    int rc;
    struct guest_image img;
    char err[256];
};

/* An accepted image really fits where the loader said; a refusal is one
 * non-empty line. */
static void check_outcome(const struct outcome *o, const struct guest_mem *mem)
{
    if (o->rc == 0) {
        if (o->img.lowest < DUET_GUEST_LOAD_MIN || o->img.highest > mem->base + mem->size ||
            o->img.entry < o->img.lowest || o->img.entry >= o->img.highest)
            abort();
    } else if (!o->err[0] || memchr(o->err, '\n', sizeof o->err)) {
        abort();
    }
}

/* After an accepted load (either way): every segment's file bytes are in RAM,
 * and a file-backed page lies inside a read-only segment's file bytes
 * (writable segments are always copied). The headers passed the loader;
 * they are copied out because the input need not be aligned for them. */
static void check_ram(const uint8_t *data, const struct guest_mem *mem)
{
    Elf64_Ehdr eh;
    Elf64_Phdr ph[ELF_MAX_PHDRS];
    memcpy(&eh, data, sizeof eh);
    memcpy(ph, data + eh.e_phoff, eh.e_phnum * sizeof ph[0]);
    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
            continue;
        const uint8_t *ram = gmem_ptr(mem, ph[i].p_vaddr, ph[i].p_filesz);
        if (!ram || memcmp(ram, data + ph[i].p_offset, ph[i].p_filesz))
            abort();
    }
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    for (int r = 0; r < mem->nfile_ranges; r++) {
        uint64_t lo = mem->base + mem->file_ranges[r].off, len = mem->file_ranges[r].len;
        /* Page by page: one mmap may span segments continuing each other. */
        for (uint64_t at = lo; at < lo + len; at += page) {
            int inside = 0;
            for (int i = 0; i < eh.e_phnum; i++)
                inside |= ph[i].p_type == PT_LOAD && !(ph[i].p_flags & PF_W) &&
                          at >= ph[i].p_vaddr && page <= ph[i].p_filesz &&
                          at - ph[i].p_vaddr <= ph[i].p_filesz - page;
            if (!inside)
                abort();
        }
    }
}

/* The input as an image file, opened by path like any image, and fresh RAM,
 * as duet run has; the RAM (the file's pages mapped into it included) and
 * the opened image are gone again before returning. The file is one memfd,
 * rewritten each run: a new one per run cost a quarter of the speed. */
static void load_from_file(const uint8_t *data, size_t size, struct outcome *o)
{
    static int memfd = -1;
    if (memfd < 0 && (memfd = memfd_create("fuzz_elf", MFD_CLOEXEC)) < 0)
        abort();
    if (ftruncate(memfd, (off_t)size) < 0 || (size && pwrite(memfd, data, size, 0) != (ssize_t)size))
        abort();
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
    struct guest_mem mem = {0};
    struct image_file f;
    if (gmem_alloc(&mem, DUET_RAM_BASE, DUET_RAM_MIN) < 0 ||
        image_file_map(path, &f, o->err, sizeof o->err) < 0)
        abort();
    o->rc = elf_load_image(&f, &mem, &o->img, o->err, sizeof o->err);
    image_file_unmap(&f);
    check_outcome(o, &mem);
    if (o->rc == 0)
        check_ram(data, &mem);
    gmem_free(&mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct guest_mem mem;
    if (!mem.host && gmem_alloc(&mem, DUET_RAM_BASE, DUET_RAM_MIN) < 0)
        abort();
    struct outcome buf = {0}, file = {0};
    buf.rc = elf_load_buffer(data, size, &mem, &buf.img, buf.err, sizeof buf.err);
    check_outcome(&buf, &mem);
    if (buf.rc == 0) {
        if (mem.nfile_ranges)
            abort(); /* a buffer has no file to map */
        check_ram(data, &mem);
    }
    load_from_file(data, size, &file);
    /* Mapping instead of copying changes nothing the caller sees. */
    if (buf.rc != file.rc || strcmp(buf.err, file.err) ||
        (buf.rc == 0 && (buf.img.entry != file.img.entry || buf.img.lowest != file.img.lowest ||
                         buf.img.highest != file.img.highest || buf.img.nload != file.img.nload)))
        abort();
    return 0;
}
