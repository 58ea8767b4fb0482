/*
 * Network hypercalls: info, send, receive. Frame lengths are checked
 * against the device's MTU before any I/O; a receive that finds nothing
 * arms the device's interrupt (net_rx.c). Only a buffer outside guest RAM
 * stops the guest.
 */
#include <stddef.h>
#include <string.h>
#include "hypercall.h"
#include "net_dev.h"
#include "net_rx.h"

#define ETH_HEADER 14

static struct net_dev *device(struct hc_ctx *ctx, uint32_t index)
{
    return index < ctx->nnets ? &ctx->nets[index] : NULL;
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

static enum hc_result net_send_hc(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct duet_hc_net_io a;
    if (hc_copy_in(ctx, "net send", arg, &a, sizeof a))
        return HC_FAULT;
    struct net_dev *d = device(ctx, a.index);
    if (!d)
        return put_ret(ctx, "net send", arg, DUET_ENODEV);
    if (a.len < ETH_HEADER || a.len > (uint64_t)d->mtu + DUET_NET_FRAME_OVERHEAD)
        return put_ret(ctx, "net send", arg, DUET_EINVAL);
    const void *frame = gmem_ptr(ctx->mem, a.data, a.len);
    if (!frame)
        return hc_fault(ctx, "net send: frame 0x%llx (+%llu bytes) is outside guest RAM",
                        (unsigned long long)a.data, (unsigned long long)a.len);
    int rc = net_send(d, frame, a.len);
    /* A full or downed tap drops the frame, as a wire would; the guest is told. */
    return put_ret(ctx, "net send", arg, rc < 0 ? DUET_EIO : (int64_t)a.len);
}

static enum hc_result net_recv_hc(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct duet_hc_net_io a;
    if (hc_copy_in(ctx, "net receive", arg, &a, sizeof a))
        return HC_FAULT;
    struct net_dev *d = device(ctx, a.index);
    if (!d)
        return put_ret(ctx, "net receive", arg, DUET_ENODEV);
    /* Too small a buffer would truncate a frame without a trace: refuse it. */
    if (a.len < (uint64_t)d->mtu + DUET_NET_FRAME_OVERHEAD)
        return put_ret(ctx, "net receive", arg, DUET_EINVAL);
    void *buf = gmem_ptr(ctx->mem, a.data, a.len);
    if (!buf)
        return hc_fault(ctx, "net receive: buffer 0x%llx (+%llu bytes) is outside guest RAM",
                        (unsigned long long)a.data, (unsigned long long)a.len);
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
    uint64_t max_frame = (uint64_t)d->mtu + DUET_NET_FRAME_OVERHEAD;

    size_t tx_bytes = a.tx_count * sizeof desc[0];
    if (a.tx_count && hc_copy_in(ctx, "net transfer: tx descriptors", a.tx, desc, tx_bytes))
        return HC_FAULT;
    for (uint32_t i = 0; i < a.tx_count; i++) {
        struct duet_net_desc *t = &desc[i];
        if (t->len < ETH_HEADER || t->len > max_frame) {
            t->ret = DUET_EINVAL; /* this frame only: the others still go */
            continue;
        }
        const void *frame = gmem_ptr(ctx->mem, t->data, t->len);
        if (!frame)
            return hc_fault(ctx, "net transfer: frame %u at 0x%llx (+%u bytes) is outside guest RAM",
                            i, (unsigned long long)t->data, t->len);
        t->ret = net_send(d, frame, t->len) < 0 ? DUET_EIO : 0;
        a.tx_done += t->ret == 0;
    }
    if (a.tx_count && hc_copy_out(ctx, "net transfer: tx descriptors", a.tx, desc, tx_bytes))
        return HC_FAULT;

    size_t rx_bytes = a.rx_count * sizeof desc[0];
    if (!a.rx_count)
        return xfer_done(ctx, arg, &a);
    if (hc_copy_in(ctx, "net transfer: rx descriptors", a.rx, desc, rx_bytes))
        return HC_FAULT;
    for (uint32_t i = 0; i < a.rx_count; i++) /* all checked first: no frame read, then refused */
        if (desc[i].len < max_frame) {
            a.ret = DUET_EINVAL;
            return xfer_done(ctx, arg, &a);
        } else if (!gmem_ptr(ctx->mem, desc[i].data, desc[i].len)) {
            return hc_fault(ctx, "net transfer: rx buffer %u at 0x%llx (+%u bytes) is outside "
                            "guest RAM", i, (unsigned long long)desc[i].data, desc[i].len);
        }
    for (; a.rx_done < a.rx_count; a.rx_done++) {
        struct duet_net_desc *r = &desc[a.rx_done];
        long n = net_recv(d, gmem_ptr(ctx->mem, r->data, r->len), r->len);
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
