/* Locating the boot archive in the image (see rootfs_image.h). */
#include "duet/memmap.h"
#include "duet/rootfs.h"
#include "image/elf_section.h"
#include "image/rootfs_image.h"
#include "lib/errmsg.h"

int rootfs_image_find(const struct image_file *f, struct rootfs_image *r, char *err, size_t errlen)
{
    uint64_t off, size;
    r->host = NULL;
    r->size = r->slot_size = 0;
    int found = elf_find_section(f->data, f->size, DUET_ROOTFS_SECTION, &off, &size, err, errlen);
    if (found <= 0)
        return found;
    if (off % DUET_ROOTFS_ALIGN)
        return errmsg(err, errlen, "rootfs section at file offset 0x%llx is not page-aligned",
                      (unsigned long long)off);
    if (size == 0 || size > DUET_ROOTFS_MAX)
        return errmsg(err, errlen, "rootfs section of %llu bytes (must be 1..%llu)",
                      (unsigned long long)size, (unsigned long long)DUET_ROOTFS_MAX);
    /* The image's mapping is page-aligned and covers its last page whole. */
    r->host = (const char *)f->data + off;
    r->size = size;
    r->slot_size = (size + DUET_ROOTFS_ALIGN - 1) / DUET_ROOTFS_ALIGN * DUET_ROOTFS_ALIGN;
    return 1;
}
