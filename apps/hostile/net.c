/*
 * Hostile network hypercalls (device 0): lengths and counts out of range get
 * DUET_EINVAL and nothing else happens; descriptors or buffers outside RAM
 * stop the guest. Bypasses guest/ drivers, like the rest of hostile.
 */
#include <stdint.h>
#include <stdio.h>
#include "duet/hypercall.h"
#include "hostile.h"

static uint8_t frame[DUET_NET_FRAME_MAX];
static struct duet_net_desc desc[2];

static int64_t io(unsigned nr, uint64_t data, uint64_t len)
{
    static struct duet_hc_net_io a;
    a = (struct duet_hc_net_io){ .index = 0, .data = data, .len = len, .ret = 1 };
    store64(DUET_HC_ADDR(nr), (uint64_t)(uintptr_t)&a);
    return a.ret;
}

static struct duet_hc_net_xfer *xfer(uint32_t ntx, uint32_t nrx, uint64_t tx, uint64_t rx)
{
    static struct duet_hc_net_xfer a;
    a = (struct duet_hc_net_xfer){ .index = 0, .tx_count = ntx, .rx_count = nrx, .tx = tx, .rx = rx,
                                   .ret = 1 };
    store64(DUET_HC_ADDR(DUET_HC_NET_XFER), (uint64_t)(uintptr_t)&a);
    return &a;
}

static int refused(const char *what, int64_t ret)
{
    printf("%s: %s\n", what, ret == DUET_EINVAL ? "refused" : "NOT REFUSED");
    return ret == DUET_EINVAL ? 0 : 1;
}

int net_bad_lengths(void)
{
    uint64_t f = (uint64_t)(uintptr_t)frame;
    int bad = 0;
    bad += refused("send 0 bytes", io(DUET_HC_NET_SEND, f, 0));
    bad += refused("send 13 bytes", io(DUET_HC_NET_SEND, f, 13));
    bad += refused("send past the MTU", io(DUET_HC_NET_SEND, f, sizeof frame));
    bad += refused("send 2^64-1 bytes", io(DUET_HC_NET_SEND, f, ~0ULL));
    bad += refused("receive into 100 bytes", io(DUET_HC_NET_RECV, f, 100));
    bad += refused("transfer 65 frames", xfer(DUET_NET_BATCH_MAX + 1, 0, 0, 0)->ret);
    bad += refused("transfer into 2^32-1 buffers", xfer(0, 0xffffffffu, 0, 0)->ret);
    desc[0] = (struct duet_net_desc){ .data = f, .len = 64 };
    bad += refused("transfer into a 64-byte buffer", xfer(0, 1, 0, (uint64_t)(uintptr_t)desc)->ret);
    printf("net-bad-lengths: %s\n", bad ? "FAIL" : "all refused");
    return bad;
}

int net_rx_outside(void)
{
    desc[0] = (struct duet_net_desc){ .data = guest_ram_end - 100, .len = DUET_NET_FRAME_MAX };
    xfer(0, 1, 0, (uint64_t)(uintptr_t)desc);
    return 0;
}

int net_desc_outside(void)
{
    xfer(2, 0, guest_ram_end - sizeof desc[0], 0);
    return 0;
}
