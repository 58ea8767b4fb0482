/* qemu-virt's boot archive: build.py writes it as a flash image
 * (APP.qemu-virt.rootfs) and runner.py attaches it as the board's second
 * flash bank, which reads as memory. No archive there: the bank reads as
 * zeros or 0xff, and the magic says so. */
#include <string.h>
#include "duet/memmap.h"
#include "duet/rootfs.h"

int mmu_map_readonly(uint64_t base, uint64_t size);  /* guest/mmu.c */

int platform_rootfs(uint64_t *base, uint64_t *size)
{
    const struct duet_rootfs_header *h = (const void *)(uintptr_t)DUET_QEMU_FLASH1;
    if (mmu_map_readonly(DUET_QEMU_FLASH1, DUET_QEMU_FLASH_SIZE) < 0 ||
        memcmp(h->magic, DUET_ROOTFS_MAGIC, sizeof h->magic))
        return -1;
    *base = DUET_QEMU_FLASH1;
    *size = DUET_QEMU_FLASH_SIZE;  /* rofs.c checks the header's size against this */
    return 0;
}
