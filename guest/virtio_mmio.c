/* virtio-mmio transport, driver side (see duet/virtio_mmio.h). */
#include <libfdt.h>
#include "duet/guest.h"
#include "duet/mmio.h"
#include "duet/virtio_mmio.h"

static uint32_t rd(const struct virtio_mmio_dev *d, unsigned reg)
{
    return mmio_read32(d->base + reg);
}

static void wr(const struct virtio_mmio_dev *d, unsigned reg, uint32_t v)
{
    mmio_write32(d->base + reg, v);
}

static int node_base(int node, uintptr_t *base)
{
    int len;
    const fdt32_t *reg = fdt_getprop(guest_fdt, node, "reg", &len);
    if (!reg || len < 16) /* #address-cells = #size-cells = 2 on both platforms */
        return -1;
    *base = (uintptr_t)((uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]));
    return 0;
}

static unsigned node_intid(int node)
{
    int len;
    const fdt32_t *irq = fdt_getprop(guest_fdt, node, "interrupts", &len);
    if (!irq || len != 12 || fdt32_to_cpu(irq[0]) != 0)
        return 0; /* not an SPI */
    return 32 + fdt32_to_cpu(irq[1]);
}

int virtio_mmio_find(unsigned device_id, int nth, struct virtio_mmio_dev *d)
{
    int node = -1;
    while ((node = fdt_node_offset_by_compatible(guest_fdt, node, "virtio,mmio")) >= 0) {
        if (node_base(node, &d->base) < 0)
            continue;
        /* QEMU lists 32 transports, most of them empty (device id 0). */
        if (rd(d, VIRTIO_MMIO_MAGIC) != VIRTIO_MMIO_MAGIC_VALUE ||
            rd(d, VIRTIO_MMIO_VERSION) != 2 || rd(d, VIRTIO_MMIO_DEVICE_ID) != device_id)
            continue;
        if (nth-- > 0)
            continue;
        d->intid = node_intid(node);
        d->ack_interrupts = !fdt_getprop(guest_fdt, node, "duet,interrupt-no-ack", NULL);
        d->name = fdt_getprop(guest_fdt, node, "duet,name", NULL);
        d->features = 0;
        return 0;
    }
    return -1;
}

int virtio_mmio_negotiate(struct virtio_mmio_dev *d, uint64_t wanted, uint64_t required)
{
    wr(d, VIRTIO_MMIO_STATUS, 0);
    wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    uint64_t offered = 0;
    for (unsigned sel = 0; sel < 2; sel++) {
        wr(d, VIRTIO_MMIO_DEVICE_FEAT_SEL, sel);
        offered |= (uint64_t)rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << (32 * sel);
    }
    d->features = offered & wanted;
    if ((offered & required) != required)
        goto failed;
    for (unsigned sel = 0; sel < 2; sel++) {
        wr(d, VIRTIO_MMIO_DRIVER_FEAT_SEL, sel);
        wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(d->features >> (32 * sel)));
    }
    wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                              VIRTIO_STATUS_FEATURES_OK);
    if (!(rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
        goto failed; /* the device refused our subset */
    return 0;
failed:
    wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
    return -1;
}

int virtio_mmio_queue(struct virtio_mmio_dev *d, struct virtq *q, unsigned index, unsigned max_size)
{
    wr(d, VIRTIO_MMIO_QUEUE_SEL, index);
    unsigned size = rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (size == 0 || rd(d, VIRTIO_MMIO_QUEUE_READY))
        return -1;
    if (size > max_size)
        size = max_size;
    while (size & (size - 1)) /* our rings index with a mask */
        size &= size - 1;
    int event_idx = (d->features & VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX)) != 0;
    if (virtq_alloc(q, index, size, event_idx, d->base + VIRTIO_MMIO_QUEUE_NOTIFY) < 0)
        return -1;
    uint64_t desc = (uintptr_t)q->desc, avail = (uintptr_t)q->avail, used = (uintptr_t)q->used;
    wr(d, VIRTIO_MMIO_QUEUE_NUM, size);
    wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    wr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
    wr(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(avail >> 32));
    wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
    wr(d, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(used >> 32));
    wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
    return 0;
}

void virtio_mmio_ready(struct virtio_mmio_dev *d)
{
    __asm__ volatile("dsb sy" ::: "memory"); /* the rings' contents before the device looks */
    wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                              VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

void virtio_mmio_config(struct virtio_mmio_dev *d, unsigned offset, void *buf, unsigned len)
{
    uint8_t *out = buf;
    uint32_t gen;
    do { /* byte reads: any width is allowed, and a device may change it meanwhile */
        gen = rd(d, VIRTIO_MMIO_CONFIG_GEN);
        for (unsigned i = 0; i < len; i++)
            out[i] = mmio_read8(d->base + VIRTIO_MMIO_CONFIG + offset + i);
    } while (rd(d, VIRTIO_MMIO_CONFIG_GEN) != gen);
}

uint32_t virtio_mmio_interrupt(struct virtio_mmio_dev *d)
{
    if (!d->ack_interrupts)
        return VIRTIO_INT_USED_RING;
    uint32_t why = rd(d, VIRTIO_MMIO_INTERRUPT_STATUS);
    if (why)
        wr(d, VIRTIO_MMIO_INTERRUPT_ACK, why);
    return why;
}
