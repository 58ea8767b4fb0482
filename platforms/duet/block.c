/* Block devices through Duet hypercalls; names from the device tree. */
#include <libfdt.h>
#include <string.h>
#include "duet/block.h"
#include "duet/guest.h"
#include "hypercall.h"

int duet_block_open(const char *name)
{
    const void *fdt = guest_fdt;
    int node = -1;
    while ((node = fdt_node_offset_by_compatible(fdt, node, "duet,block")) >= 0) {
        const char *n = fdt_getprop(fdt, node, "duet,name", NULL);
        int len;
        const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
        if (n && reg && len == 4 && !strcmp(n, name))
            return (int)fdt32_to_cpu(*reg);
    }
    return DUET_ENODEV;
}

int duet_block_info(int dev, struct duet_block_info *info)
{
    struct duet_hc_block_info a = { .index = (uint32_t)dev };
    duet_hypercall(DUET_HC_BLOCK_INFO, &a);
    if (a.ret == 0) {
        info->sector_size = a.sector_size;
        info->sectors = a.sectors;
        info->read_only = (int)a.read_only;
    }
    return a.ret;
}

static int64_t io(unsigned nr, int dev, uint64_t sector, const void *buf, size_t len)
{
    struct duet_hc_block_io a = {
        .index = (uint32_t)dev, .sector = sector, .data = (uint64_t)(uintptr_t)buf, .len = len,
    };
    duet_hypercall(nr, &a);
    return a.ret;
}

int64_t duet_block_read(int dev, uint64_t sector, void *buf, size_t len)
{
    return io(DUET_HC_BLOCK_READ, dev, sector, buf, len);
}

int64_t duet_block_write(int dev, uint64_t sector, const void *buf, size_t len)
{
    return io(DUET_HC_BLOCK_WRITE, dev, sector, buf, len);
}

int duet_block_flush(int dev)
{
    struct duet_hc_block_flush a = { .index = (uint32_t)dev };
    duet_hypercall(DUET_HC_BLOCK_FLUSH, &a);
    return a.ret;
}
