/* `duet info IMAGE`: the ABI version and the devices an image declares,
 * whether its code takes interrupts, and the size of its shipped files
 * (rootfs) if it has any. */
#include <stdio.h>
#include "cli/commands.h"
#include "duet/hypercall.h"
#include "image/image_file.h"
#include "image/manifest.h"
#include "image/rootfs_image.h"

/* "rootfs N bytes" after the devices; 0, or -1 if the section is bad. */
static int print_rootfs(const char *path)
{
    struct image_file f;
    struct rootfs_image r;
    char err[256];
    int found = image_file_map(path, &f, err, sizeof err) < 0 ? -1
              : rootfs_image_find(&f, &r, err, sizeof err);
    image_file_unmap(&f);
    if (found < 0) {
        fprintf(stderr, "duet: %s: %s\n", path, err);
        return -1;
    }
    if (found)
        printf("rootfs %llu bytes\n", (unsigned long long)r.size);
    return 0;
}

int cmd_info(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: duet info IMAGE\n");
        return DUET_STATUS_USAGE;
    }
    struct manifest m;
    char err[256];
    if (manifest_read_file(argv[1], &m, err, sizeof err) < 0) {
        fprintf(stderr, "duet: %s: %s\n", argv[1], err);
        return DUET_STATUS_BAD_IMAGE;
    }
    if (!m.present) {
        printf("no manifest (not built by build.py): ABI unknown, no devices declared\n");
        return 0;
    }
    printf("abi %u%s\n", m.abi_version, m.abi_version == DUET_ABI_VERSION ? "" : " (this host: other)");
    printf("devices %u\n", m.count);
    for (unsigned i = 0; i < m.count; i++)
        printf("%s %s%s\n", manifest_type_name(m.entries[i].type), m.entries[i].name,
               m.entries[i].flags & DUET_DEVICE_OPTIONAL ? " optional" : "");
    /* No handler in the image's code: `duet run` makes no vGIC for it. */
    printf("interrupts %s\n", m.takes_interrupts ? "yes" : "no");
    return print_rootfs(argv[1]) < 0 ? DUET_STATUS_BAD_IMAGE : 0;
}
