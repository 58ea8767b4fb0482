/*
 * libFuzzer target: the hypercall dispatcher as a hostile guest drives it.
 * Input: 4 KiB of guest RAM contents, then MMIO exits of 16 bytes each
 * (offset in the window, access length, direction, stored value).
 * (NICs are virtio-net devices, not hypercalls: their ring walker has its
 * own target, fuzz_virtq.)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hypercall/hypercall.h"

#define RAM_SIZE 0x1000ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct guest_mem mem;
    static int devnull = -1;
    if (!mem.host) {
        gmem_alloc(&mem, DUET_RAM_BASE, RAM_SIZE);
        devnull = open("/dev/null", O_WRONLY);
    }
    size_t ram = size < RAM_SIZE ? size : RAM_SIZE;
    memset(mem.host, 0, RAM_SIZE);
    memcpy(mem.host, data, ram);
    struct hc_ctx ctx = { .mem = &mem, .console_fd = devnull, .console_left = 1 << 20,
                          .vm_fd = -1 };
    for (size_t off = ram; off + 16 <= size; off += 16) {
        uint32_t where;
        uint64_t value;
        memcpy(&where, data + off, 4);
        memcpy(&value, data + off + 8, 8);
        /* Values near RAM are far more interesting than random 64-bit ones. */
        if (data[off + 6] & 1)
            value = DUET_RAM_BASE + (value % (RAM_SIZE + 64));
        unsigned len = 1u << (data[off + 4] % 4);
        int is_write = data[off + 5] & 1;
        enum hc_result r = hc_dispatch(&ctx, where % DUET_HC_SIZE, len, is_write, value);
        if (r == HC_FAULT && !ctx.err[0])
            abort(); /* every fault must say why */
        if (r != HC_CONTINUE)
            break;
    }
    return 0;
}
