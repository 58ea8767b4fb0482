/*
 * Block device checks against the device named disk0:
 *   blocktest              write, flush, read back, and every error case
 *   blocktest crash-after-flush   write "DUET" + sector numbers to sectors
 *                          0..7, flush, then crash: the data must be on disk
 *   blocktest ro           the device is read-only: writes fail with EROFS
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "duet/block.h"
#include "duet/hypercall.h"

static int failures;
#define EXPECT(name, cond) do { \
    int ok_ = (cond); printf("%-36s %s\n", name, ok_ ? "PASS" : "FAIL"); failures += !ok_; \
} while (0)

static uint8_t buf[8 * 4096], back[8 * 4096];

static void fill(uint32_t ss, unsigned n)
{
    for (unsigned s = 0; s < n; s++) {
        memset(buf + s * ss, (int)(0xa0 + s), ss);
        memcpy(buf + s * ss, "DUET", 4);
        buf[s * ss + 4] = (uint8_t)s;
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    int dev = duet_block_open("disk0");
    if (dev < 0) {
        printf("no block device disk0 (%d)\n", dev);
        return 3;
    }
    struct duet_block_info info;
    EXPECT("info", duet_block_info(dev, &info) == 0 && info.sectors >= 16);
    uint32_t ss = info.sector_size;
    printf("disk0: %llu sectors of %u bytes%s\n", (unsigned long long)info.sectors, ss,
           info.read_only ? ", read-only" : "");
    fill(ss, 8);
    if (!strcmp(mode, "crash-after-flush")) {
        EXPECT("write 8 sectors", duet_block_write(dev, 0, buf, 8 * ss) == 8 * ss);
        EXPECT("flush", duet_block_flush(dev) == 0);
        volatile uintptr_t null_page = 0x10;
        *(volatile int *)null_page = 1; /* crash: the host must have the data already */
        return 1;
    }
    if (!strcmp(mode, "ro")) {
        EXPECT("ro: write refused", duet_block_write(dev, 0, buf, ss) == DUET_EROFS);
        EXPECT("ro: read works", duet_block_read(dev, 0, back, ss) == ss);
        return failures ? 1 : 0;
    }
    EXPECT("write 8 sectors at 3", duet_block_write(dev, 3, buf, 8 * ss) == 8 * ss);
    EXPECT("flush", duet_block_flush(dev) == 0);
    memset(back, 0, sizeof back);
    EXPECT("read them back", duet_block_read(dev, 3, back, 8 * ss) == 8 * ss &&
           !memcmp(buf, back, 8 * ss));
    EXPECT("last sector", duet_block_read(dev, info.sectors - 1, back, ss) == ss);
    EXPECT("past the end", duet_block_read(dev, info.sectors, back, ss) == DUET_EINVAL);
    EXPECT("crossing the end", duet_block_read(dev, info.sectors - 1, back, 2 * ss) == DUET_EINVAL);
    EXPECT("sector that wraps", duet_block_read(dev, UINT64_MAX, back, ss) == DUET_EINVAL);
    EXPECT("length not a sector multiple", duet_block_read(dev, 0, back, ss - 1) == DUET_EINVAL);
    EXPECT("zero length", duet_block_read(dev, 0, back, 0) == DUET_EINVAL);
    EXPECT("no such device", duet_block_read(dev + 5, 0, back, ss) == DUET_ENODEV);
    EXPECT("unknown name", duet_block_open("nope") == DUET_ENODEV);
    return failures ? 1 : 0;
}
