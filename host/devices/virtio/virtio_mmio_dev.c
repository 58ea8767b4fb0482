/* virtio-mmio registers, device side (see virtio_mmio_dev.h). */
#include <stdio.h>
#include <string.h>
#include "devices/virtio/virtio_mmio_dev.h"

#define VENDOR_DUET 0x54455544u /* "DUET" */

static enum virtio_mmio_result stop_guest(struct virtio_mmio_dev *d, const char *fmt,
                                          unsigned long long a, unsigned long long b)
{
    char what[160];
    snprintf(what, sizeof what, fmt, a, b);
    snprintf(d->err, sizeof d->err, "virtio device at 0x%llx: %s", (unsigned long long)d->base,
             what);
    return VIRTIO_MMIO_STOP;
}

void virtio_mmio_reset(struct virtio_mmio_dev *d)
{
    if (d->running && d->ops && d->ops->stop)
        d->ops->stop(d);
    d->running = 0;
    d->status = 0;
    d->acked = 0;
    d->dev_feat_sel = d->drv_feat_sel = d->queue_sel = 0;
    memset(d->q, 0, sizeof d->q);
}

static struct virtio_queue_cfg *selected(struct virtio_mmio_dev *d)
{
    return d->queue_sel < VIRTIO_DEV_QUEUES ? &d->q[d->queue_sel] : NULL;
}

static uint32_t read_reg(struct virtio_mmio_dev *d, uint64_t off)
{
    struct virtio_queue_cfg *q = selected(d);
    switch (off) {
    case VIRTIO_MMIO_MAGIC:           return VIRTIO_MMIO_MAGIC_VALUE;
    case VIRTIO_MMIO_VERSION:         return 2;
    case VIRTIO_MMIO_DEVICE_ID:       return d->device_id;
    case VIRTIO_MMIO_VENDOR_ID:       return VENDOR_DUET;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        return d->dev_feat_sel < 2 ? (uint32_t)(d->offered >> (32 * d->dev_feat_sel)) : 0;
    case VIRTIO_MMIO_QUEUE_NUM_MAX:   return q ? VIRTIO_DEV_QUEUE_MAX : 0;
    case VIRTIO_MMIO_QUEUE_READY:     return q ? q->ready : 0;
    /* The backend raises the SPI through an irqfd and the host never sees
     * it, so the cause cannot be tracked: always "used ring" (the only one
     * these devices have), which is what the driver then looks at. */
    case VIRTIO_MMIO_INTERRUPT_STATUS: return d->running ? VIRTIO_INT_USED_RING : 0;
    case VIRTIO_MMIO_STATUS:          return d->status;
    case VIRTIO_MMIO_CONFIG_GEN:      return 0;
    default:                          return 0;
    }
}

/* FEATURES_OK: only a subset of what was offered, and always VERSION_1. */
static int features_acceptable(const struct virtio_mmio_dev *d)
{
    return !(d->acked & ~d->offered) && (d->acked & VIRTIO_BIT(VIRTIO_F_VERSION_1));
}

static enum virtio_mmio_result check_queues(struct virtio_mmio_dev *d)
{
    for (unsigned i = 0; i < VIRTIO_DEV_QUEUES; i++) {
        const struct virtio_queue_cfg *q = &d->q[i];
        if (!q->ready)
            return stop_guest(d, "DRIVER_OK with queue %llu not ready%.0llu", i, 0);
        if (q->num == 0 || q->num > VIRTIO_DEV_QUEUE_MAX || (q->num & (q->num - 1)))
            return stop_guest(d, "queue %llu: size %llu is not a power of two in 1..256", i,
                              q->num);
    }
    return VIRTIO_MMIO_DONE;
}

static enum virtio_mmio_result write_status(struct virtio_mmio_dev *d, uint32_t v)
{
    if (v == 0) {
        virtio_mmio_reset(d);
        return VIRTIO_MMIO_DONE;
    }
    if (d->status & ~v)
        return stop_guest(d, "status 0x%llx clears bits of 0x%llx without a reset", v, d->status);
    uint32_t added = v & ~d->status;
    if (added & VIRTIO_STATUS_FEATURES_OK && !features_acceptable(d))
        v &= ~VIRTIO_STATUS_FEATURES_OK; /* refused: the driver reads it back and gives up */
    if (added & VIRTIO_STATUS_DRIVER_OK) {
        if (!(v & VIRTIO_STATUS_FEATURES_OK))
            return stop_guest(d, "DRIVER_OK before FEATURES_OK (status 0x%llx)%.0llu", v, 0);
        if (check_queues(d) == VIRTIO_MMIO_STOP)
            return VIRTIO_MMIO_STOP;
        char why[200];
        if (d->ops->start(d, why, sizeof why) < 0) {
            snprintf(d->err, sizeof d->err, "virtio device at 0x%llx: %s",
                     (unsigned long long)d->base, why);
            return VIRTIO_MMIO_STOP;
        }
        d->running = 1;
    }
    d->status = v;
    return VIRTIO_MMIO_DONE;
}

static void set_half(uint64_t *field, int high, uint32_t v)
{
    *field = high ? (*field & 0xffffffffULL) | (uint64_t)v << 32
                  : (*field & ~0xffffffffULL) | v;
}

static enum virtio_mmio_result write_reg(struct virtio_mmio_dev *d, uint64_t off, uint32_t v)
{
    struct virtio_queue_cfg *q = selected(d);
    int queue_reg = off == VIRTIO_MMIO_QUEUE_NUM || off == VIRTIO_MMIO_QUEUE_READY ||
                    (off >= VIRTIO_MMIO_QUEUE_DESC_LOW && off <= VIRTIO_MMIO_QUEUE_USED_HIGH);
    if (queue_reg && (!q || d->running || (q->ready && off != VIRTIO_MMIO_QUEUE_READY)))
        return stop_guest(d, "queue register 0x%llx written while queue %llu is live or absent",
                          off, d->queue_sel);
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEAT_SEL: d->dev_feat_sel = v; break;
    case VIRTIO_MMIO_DRIVER_FEAT_SEL: d->drv_feat_sel = v; break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (d->status & VIRTIO_STATUS_FEATURES_OK)
            return stop_guest(d, "features written after FEATURES_OK%.0llu%.0llu", 0, 0);
        if (d->drv_feat_sel < 2) {
            uint64_t acked = d->acked;
            set_half(&acked, d->drv_feat_sel == 1, v);
            d->acked = acked;
        }
        break;
    case VIRTIO_MMIO_QUEUE_SEL:       d->queue_sel = v; break;
    case VIRTIO_MMIO_QUEUE_NUM:       q->num = v; break;
    case VIRTIO_MMIO_QUEUE_READY:     q->ready = v & 1; break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:  set_half(&q->desc, 0, v); break;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH: set_half(&q->desc, 1, v); break;
    case VIRTIO_MMIO_QUEUE_AVAIL_LOW: set_half(&q->avail, 0, v); break;
    case VIRTIO_MMIO_QUEUE_AVAIL_HIGH: set_half(&q->avail, 1, v); break;
    case VIRTIO_MMIO_QUEUE_USED_LOW:  set_half(&q->used, 0, v); break;
    case VIRTIO_MMIO_QUEUE_USED_HIGH: set_half(&q->used, 1, v); break;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        /* Before DRIVER_OK there is nothing to serve: ignored, as the spec allows. */
        if (d->running && v < VIRTIO_DEV_QUEUES && d->ops->notify)
            d->ops->notify(d, v);
        break;
    case VIRTIO_MMIO_INTERRUPT_ACK:   break; /* edge-triggered (irqfd): nothing to lower */
    case VIRTIO_MMIO_STATUS:          return write_status(d, v);
    default:                          break; /* read-only or reserved: ignored */
    }
    return VIRTIO_MMIO_DONE;
}

enum virtio_mmio_result virtio_mmio_access(struct virtio_mmio_dev *d, uint64_t off,
                                           unsigned len, int is_write, uint64_t *value)
{
    if (off >= VIRTIO_MMIO_CONFIG) {
        uint64_t at = off - VIRTIO_MMIO_CONFIG;
        if ((len != 1 && len != 2 && len != 4) || at >= d->config_len || len > d->config_len - at) {
            if (!is_write)
                *value = 0;
            return VIRTIO_MMIO_DONE; /* outside the configuration: reads 0, writes ignored */
        }
        if (!is_write) {
            uint32_t v = 0;
            memcpy(&v, d->config + at, len);
            *value = v;
        }
        return VIRTIO_MMIO_DONE; /* virtio-net's configuration is read-only */
    }
    if (len != 4 || (off & 3))
        return stop_guest(d, "register 0x%llx accessed with %llu bytes (32-bit only)", off, len);
    if (!is_write) {
        *value = read_reg(d, off);
        return VIRTIO_MMIO_DONE;
    }
    return write_reg(d, off, (uint32_t)*value);
}
