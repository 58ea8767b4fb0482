/*
 * The guest image file, opened and mapped once: the ELF loader and the
 * manifest reader both parse the same read-only mapping, so `duet run`
 * opens the image once and reads only the pages the loader copies and the
 * manifest's section (the bench counts it: one open, no preads). The
 * loader maps the image's read-only segments straight from the file
 * (elf_loader.h), so the file must not be truncated while its guest runs.
 */
#ifndef DUET_IMAGE_FILE_H
#define DUET_IMAGE_FILE_H

#include <stddef.h>

struct image_file {
    const void *data;  /* read-only mapping (or an empty buffer for an empty file) */
    size_t size;
    int fd;            /* open until unmapped: the loader maps pages from it; -1 if empty */
};

/* 0, or -1 with err saying why (cannot open / stat / map, not a regular file).
 * The one way duet reads an image: run, info and the loader's file entry. */
int image_file_map(const char *path, struct image_file *f, char *err, size_t errlen);
void image_file_unmap(struct image_file *f);

#endif
