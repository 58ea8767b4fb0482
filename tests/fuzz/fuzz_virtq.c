/*
 * libFuzzer target: the fallback backend's ring walker (virtq_walk.c) on
 * guest RAM the input fills. Input: a 24-byte header (queue size, ring
 * addresses as offsets into RAM, event_idx, writable), then RAM contents.
 * Every chain the walker accepts must lie inside RAM; every refusal says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "devices/virtio/virtq_walk.h"

#define RAM_SIZE  (64 * 1024)
#define RAM_BASE  0x40000000ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct guest_mem mem;
    if (!mem.host && gmem_alloc(&mem, RAM_BASE, RAM_SIZE) < 0)
        abort();
    if (size < 24)
        return 0;
    uint32_t num, desc, avail, used, flags;
    memcpy(&num, data, 4);
    memcpy(&desc, data + 4, 4);
    memcpy(&avail, data + 8, 4);
    memcpy(&used, data + 12, 4);
    memcpy(&flags, data + 16, 4);
    memset(mem.host, 0, RAM_SIZE);
    size_t body = size - 24 < RAM_SIZE ? size - 24 : RAM_SIZE;
    memcpy(mem.host, data + 24, body);
    /* Offsets near the end wrap around when added to the base: also tried. */
    struct virtio_queue_cfg cfg = { .num = num & 0xffff, .ready = 1, .desc = RAM_BASE + desc,
                                    .avail = RAM_BASE + avail, .used = RAM_BASE + used };
    struct vq q;
    char err[160] = "";
    if (vq_init(&q, &mem, &cfg, flags & 1, err, sizeof err) < 0) {
        if (!err[0])
            abort();
        return 0;
    }
    for (int round = 0; round < 2 * 65536; round++) {
        struct vq_chain c;
        err[0] = 0;
        int got = vq_pop(&q, &c, (flags >> 1) & 1, err, sizeof err);
        if (got < 0 && !err[0])
            abort();
        if (got <= 0)
            break;
        uint64_t total = 0;
        for (unsigned i = 0; i < c.nseg; i++) {
            const uint8_t *p = c.seg[i].p;
            if (p < mem.host || p + c.seg[i].len > mem.host + RAM_SIZE || c.seg[i].len > RAM_SIZE)
                abort(); /* a segment outside guest RAM */
            total += c.seg[i].len;
            if (c.seg[i].len) /* touch both ends: ASan sees any overrun */
                (void)*(volatile const uint8_t *)p, (void)*(volatile const uint8_t *)(p + c.seg[i].len - 1);
        }
        if (total != c.total || c.head >= q.num || c.nseg == 0 || c.nseg > VQ_SEG_MAX)
            abort();
        vq_push(&q, c.head, (uint32_t)total);
        vq_should_signal(&q);
        vq_want_kick(&q);
    }
    return 0;
}
