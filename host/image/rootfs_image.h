/*
 * The app's boot archive inside the guest image (shared/include/duet/rootfs.h):
 * duet never parses it, it only maps the section into the guest read-only
 * (the guest's rofs.c checks everything it reads). Here: where it is, and
 * that it can be mapped (page-aligned in the file, not empty, not larger
 * than DUET_ROOTFS_MAX).
 */
#ifndef DUET_ROOTFS_IMAGE_H
#define DUET_ROOTFS_IMAGE_H

#include <stdint.h>
#include "image/image_file.h"

struct rootfs_image {
    const void *host;    /* inside the image's mapping, page-aligned */
    uint64_t size;       /* the section's bytes */
    uint64_t slot_size;  /* size rounded up to pages: the memslot */
};

/* 1 (found, r filled), 0 (the image has none), -1 with a reason in err. */
int rootfs_image_find(const struct image_file *f, struct rootfs_image *r, char *err, size_t errlen);

#endif
