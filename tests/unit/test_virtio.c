/*
 * The host's virtio-mmio register model (host/devices/virtio/virtio_mmio_dev.c)
 * against a fake backend: feature negotiation refuses what was not offered,
 * broken drivers stop the guest with a message, DRIVER_OK starts the backend
 * once and a reset stops it; and the ring walker on hand-made rings.
 */
#include <stdint.h>
#include <string.h>
#include "check.h"
#include "devices/virtio/virtio_mmio_dev.h"
#include "devices/virtio/virtq_walk.h"

static int starts, stops;
static int fake_start(struct virtio_mmio_dev *d, char *err, size_t errlen)
{
    (void)d; (void)err; (void)errlen;
    starts++;
    return 0;
}
static void fake_stop(struct virtio_mmio_dev *d) { (void)d; stops++; }
static const struct virtio_backend_ops fake = { .start = fake_start, .stop = fake_stop };

static struct virtio_mmio_dev dev(void)
{
    struct virtio_mmio_dev d;
    memset(&d, 0, sizeof d);
    d.base = DUET_VIRTIO_BASE;
    d.device_id = VIRTIO_ID_NET;
    d.offered = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_NET_F_MAC);
    d.ops = &fake;
    starts = stops = 0;
    return d;
}

static int wr(struct virtio_mmio_dev *d, unsigned reg, uint64_t v)
{
    return virtio_mmio_access(d, reg, 4, 1, &v);
}

static uint32_t rd(struct virtio_mmio_dev *d, unsigned reg)
{
    uint64_t v = 0xdead;
    virtio_mmio_access(d, reg, 4, 0, &v);
    return (uint32_t)v;
}

static void features(struct virtio_mmio_dev *d, uint64_t f)
{
    wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(d, VIRTIO_MMIO_DRIVER_FEAT_SEL, 0);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
    wr(d, VIRTIO_MMIO_DRIVER_FEAT_SEL, 1);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
    wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                              VIRTIO_STATUS_FEATURES_OK);
}

static void queues(struct virtio_mmio_dev *d, uint32_t num)
{
    for (unsigned q = 0; q < 2; q++) {
        wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
        wr(d, VIRTIO_MMIO_QUEUE_NUM, num);
        wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000 * (q + 1));
        wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
    }
}

static void test_identity(void)
{
    struct virtio_mmio_dev d = dev();
    CHECK_EQ_U64(rd(&d, VIRTIO_MMIO_MAGIC), VIRTIO_MMIO_MAGIC_VALUE);
    CHECK_EQ_U64(rd(&d, VIRTIO_MMIO_VERSION), 2);
    CHECK_EQ_U64(rd(&d, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
    wr(&d, VIRTIO_MMIO_DEVICE_FEAT_SEL, 1);
    CHECK_EQ_U64(rd(&d, VIRTIO_MMIO_DEVICE_FEATURES), 1); /* VERSION_1 is bit 32 */
    wr(&d, VIRTIO_MMIO_QUEUE_SEL, 2);
    CHECK_EQ_U64(rd(&d, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);   /* no third queue */
}

static void test_unoffered_feature_refused(void)
{
    struct virtio_mmio_dev d = dev();
    features(&d, VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF));
    CHECK(!(rd(&d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK));
    d = dev();
    features(&d, VIRTIO_BIT(VIRTIO_NET_F_MAC)); /* legacy: no VERSION_1 */
    CHECK(!(rd(&d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK));
    d = dev();
    features(&d, VIRTIO_BIT(VIRTIO_F_VERSION_1));
    CHECK(rd(&d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
}

static void test_driver_ok_rules(void)
{
    struct virtio_mmio_dev d = dev();
    wr(&d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    CHECK_EQ_U64(wr(&d, VIRTIO_MMIO_STATUS, 0x7), VIRTIO_MMIO_STOP); /* no FEATURES_OK */
    CHECK(strstr(d.err, "DRIVER_OK before FEATURES_OK"));
    d = dev();
    features(&d, VIRTIO_BIT(VIRTIO_F_VERSION_1));
    queues(&d, 100);
    CHECK_EQ_U64(wr(&d, VIRTIO_MMIO_STATUS, 0xf), VIRTIO_MMIO_STOP);
    CHECK(strstr(d.err, "not a power of two"));
    CHECK_EQ_U64(starts, 0);
}

static void test_start_reset(void)
{
    struct virtio_mmio_dev d = dev();
    features(&d, VIRTIO_BIT(VIRTIO_F_VERSION_1));
    CHECK_EQ_U64(rd(&d, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    queues(&d, 256);
    CHECK_EQ_U64(wr(&d, VIRTIO_MMIO_STATUS, 0xf), VIRTIO_MMIO_DONE);
    CHECK_EQ_U64(starts, 1);
    /* vhost raises the SPI behind our back: the cause must read as "used ring" */
    CHECK_EQ_U64(rd(&d, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED_RING);
    CHECK_EQ_U64(wr(&d, VIRTIO_MMIO_QUEUE_NUM, 8), VIRTIO_MMIO_STOP); /* queue live */
    wr(&d, VIRTIO_MMIO_STATUS, 0);
    CHECK_EQ_U64(stops, 1);
    CHECK_EQ_U64(rd(&d, VIRTIO_MMIO_STATUS), 0);
    CHECK_EQ_U64(rd(&d, VIRTIO_MMIO_QUEUE_READY), 0);
    uint64_t v = 0;
    CHECK_EQ_U64(virtio_mmio_access(&d, VIRTIO_MMIO_STATUS, 1, 0, &v), VIRTIO_MMIO_STOP);
}

static void test_config_bytes(void)
{
    struct virtio_mmio_dev d = dev();
    memcpy(d.config, "\x02\x11\x22\x33\x44\x55", 6);
    d.config_len = 12;
    uint64_t v = 0;
    virtio_mmio_access(&d, VIRTIO_MMIO_CONFIG + 1, 1, 0, &v);
    CHECK_EQ_U64(v, 0x11);
    virtio_mmio_access(&d, VIRTIO_MMIO_CONFIG + 11, 4, 0, &v); /* runs past the end */
    CHECK_EQ_U64(v, 0);
}

/* The walker: one good chain, then a loop. */
static void test_walker(void)
{
    struct guest_mem mem;
    CHECK(gmem_alloc(&mem, 0x40000000, 0x10000) == 0);
    struct virtq_desc *desc = (struct virtq_desc *)mem.host;
    struct virtq_avail *avail = (struct virtq_avail *)(mem.host + 0x1000);
    desc[0] = (struct virtq_desc){ 0x40008000, 12, VIRTQ_DESC_F_NEXT, 1 };
    desc[1] = (struct virtq_desc){ 0x40008100, 60, 0, 0 };
    desc[2] = (struct virtq_desc){ 0x40008000, 12, VIRTQ_DESC_F_NEXT, 3 };
    desc[3] = (struct virtq_desc){ 0x40008000, 12, VIRTQ_DESC_F_NEXT, 2 };
    avail->ring[0] = 0;
    avail->ring[1] = 2;
    avail->idx = 2;
    struct virtio_queue_cfg cfg = { .num = 4, .ready = 1, .desc = 0x40000000,
                                    .avail = 0x40001000, .used = 0x40002000 };
    struct vq q;
    char err[160];
    CHECK(vq_init(&q, &mem, &cfg, 1, err, sizeof err) == 0);
    struct vq_chain c;
    CHECK(vq_pop(&q, &c, 0, err, sizeof err) == 1);
    CHECK_EQ_U64(c.nseg, 2);
    CHECK_EQ_U64(c.total, 72);
    CHECK(c.seg[1].p == mem.host + 0x8100);
    vq_push(&q, c.head, 0);
    CHECK(vq_pop(&q, &c, 0, err, sizeof err) == -1);
    CHECK(strstr(err, "loops"));
    cfg.num = 3;
    CHECK(vq_init(&q, &mem, &cfg, 1, err, sizeof err) == -1);
    gmem_free(&mem);
}

/* One frame's buffers become visible together: one used-index store for all. */
static void test_push_n(void)
{
    struct guest_mem mem;
    CHECK(gmem_alloc(&mem, 0x40000000, 0x10000) == 0);
    struct virtio_queue_cfg cfg = { .num = 4, .ready = 1, .desc = 0x40000000,
                                    .avail = 0x40001000, .used = 0x40002000 };
    struct vq q;
    char err[160];
    CHECK(vq_init(&q, &mem, &cfg, 1, err, sizeof err) == 0);
    struct virtq_used *used = (struct virtq_used *)(mem.host + 0x2000);
    vq_push(&q, 3, 100);
    const uint16_t heads[3] = { 1, 0, 2 };
    const uint32_t lens[3] = { 2048, 2048, 7 };
    vq_push_n(&q, heads, lens, 3);        /* wraps the 4-entry ring */
    CHECK_EQ_U64(used->idx, 4);
    CHECK_EQ_U64(used->ring[0].id, 3);
    CHECK_EQ_U64(used->ring[1].id, 1);
    CHECK_EQ_U64(used->ring[3].id, 2);
    CHECK_EQ_U64(used->ring[3].len, 7);
    vq_push_n(&q, heads, lens, 1);
    CHECK_EQ_U64(used->idx, 5);
    CHECK_EQ_U64(used->ring[0].id, 1);    /* entry 4 is slot 0 again */
    gmem_free(&mem);
}

int main(void)
{
    RUN_TEST(test_identity);
    RUN_TEST(test_unoffered_feature_refused);
    RUN_TEST(test_driver_ok_rules);
    RUN_TEST(test_start_reset);
    RUN_TEST(test_config_bytes);
    RUN_TEST(test_walker);
    RUN_TEST(test_push_n);
    return CHECK_EXIT();
}
