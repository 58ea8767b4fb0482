/*
 * Network devices through Duet hypercalls. Each device's SPI comes from its
 * device-tree node; it is edge-triggered (the host pulses it) and only
 * sets a flag: the waiter in duet_net_wait() does the work.
 */
#include <libfdt.h>
#include <string.h>
#include "duet/guest.h"
#include "duet/irq.h"
#include "duet/net_driver.h"
#include "hypercall.h"

#define MAX_NETS 8

static int irq_ready[MAX_NETS];

static void rx_irq(unsigned intid, void *ctx)
{
    (void)intid; (void)ctx;
    net_frame_waiting = 1;
}

/* The node of device `index`, or < 0. */
static int find(int index, const char *name)
{
    int node = -1;
    while ((node = fdt_node_offset_by_compatible(guest_fdt, node, "duet,net")) >= 0) {
        int len;
        const fdt32_t *reg = fdt_getprop(guest_fdt, node, "reg", &len);
        const char *n = fdt_getprop(guest_fdt, node, "duet,name", NULL);
        if (!reg || len != 4 || !n)
            continue;
        if (name ? !strcmp(n, name) : (int)fdt32_to_cpu(*reg) == index)
            return node;
    }
    return -1;
}

static int hc_net_count(void)
{
    int n = 0;
    while (find(n, NULL) >= 0)
        n++;
    return n;
}

/* Registers the device's SPI once: the GIC's third cell says edge, we trust ours. */
static void setup_irq(int dev, int node)
{
    if (dev < 0 || dev >= MAX_NETS || irq_ready[dev])
        return;
    int len;
    const fdt32_t *irq = fdt_getprop(guest_fdt, node, "interrupts", &len);
    if (!irq || len != 12 || fdt32_to_cpu(irq[0]) != 0)
        return; /* no SPI: duet_net_wait() falls back to its timeout */
    unsigned intid = 32 + fdt32_to_cpu(irq[1]);
    if (irq_set_edge(intid) == 0 && irq_register(intid, rx_irq, NULL) == 0)
        irq_ready[dev] = 1;
}

static int hc_net_open(const char *name)
{
    int node = find(-1, name);
    if (node < 0)
        return DUET_ENODEV;
    int dev = (int)fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(guest_fdt, node, "reg", NULL));
    setup_irq(dev, node);
    return dev;
}

static int hc_net_info(int dev, struct duet_net_info *info)
{
    struct duet_hc_net_info a = { .index = (uint32_t)dev };
    duet_hypercall(DUET_HC_NET_INFO, &a);
    if (a.ret)
        return a.ret;
    int node = find(dev, NULL);
    const char *n = node >= 0 ? fdt_getprop(guest_fdt, node, "duet,name", NULL) : NULL;
    memset(info, 0, sizeof *info);
    strncpy(info->name, n ? n : "", DUET_NET_NAME_MAX);
    memcpy(info->mac, a.mac, 6);
    info->mtu = a.mtu;
    return 0;
}

static int64_t io(unsigned nr, int dev, const void *buf, size_t len)
{
    struct duet_hc_net_io a = { .index = (uint32_t)dev, .data = (uint64_t)(uintptr_t)buf, .len = len };
    duet_hypercall(nr, &a);
    return a.ret;
}

static int64_t hc_net_send(int dev, const void *frame, size_t len)
{
    return io(DUET_HC_NET_SEND, dev, frame, len);
}

static int64_t hc_net_recv(int dev, void *buf, size_t cap)
{
    return io(DUET_HC_NET_RECV, dev, buf, cap);
}

static int hc_net_xfer(int dev, struct duet_net_desc *tx, unsigned ntx, unsigned *sent,
                  struct duet_net_desc *rx, unsigned nrx)
{
    struct duet_hc_net_xfer a = {
        .index = (uint32_t)dev, .tx_count = ntx, .rx_count = nrx,
        .tx = (uint64_t)(uintptr_t)tx, .rx = (uint64_t)(uintptr_t)rx,
    };
    duet_hypercall(DUET_HC_NET_XFER, &a);
    if (sent)
        *sent = a.tx_done;
    return a.ret ? a.ret : (int)a.rx_done;
}

const struct net_driver platform_net_driver = {
    .name = "duet hypercalls", .count = hc_net_count, .open = hc_net_open, .info = hc_net_info,
    .send = hc_net_send, .recv = hc_net_recv, .xfer = hc_net_xfer,
};
