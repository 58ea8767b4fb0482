/*
 * Finds the boot archive (the app's rootfs/, shared/include/duet/rootfs.h)
 * when "/" is first used: the duet host names it in /chosen (a read-only
 * memslot over the image file); a platform may find its own (qemu-virt:
 * its flash bank). Mapped read-only, never executable; parsed by rofs.c.
 */
#include <libfdt.h>
#include <stdio.h>
#include "duet/guest.h"
#include "duet/rootfs.h"
#include "duet/vfs.h"

int mmu_map_readonly(uint64_t base, uint64_t size);  /* mmu.c */

/* The platform's own archive: 0 and where, or -1 (weak: none). */
__attribute__((weak)) int platform_rootfs(uint64_t *base, uint64_t *size)
{
    (void)base;
    (void)size;
    return -1;
}

static int from_chosen(uint64_t *base, uint64_t *size)
{
    int node = guest_fdt ? fdt_path_offset(guest_fdt, "/chosen") : -1, len = 0;
    const fdt64_t *reg = node >= 0 ? fdt_getprop(guest_fdt, node, DUET_FDT_ROOTFS, &len) : NULL;
    if (!reg || len != 2 * (int)sizeof *reg)
        return -1;
    *base = fdt64_to_cpu(reg[0]);
    *size = fdt64_to_cpu(reg[1]);
    if (mmu_map_readonly(*base, *size) < 0) {
        fprintf(stderr, "duet: rootfs: cannot map %llu bytes at 0x%llx; no shipped files\n",
                (unsigned long long)*size, (unsigned long long)*base);
        return -1;
    }
    return 0;
}

struct vnode *vfs_platform_rootfs(void)
{
    uint64_t base, size;
    if (from_chosen(&base, &size) < 0 && platform_rootfs(&base, &size) < 0)
        return NULL;
    const char *why;
    struct vnode *root = rofs_new((const void *)(uintptr_t)base, (size_t)size, &why);
    if (!root)
        fprintf(stderr, "duet: rootfs: the boot archive is %s; no shipped files\n", why);
    return root;
}
