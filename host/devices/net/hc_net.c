/*
 * Network hypercalls: info, send, receive. Frame lengths are checked
 * against the device's MTU before any I/O; a receive that finds nothing
 * arms the device's interrupt (net_rx.c). Only a buffer outside guest RAM
 * stops the guest.
 */
#include <stddef.h>
#include <string.h>
#include "devices/net/net_dev.h"
#include "devices/net/net_rx.h"
#include "hypercall/hypercall.h"

#define ETH_HEADER 14

static struct net_dev *device(struct hc_ctx *ctx, uint32_t index)
{
    /* Virtio NICs' taps carry virtio-net headers and belong to their rings. */
    return index < ctx->nnets && !ctx->nvnets ? &ctx->nets[index] : NULL;
}

static enum hc_result net_info(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct duet_hc_net_info a;
    if (hc_copy_in(ctx, "net info", arg, &a, sizeof a))
        return HC_FAULT;
    struct net_dev *d = device(ctx, a.index);
    a.ret = d ? DUET_EOK : DUET_ENODEV;
    a.mtu = d ? d->mtu : 0;
    memset(a.mac, 0, sizeof a.mac);
    if (d)
        memcpy(a.mac, d->mac, sizeof a.mac);
    a.pad = 0;
    return hc_copy_out(ctx, "net info", arg, &a, sizeof a) ? HC_FAULT : HC_CONTINUE;
}

static enum hc_result put_ret(struct hc_ctx *ctx, const char *what, duet_gpa_t arg, int64_t ret)
{
    if (hc_copy_out(ctx, what, arg + offsetof(struct duet_hc_net_io, ret), &ret, sizeof ret))
        return HC_FAULT;
    return HC_CONTINUE;
}

static uint64_t max_frame(const struct net_dev *d)
{
    return (uint64_t)d->mtu + DUET_NET_FRAME_OVERHEAD;
}

#define OUTSIDE_RAM 1  /* not a DUET_E*: the caller stops the guest */

/* Sends one frame from guest RAM: 0, DUET_EINVAL (length), DUET_EIO, or OUTSIDE_RAM. */
static int64_t send_frame(struct hc_ctx *ctx, struct net_dev *d, duet_gpa_t data, uint64_t len)
{
    if (len < ETH_HEADER || len > max_frame(d))
        return DUET_EINVAL;
    const void *frame = gmem_ptr(ctx->mem, data, len);
    if (!frame)
        return OUTSIDE_RAM;
    /* A full or downed tap drops the frame, as a wire would; the guest is told. */
    return net_send(d, frame, len) < 0 ? DUET_EIO : 0;
}

/* A receive buffer in guest RAM, or NULL with *why = DUET_EINVAL or OUTSIDE_RAM. */
static void *rx_buffer(struct hc_ctx *ctx, struct net_dev *d, duet_gpa_t data, uint64_t len,
                       int64_t *why)
{
    /* Too small a buffer would truncate a frame without a trace: refuse it. */
    if (len < max_frame(d)) {
        *why = DUET_EINVAL;
        return NULL;
    }
    void *buf = gmem_ptr(ctx->mem, data, len);
    *why = buf ? 0 : OUTSIDE_RAM;
    return buf;
}

static enum hc_result net_send_hc(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct duet_hc_net_io a;
    if (hc_copy_in(ctx, "net send", arg, &a, sizeof a))
        return HC_FAULT;
    struct net_dev *d = device(ctx, a.index);
    if (!d)
        return put_ret(ctx, "net send", arg, DUET_ENODEV);
    int64_t ret = send_frame(ctx, d, a.data, a.len);
    if (ret == OUTSIDE_RAM)
        return hc_fault(ctx, "net send: frame 0x%llx (+%llu bytes) is outside guest RAM",
                        (unsigned long long)a.data, (unsigned long long)a.len);
    return put_ret(ctx, "net send", arg, ret ? ret : (int64_t)a.len);
}

static enum hc_result net_recv_hc(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct duet_hc_net_io a;
    if (hc_copy_in(ctx, "net receive", arg, &a, sizeof a))
        return HC_FAULT;
    struct net_dev *d = device(ctx, a.index);
    if (!d)
        return put_ret(ctx, "net receive", arg, DUET_ENODEV);
    int64_t why;
    void *buf = rx_buffer(ctx, d, a.data, a.len, &why);
    if (why == OUTSIDE_RAM)
        return hc_fault(ctx, "net receive: buffer 0x%llx (+%llu bytes) is outside guest RAM",
                        (unsigned long long)a.data, (unsigned long long)a.len);
    if (!buf)
        return put_ret(ctx, "net receive", arg, why);
    long n = net_recv(d, buf, a.len);
    if (n == 0) {
        if (ctx->net_rx)
            net_rx_arm(ctx->net_rx, d);
        return put_ret(ctx, "net receive", arg, DUET_EAGAIN);
    }
    return put_ret(ctx, "net receive", arg, n < 0 ? DUET_EIO : (int64_t)n);
}

DUET_HYPERCALL(DUET_HC_NET_INFO, "net_info", net_info);
DUET_HYPERCALL(DUET_HC_NET_SEND, "net_send", net_send_hc);
DUET_HYPERCALL(DUET_HC_NET_RECV, "net_recv", net_recv_hc);

/* DUET_HC_NET_XFER: the batched path (see hypercall.h). */
static enum hc_result xfer_done(struct hc_ctx *ctx, duet_gpa_t arg, struct duet_hc_net_xfer *a)
{
    return hc_copy_out(ctx, "net transfer", arg, a, sizeof *a) ? HC_FAULT : HC_CONTINUE;
}

static enum hc_result net_xfer(struct hc_ctx *ctx, duet_gpa_t arg)
{
    static struct duet_net_desc desc[DUET_NET_BATCH_MAX];
    struct duet_hc_net_xfer a;
    if (hc_copy_in(ctx, "net transfer", arg, &a, sizeof a))
        return HC_FAULT;
    a.rx_done = a.tx_done = 0;
    struct net_dev *d = device(ctx, a.index);
    a.ret = !d ? DUET_ENODEV
          : a.tx_count > DUET_NET_BATCH_MAX || a.rx_count > DUET_NET_BATCH_MAX ? DUET_EINVAL : 0;
    if (a.ret)
        return xfer_done(ctx, arg, &a);

    size_t tx_bytes = a.tx_count * sizeof desc[0];
    if (a.tx_count && hc_copy_in(ctx, "net transfer: tx descriptors", a.tx, desc, tx_bytes))
        return HC_FAULT;
    for (uint32_t i = 0; i < a.tx_count; i++) {
        struct duet_net_desc *t = &desc[i];
        int64_t ret = send_frame(ctx, d, t->data, t->len); /* an error stops this frame only */
        if (ret == OUTSIDE_RAM)
            return hc_fault(ctx, "net transfer: frame %u at 0x%llx (+%u bytes) is outside guest RAM",
                            i, (unsigned long long)t->data, t->len);
        t->ret = (int32_t)ret;
        a.tx_done += ret == 0;
    }
    if (a.tx_count && hc_copy_out(ctx, "net transfer: tx descriptors", a.tx, desc, tx_bytes))
        return HC_FAULT;

    size_t rx_bytes = a.rx_count * sizeof desc[0];
    if (!a.rx_count)
        return xfer_done(ctx, arg, &a);
    if (hc_copy_in(ctx, "net transfer: rx descriptors", a.rx, desc, rx_bytes))
        return HC_FAULT;
    static void *buf[DUET_NET_BATCH_MAX];
    for (uint32_t i = 0; i < a.rx_count; i++) { /* all checked first: no frame read, then refused */
        int64_t why;
        buf[i] = rx_buffer(ctx, d, desc[i].data, desc[i].len, &why);
        if (why == OUTSIDE_RAM)
            return hc_fault(ctx, "net transfer: rx buffer %u at 0x%llx (+%u bytes) is outside "
                            "guest RAM", i, (unsigned long long)desc[i].data, desc[i].len);
        if (!buf[i]) {
            a.ret = (int32_t)why;
            return xfer_done(ctx, arg, &a);
        }
    }
    for (; a.rx_done < a.rx_count; a.rx_done++) {
        struct duet_net_desc *r = &desc[a.rx_done];
        long n = net_recv(d, buf[a.rx_done], r->len);
        if (n <= 0) {
            if (n < 0)
                a.ret = DUET_EIO;
            break;
        }
        r->len = (uint32_t)n;
        r->ret = 0;
    }
    if (a.rx_done < a.rx_count && a.ret == 0 && ctx->net_rx)
        net_rx_arm(ctx->net_rx, d); /* drained: interrupt on the next frame */
    if (a.rx_done && hc_copy_out(ctx, "net transfer: rx descriptors", a.rx, desc,
                                 a.rx_done * sizeof desc[0]))
        return HC_FAULT;
    return xfer_done(ctx, arg, &a);
}

DUET_HYPERCALL(DUET_HC_NET_XFER, "net_xfer", net_xfer);
