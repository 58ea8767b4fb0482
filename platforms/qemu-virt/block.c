/* qemu-virt has no Duet block devices (virtio-blk would be the way later). */
#include "duet/block.h"
#include "duet/hypercall.h"

int duet_block_open(const char *name) { (void)name; return DUET_ENODEV; }
int duet_block_info(int dev, struct duet_block_info *info) { (void)dev; (void)info; return DUET_ENODEV; }
int64_t duet_block_read(int dev, uint64_t s, void *b, size_t l) { (void)dev; (void)s; (void)b; (void)l; return DUET_ENODEV; }
int64_t duet_block_write(int dev, uint64_t s, const void *b, size_t l) { (void)dev; (void)s; (void)b; (void)l; return DUET_ENODEV; }
int duet_block_flush(int dev) { (void)dev; return DUET_ENODEV; }
