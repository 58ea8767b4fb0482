/*
 * l2fwd: a learning switch between net0 and net1 on the raw frame API.
 *     duet run --net:net0=TAP0 --net:net1=TAP1 l2fwd.duet.elf [-- for=SECONDS] [idle=SECONDS]
 * (idle: stop once no frame came for that long, after the first one)
 * Each frame's source MAC is learned on the port it came in on; a frame
 * whose destination was learned on that same port is dropped (it is already
 * there), every other one goes out of the other port. Frames move in
 * batches: one duet_net_xfer per port per round sends what the other port
 * received last round and receives the next batch.
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
    uint8_t *bufs;                    /* BATCH frames received here */
    struct duet_net_desc rx[BATCH];
    struct duet_net_desc tx[BATCH];   /* frames the other port received, to send here */
    unsigned ntx;
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
    p->bufs = malloc((size_t)BATCH * (p->info.mtu + DUET_NET_FRAME_OVERHEAD));
    return p->bufs ? 0 : -1;
}

/* Learns and switches the frames port `in` received; 1 if its device ran dry. */
static int switch_frames(int in, int got)
{
    struct port *p = &ports[in];
    for (int i = 0; i < got; i++) {
        uint8_t *f = (uint8_t *)(uintptr_t)p->rx[i].data;
        int to;
        if (routing) {
            to = router_frame(in, f, &p->rx[i].len);
        } else {
            mac_learn(f + 6, in);
            to = mac_lookup(f) == in ? -1 : 1 - in;
        }
        struct port *out = to < 0 ? NULL : &ports[to];
        if (!out || p->rx[i].len > out->info.mtu + DUET_NET_FRAME_OVERHEAD) {
            dropped++;
            continue;
        }
        out->tx[out->ntx++] = (struct duet_net_desc){ .data = p->rx[i].data, .len = p->rx[i].len };
    }
    return got < BATCH;
}

/* One transfer on port i: its queued output out, a batch in. 1 if drained, -1 on error. */
static int round_on(int i)
{
    struct port *p = &ports[i];
    size_t frame_max = p->info.mtu + DUET_NET_FRAME_OVERHEAD;
    for (int k = 0; k < BATCH; k++)
        p->rx[k] = (struct duet_net_desc){ .data = (uint64_t)(uintptr_t)(p->bufs + k * frame_max),
                                           .len = (uint32_t)frame_max };
    unsigned sent = 0, queued = p->ntx;
    int got = duet_net_xfer(p->dev, p->tx, p->ntx, &sent, p->rx, BATCH);
    p->ntx = 0;
    forwarded += sent;
    send_errors += queued - sent;
    if (got < 0) {
        printf("l2fwd: %s: transfer failed (%d)\n", p->info.name, got);
        return -1;
    }
    return switch_frames(i, got);
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
        }
        /* Sleep only with nothing queued: the interrupt was armed by the short batches. */
        if (drained && !ports[0].ntx && !ports[1].ntx)
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
