/* Checked walking of split virtqueues, device side (see virtq_walk.h). */
#include <stdio.h>
#include <string.h>
#include "devices/virtio/virtq_walk.h"

/* The guest writes these concurrently: single loads and stores, ordered. */
static uint16_t load16(const uint16_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static void store16(uint16_t *p, uint16_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

static int broken(char *err, size_t errlen, const char *what, unsigned long long a)
{
    snprintf(err, errlen, what, a);
    return -1;
}

int vq_init(struct vq *q, struct guest_mem *mem, const struct virtio_queue_cfg *cfg,
            int event_idx, char *err, size_t errlen)
{
    memset(q, 0, sizeof *q);
    uint32_t n = cfg->num;
    if (n == 0 || n > VIRTQ_SIZE_MAX || (n & (n - 1)))
        return broken(err, errlen, "queue size %llu is not a power of two", n);
    if ((cfg->desc & 15) || (cfg->avail & 1) || (cfg->used & 3))
        return broken(err, errlen, "rings misaligned (descriptor table at 0x%llx)", cfg->desc);
    q->desc = gmem_ptr(mem, cfg->desc, VIRTQ_DESC_BYTES(n));
    q->avail = gmem_ptr(mem, cfg->avail, VIRTQ_AVAIL_BYTES(n));
    q->used = gmem_ptr(mem, cfg->used, VIRTQ_USED_BYTES(n));
    if (!q->desc || !q->avail || !q->used)
        return broken(err, errlen, "rings outside RAM (descriptor table at 0x%llx)", cfg->desc);
    q->mem = mem;
    q->num = n;
    q->event_idx = event_idx;
    q->used_idx = q->signalled = load16(&q->used->idx);
    q->last_avail = q->used_idx; /* after a reset both are 0 */
    return 0;
}

int vq_pop(struct vq *q, struct vq_chain *c, int writable, char *err, size_t errlen)
{
    uint16_t avail = load16(&q->avail->idx);
    if (avail == q->last_avail)
        return 0;
    if ((uint16_t)(avail - q->last_avail) > q->num)
        return broken(err, errlen, "available index moved by %llu (more than the queue holds)",
                      (uint16_t)(avail - q->last_avail));
    uint16_t head = q->avail->ring[q->last_avail & (q->num - 1)];
    c->head = head;
    c->nseg = 0;
    c->total = 0;
    for (uint32_t i = head, steps = 0;; steps++) {
        if (i >= q->num)
            return broken(err, errlen, "descriptor index %llu outside the table", i);
        if (steps >= q->num || c->nseg == VQ_SEG_MAX)
            return broken(err, errlen, "chain from descriptor %llu loops or is too long", head);
        struct virtq_desc d;
        memcpy(&d, &q->desc[i], sizeof d); /* one snapshot: the guest may change it meanwhile */
        if (d.flags & VIRTQ_DESC_F_INDIRECT)
            return broken(err, errlen, "indirect descriptor %llu (not offered)", i);
        if (!(d.flags & VIRTQ_DESC_F_WRITE) != !writable)
            return broken(err, errlen, writable ? "read-only descriptor %llu in a receive chain"
                                                : "write-only descriptor %llu in a send chain", i);
        uint8_t *p = gmem_ptr(q->mem, d.addr, d.len);
        if (!p)
            return broken(err, errlen, "descriptor buffer at 0x%llx outside RAM", d.addr);
        c->total += d.len;
        if (c->total > UINT32_MAX)
            return broken(err, errlen, "chain from descriptor %llu longer than 4 GiB", head);
        c->seg[c->nseg].p = p;
        c->seg[c->nseg].len = d.len;
        c->nseg++;
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            break;
        i = d.next;
    }
    q->last_avail++;
    return 1;
}

void vq_push(struct vq *q, uint16_t head, uint32_t len)
{
    struct virtq_used_elem *e = &q->used->ring[q->used_idx & (q->num - 1)];
    e->id = head;
    e->len = len;
    q->used_idx++;
    store16(&q->used->idx, q->used_idx); /* release: the entry before the index */
}

void vq_push_n(struct vq *q, const uint16_t *heads, const uint32_t *lens, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct virtq_used_elem *e = &q->used->ring[(uint16_t)(q->used_idx + i) & (q->num - 1)];
        e->id = heads[i];
        e->len = lens[i];
    }
    q->used_idx = (uint16_t)(q->used_idx + n);
    store16(&q->used->idx, q->used_idx); /* release: the entries before the index */
}

int vq_should_signal(struct vq *q)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* our used index out before reading the guest's wish */
    uint16_t old = q->signalled, now = q->used_idx;
    q->signalled = now;
    if (old == now)
        return 0;
    if (q->event_idx)
        return virtq_need_event(load16(&q->avail->ring[q->num]), now, old);
    return !(load16(&q->avail->flags) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

int vq_want_kick(struct vq *q)
{
    if (q->event_idx)
        store16((uint16_t *)&q->used->ring[q->num], q->last_avail);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return load16(&q->avail->idx) != q->last_avail;
}
