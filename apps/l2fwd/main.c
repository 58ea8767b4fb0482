/*
 * l2fwd: a learning switch between net0 and net1 on the raw frame API.
 *     duet run --net:net0=TAP0 --net:net1=TAP1 l2fwd.duet.elf [-- for=SECONDS] [idle=SECONDS]
 * (idle: stop once no frame came for that long, after the first one)
 * Each frame's source MAC is learned on the port it came in on; a frame
 * whose destination was learned on that same port is dropped (it is already
 * there), every other one goes out of the other port. Frames move in
 * batches, with one copy each: read where the device wrote them
 * (duet_net_rx_next), written straight into the other port's send buffer,
 * their checksum state passed along (a partial checksum stays partial, for
 * the device or the receiver to finish, as a Linux bridge does), and the
 * other port notified once per batch.
 *
 * mode=router turns it into an IPv4 router between the two subnets
 * (router.h): net0=ADDR/PREFIX net1=ADDR/PREFIX [route=NET/PREFIX,via=GW]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "duet/net.h"
#include "duet/time.h"
#include "mac_table.h"
#include "router.h"

#define PORTS 2
#define BATCH 32

struct port {
    int dev;
    struct duet_net_info info;
    uint8_t *scratch;                 /* a frame that spans receive buffers (jumbo) */
    unsigned queued;                  /* frames sent here since the last notification */
};

static struct port ports[PORTS];
static uint64_t forwarded, dropped, send_errors;
static int routing;                   /* mode=router */

static int open_port(struct port *p, const char *name)
{
    p->dev = duet_net_open(name);
    if (p->dev < 0 || duet_net_info(p->dev, &p->info) < 0) {
        printf("l2fwd: no network device %s\n", name);
        return -1;
    }
    p->scratch = malloc(p->info.mtu + DUET_NET_FRAME_OVERHEAD);
    return p->scratch ? 0 : -1;
}

static void flush(struct port *p)
{
    if (p->queued)
        duet_net_tx_flush(p->dev);
    p->queued = 0;
}

/* One frame from port `in` to wherever it goes (learning, or routing, on the way). */
static void forward(int in, uint8_t *f, uint32_t len, const struct duet_net_rx *r)
{
    int to;
    if (routing) {
        to = router_frame(in, f, &len);
    } else {
        mac_learn(f + 6, in);
        to = mac_lookup(f) == in ? -1 : 1 - in;
    }
    struct port *out = to < 0 ? NULL : &ports[to];
    if (!out || len > out->info.mtu + DUET_NET_FRAME_OVERHEAD) {
        dropped++;
        return;
    }
    uint8_t *buf = duet_net_tx_begin(out->dev, len);
    if (!buf) { /* its ring is full: let the device catch up once */
        flush(out);
        buf = duet_net_tx_begin(out->dev, len);
    }
    int partial = (r->flags & DUET_NET_RX_CSUM_PARTIAL) != 0;
    if (!buf || (memcpy(buf, f, len),
                 duet_net_tx_end(out->dev, len, partial ? r->csum_start : 0,
                                 partial ? r->csum_offset : 0)) < 0) {
        send_errors++;
        return;
    }
    forwarded++;
    out->queued++;
}

/* Up to BATCH frames from port i. 1 if its device ran dry (interrupt armed), -1 on error. */
static int round_on(int i)
{
    struct port *p = &ports[i];
    for (int k = 0; k < BATCH; k++) {
        struct duet_net_rx r;
        int got = duet_net_rx_next(p->dev, &r);
        if (got < 0) {
            printf("l2fwd: %s: receive failed (%d)\n", p->info.name, got);
            return -1;
        }
        if (got == 0)
            return 1;
        if (r.data) {
            forward(i, r.data, r.len, &r);
            duet_net_rx_release(p->dev, r.token);
            continue;
        }
        int64_t n = duet_net_rx_copy(p->dev, &r, p->scratch, p->info.mtu + DUET_NET_FRAME_OVERHEAD);
        if (n > 0)
            forward(i, p->scratch, (uint32_t)n, &r);
        else
            dropped++;
    }
    return 0;
}

int main(int argc, char **argv)
{
    unsigned seconds = 0, idle = 0;
    for (int i = 1; i < argc; i++) {
        sscanf(argv[i], "for=%u", &seconds);
        sscanf(argv[i], "idle=%u", &idle);
        routing |= !strcmp(argv[i], "mode=router");
    }
    if (open_port(&ports[0], "net0") < 0 || open_port(&ports[1], "net1") < 0)
        return 1;
    const uint8_t macs[2][6] = {
        { ports[0].info.mac[0], ports[0].info.mac[1], ports[0].info.mac[2], ports[0].info.mac[3],
          ports[0].info.mac[4], ports[0].info.mac[5] },
        { ports[1].info.mac[0], ports[1].info.mac[1], ports[1].info.mac[2], ports[1].info.mac[3],
          ports[1].info.mac[4], ports[1].info.mac[5] },
    };
    if (routing && router_init(argc, argv, macs) < 0)
        return 1;
    printf("l2fwd: %s %s <-> %s\n", routing ? "routing" : "switching", ports[0].info.name,
           ports[1].info.name);
    fflush(stdout);
    uint64_t end = seconds ? monotonic_ns() + seconds * 1000000000ULL : UINT64_MAX;
    uint64_t last_frame = 0, seen = 0;
    while (monotonic_ns() < end) {
        uint64_t before = forwarded + dropped;
        if (before != seen)
            seen = before, last_frame = monotonic_ns();
        if (idle && last_frame && monotonic_ns() - last_frame > idle * 1000000000ULL)
            break;
        int drained = 1;
        for (int i = 0; i < PORTS; i++) {
            int r = round_on(i);
            if (r < 0)
                return 1;
            drained &= r;
            flush(&ports[1 - i]); /* what port i received goes out of the other */
        }
        flush(&ports[1]); /* a router's replies go back out the port they came in on */
        /* Sleep only when both ran dry: their interrupts are armed. */
        if (drained)
            duet_net_wait(100000000ULL);
    }
    printf("l2fwd: %llu frames forwarded, %llu dropped, %llu send errors, %u MACs learned\n",
           (unsigned long long)forwarded, (unsigned long long)dropped,
           (unsigned long long)send_errors, mac_count());
    if (routing)
        printf("l2fwd: router: %llu routed, %llu ARP replies, %llu ARP requests, %llu TTL expired, "
               "%llu without route\n", (unsigned long long)router_stats.routed,
               (unsigned long long)router_stats.arp_replies,
               (unsigned long long)router_stats.arp_requests,
               (unsigned long long)router_stats.ttl_expired,
               (unsigned long long)router_stats.no_route);
    return 0;
}
