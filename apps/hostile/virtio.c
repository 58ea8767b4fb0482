/*
 * A hostile virtio driver (device 0 at DUET_VIRTIO_BASE; run with --net).
 * Bypasses guest/virtio_*.c and breaks the transport's rules on purpose:
 * features that were not offered, a queue size that is not a power of two,
 * rings outside RAM, notifications before DRIVER_OK, frames too short or
 * too long, and (thread backend) a send chain that loops, a descriptor
 * outside RAM, an available index that jumps past the ring, followed by a
 * reset in the middle of traffic. The host must refuse, stop the guest with
 * a message, or mark the device NEEDS_RESET; never crash or hang.
 */
#include <stdint.h>
#include <stdio.h>
#include "duet/hypercall.h"
#include "duet/mmio.h"
#include "duet/virtio.h"
#include "hostile.h"

#define REG(r) (DUET_VIRTIO_BASE + (r))

static struct virtq_desc desc[8] __attribute__((aligned(16)));
static uint16_t avail[4 + 8] __attribute__((aligned(4)));
static uint32_t used[2 + 2 * 8 + 1] __attribute__((aligned(4)));
static uint8_t hdr_and_frame[64];

static void negotiate(uint64_t features)
{
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0);
    mmio_write32(REG(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    mmio_write32(REG(VIRTIO_MMIO_DRIVER_FEAT_SEL), 0);
    mmio_write32(REG(VIRTIO_MMIO_DRIVER_FEATURES), (uint32_t)features);
    mmio_write32(REG(VIRTIO_MMIO_DRIVER_FEAT_SEL), 1);
    mmio_write32(REG(VIRTIO_MMIO_DRIVER_FEATURES), (uint32_t)(features >> 32));
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0xb); /* + FEATURES_OK */
}

static void queue(unsigned q, uint32_t num, uint64_t d, uint64_t a, uint64_t u)
{
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_SEL), q);
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_NUM), num);
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_DESC_LOW), (uint32_t)d);
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_DESC_HIGH), (uint32_t)(d >> 32));
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_AVAIL_LOW), (uint32_t)a);
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_AVAIL_HIGH), (uint32_t)(a >> 32));
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_USED_LOW), (uint32_t)u);
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_USED_HIGH), (uint32_t)(u >> 32));
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_READY), 1);
}

static void good_queues(uint32_t num)
{
    for (unsigned q = 0; q < 2; q++)
        queue(q, num, (uintptr_t)desc, (uintptr_t)avail, (uintptr_t)used);
}

int virtio_unoffered(void)
{
    negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(40)); /* bit 40: nothing we offer */
    int refused = !(mmio_read32(REG(VIRTIO_MMIO_STATUS)) & VIRTIO_STATUS_FEATURES_OK);
    printf("unoffered feature: %s\n", refused ? "refused" : "ACCEPTED");
    return refused ? 0 : 1;
}

int virtio_queue_size(void)
{
    negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1));
    good_queues(6);
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0xf); /* DRIVER_OK: the host must stop us */
    printf("queue size 6: NOT STOPPED\n");
    return 1;
}

int virtio_rings_outside(void)
{
    negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1));
    queue(0, 8, guest_ram_end - 64, (uintptr_t)avail, (uintptr_t)used);
    queue(1, 8, (uintptr_t)desc, (uintptr_t)avail, (uintptr_t)used);
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0xf);
    printf("rings outside RAM: NOT STOPPED\n");
    return 1;
}

/* Thread backend: a send chain 0 -> 1 -> 0, kicked; then a reset mid-traffic. */
int virtio_chain_loop(void)
{
    negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1));
    good_queues(8);
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0xf);
    desc[0] = (struct virtq_desc){ (uintptr_t)hdr_and_frame, 32, VIRTQ_DESC_F_NEXT, 1 };
    desc[1] = (struct virtq_desc){ (uintptr_t)hdr_and_frame + 32, 32, VIRTQ_DESC_F_NEXT, 0 };
    avail[2] = 0;
    __asm__ volatile("dsb sy" ::: "memory");
    avail[1] = 1;
    __asm__ volatile("dsb sy" ::: "memory");
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_NOTIFY), VIRTIO_NET_TXQ);
    uint32_t status = 0;
    for (int i = 0; i < 2000000 && !(status & VIRTIO_STATUS_NEEDS_RESET); i++)
        status = mmio_read32(REG(VIRTIO_MMIO_STATUS));
    printf("looping chain: %s\n", status & VIRTIO_STATUS_NEEDS_RESET ? "device needs reset"
                                                                      : "NOT NOTICED");
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0); /* reset with the backend mid-walk */
    printf("reset: status %u\n", mmio_read32(REG(VIRTIO_MMIO_STATUS)));
    return status & VIRTIO_STATUS_NEEDS_RESET ? 0 : 1;
}

/* A guest built for the retired per-frame hypercalls: stopped, not served. */
int net_old_hypercall(void)
{
    static uint64_t arg[4];
    store64(DUET_HC_ADDR(9), (uint64_t)(uintptr_t)arg); /* was DUET_HC_NET_SEND */
    printf("old network hypercall: NOT STOPPED\n");
    return 1;
}

static void publish(uint16_t idx)
{
    __asm__ volatile("dsb sy" ::: "memory");
    avail[1] = idx;
    __asm__ volatile("dsb sy" ::: "memory");
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_NOTIFY), VIRTIO_NET_TXQ);
}

static uint16_t used_idx(void)
{
    return ((volatile uint16_t *)used)[1]; /* flags, then idx */
}

/* Waits for the device to return `idx` send chains; 0 if it gave up on the ring. */
static int used_reaches(uint16_t idx)
{
    for (int i = 0; i < 4000000; i++) {
        if (used_idx() == idx)
            return 1;
        if (mmio_read32(REG(VIRTIO_MMIO_STATUS)) & VIRTIO_STATUS_NEEDS_RESET)
            return 0;
    }
    return 0;
}

static int needs_reset_within(void)
{
    uint32_t status = 0;
    for (int i = 0; i < 2000000 && !(status & VIRTIO_STATUS_NEEDS_RESET); i++)
        status = mmio_read32(REG(VIRTIO_MMIO_STATUS));
    return (status & VIRTIO_STATUS_NEEDS_RESET) != 0;
}

/* QueueNotify before the device is live: ignored; then a normal start still works. */
int virtio_notify_early(void)
{
    negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1));
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_NOTIFY), VIRTIO_NET_TXQ);
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_NOTIFY), 7); /* no such queue */
    good_queues(8);
    mmio_write32(REG(VIRTIO_MMIO_QUEUE_NOTIFY), VIRTIO_NET_RXQ);
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0xf);
    desc[0] = (struct virtq_desc){ (uintptr_t)hdr_and_frame, sizeof hdr_and_frame, 0, 0 };
    avail[2] = 0;
    publish(1);
    int ok = used_reaches(1);
    printf("early notifications: %s\n", ok ? "ignored, then served" : "DEVICE STUCK");
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0);
    return ok ? 0 : 1;
}

/* A frame shorter than its header, one longer than any frame, an empty one:
 * dropped, their buffers returned, the device still fine. */
int virtio_bad_lengths(void)
{
    static uint8_t big[65536 + 64];
    negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1));
    good_queues(8);
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0xf);
    desc[0] = (struct virtq_desc){ (uintptr_t)hdr_and_frame, 4, 0, 0 };
    desc[1] = (struct virtq_desc){ (uintptr_t)big, sizeof big, 0, 0 };
    desc[2] = (struct virtq_desc){ (uintptr_t)hdr_and_frame, 0, 0, 0 };
    avail[2] = 0;
    avail[3] = 1;
    avail[4] = 2;
    publish(3);
    int ok = used_reaches(3) && !(mmio_read32(REG(VIRTIO_MMIO_STATUS)) & VIRTIO_STATUS_NEEDS_RESET);
    printf("virtio-bad-lengths: %s\n", ok ? "all dropped, buffers returned" : "FAIL");
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0);
    return ok ? 0 : 1;
}

/* Thread backend: a send descriptor past the end of RAM. */
int virtio_desc_outside(void)
{
    negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1));
    good_queues(8);
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0xf);
    desc[0] = (struct virtq_desc){ guest_ram_end - 16, 64, 0, 0 };
    avail[2] = 0;
    publish(1);
    int noticed = needs_reset_within();
    printf("descriptor outside RAM: %s\n", noticed ? "device needs reset" : "NOT NOTICED");
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0);
    return noticed ? 0 : 1;
}

/* Thread backend: the available index jumps by more than the ring holds. */
int virtio_avail_jump(void)
{
    negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1));
    good_queues(8);
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0xf);
    publish(100);
    int noticed = needs_reset_within();
    printf("available index jump: %s\n", noticed ? "device needs reset" : "NOT NOTICED");
    mmio_write32(REG(VIRTIO_MMIO_STATUS), 0);
    return noticed ? 0 : 1;
}
