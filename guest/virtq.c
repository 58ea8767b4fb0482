/* Split virtqueues, driver side (see duet/virtq.h). */
#include <stdlib.h>
#include <string.h>
#include "duet/mmio.h"
#include "duet/virtq.h"

/* The device is another CPU (vhost) or an emulator: SMP barriers between
 * ring memory accesses, a full one before the notification store. */
#define wmb() __asm__ volatile("dmb ishst" ::: "memory")
#define rmb() __asm__ volatile("dmb ishld" ::: "memory")
#define mb()  __asm__ volatile("dmb ish" ::: "memory")

static volatile uint16_t *used_event(struct virtq *q)
{
    return &q->avail->ring[q->size];
}

static volatile uint16_t *avail_event(struct virtq *q)
{
    return (volatile uint16_t *)&q->used->ring[q->size];
}

static void *zalloc_pages(size_t len)
{
    len = (len + 4095) & ~(size_t)4095;
    void *p = aligned_alloc(4096, len);
    if (p)
        memset(p, 0, len);
    return p;
}

int virtq_alloc(struct virtq *q, unsigned index, unsigned size, int event_idx, uintptr_t notify)
{
    memset(q, 0, sizeof *q);
    q->size = size;
    q->index = index;
    q->event_idx = event_idx;
    q->notify = notify;
    q->desc = zalloc_pages(VIRTQ_DESC_BYTES(size));
    q->avail = zalloc_pages(VIRTQ_AVAIL_BYTES(size));
    q->used = zalloc_pages(VIRTQ_USED_BYTES(size));
    return q->desc && q->avail && q->used ? 0 : -1;
}

void virtq_set_buffer(struct virtq *q, unsigned id, void *buf, uint32_t len, int writable)
{
    q->desc[id] = (struct virtq_desc){ .addr = (uint64_t)(uintptr_t)buf, .len = len,
                                       .flags = writable ? VIRTQ_DESC_F_WRITE : 0 };
}

void virtq_post(struct virtq *q, unsigned id, uint32_t len)
{
    q->desc[id].len = len;
    q->avail->ring[q->avail_idx & (q->size - 1)] = (uint16_t)id;
    q->avail_idx++;
}

void virtq_kick(struct virtq *q)
{
    if (q->avail_idx == q->kicked_idx)
        return;
    wmb(); /* descriptors and ring entries before the index that publishes them */
    *(volatile uint16_t *)&q->avail->idx = q->avail_idx;
    mb();  /* the index out before we read whether the device wants a kick */
    uint16_t old = q->kicked_idx;
    q->kicked_idx = q->avail_idx;
    int want = q->event_idx ? virtq_need_event(*avail_event(q), q->avail_idx, old)
                            : !(*(volatile uint16_t *)&q->used->flags & VIRTQ_USED_F_NO_NOTIFY);
    if (want) {
        __asm__ volatile("dsb st" ::: "memory");
        mmio_write32(q->notify, q->index);
    }
}

int virtq_pop(struct virtq *q, unsigned *id, uint32_t *len)
{
    if (*(volatile uint16_t *)&q->used->idx == q->last_used)
        return 0;
    rmb(); /* the entry after the index that says it is there */
    struct virtq_used_elem e = q->used->ring[q->last_used & (q->size - 1)];
    q->last_used++;
    *id = e.id;
    *len = e.len;
    return 1;
}

int virtq_arm(struct virtq *q)
{
    if (q->event_idx)
        *used_event(q) = q->last_used;
    else
        *(volatile uint16_t *)&q->avail->flags = 0;
    mb(); /* the request out before the last look: a frame used meanwhile is seen */
    return *(volatile uint16_t *)&q->used->idx != q->last_used;
}

void virtq_quiet(struct virtq *q)
{
    /* With EVENT_IDX a stale used_event is already quiet (it fires again only
     * after 65536 entries); without it, the flag. */
    if (!q->event_idx)
        *(volatile uint16_t *)&q->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
}
