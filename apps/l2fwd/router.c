/* IPv4 routing between the two ports (see router.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "router.h"

#define ROUTES_MAX 16
#define ARP_MAX    64

struct route { uint32_t net, mask, gw; int port; };      /* gw 0: directly connected */
struct arp_entry { uint32_t ip; uint8_t mac[6]; int port; };

static uint32_t port_ip[2], port_mask[2];
static uint8_t port_mac[2][6];
static struct route routes[ROUTES_MAX];
static unsigned nroutes;
static struct arp_entry arp[ARP_MAX];
static unsigned narp, arp_next;
struct router_stats router_stats;

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static void put32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = (uint8_t)v; }

/* "A.B.C.D/P" -> address and mask. 0 or -1. */
static int parse_cidr(const char *s, uint32_t *ip, uint32_t *mask)
{
    unsigned a, b, c, d, p;
    if (sscanf(s, "%u.%u.%u.%u/%u", &a, &b, &c, &d, &p) != 5 || a > 255 || b > 255 || c > 255 ||
        d > 255 || p > 32)
        return -1;
    *ip = a << 24 | b << 16 | c << 8 | d;
    *mask = p ? 0xffffffffu << (32 - p) : 0;
    return 0;
}

static int add_route(uint32_t net, uint32_t mask, uint32_t gw, int port)
{
    if (nroutes == ROUTES_MAX)
        return -1;
    routes[nroutes++] = (struct route){ net & mask, mask, gw, port };
    return 0;
}

int router_init(int argc, char **argv, const uint8_t mac[2][6])
{
    memcpy(port_mac, mac, sizeof port_mac);
    int have[2] = { 0, 0 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strncmp(a, "net0=", 5) || !strncmp(a, "net1=", 5)) {
            int p = a[3] - '0';
            if (parse_cidr(a + 5, &port_ip[p], &port_mask[p]) < 0) {
                printf("l2fwd: %s: expected netN=ADDR/PREFIX\n", a);
                return -1;
            }
            add_route(port_ip[p], port_mask[p], 0, p);
            have[p] = 1;
        }
    }
    for (int i = 1; i < argc; i++) {
        uint32_t net, mask;
        char cidr[32], gw[32];
        if (strncmp(argv[i], "route=", 6))
            continue;
        unsigned a, b, c, d;
        if (sscanf(argv[i] + 6, "%31[^,],via=%31s", cidr, gw) != 2 || parse_cidr(cidr, &net, &mask) < 0 ||
            sscanf(gw, "%u.%u.%u.%u", &a, &b, &c, &d) != 4) {
            printf("l2fwd: %s: expected route=NET/PREFIX,via=GATEWAY\n", argv[i]);
            return -1;
        }
        uint32_t via = a << 24 | b << 16 | c << 8 | d;
        int port = (via & port_mask[0]) == (port_ip[0] & port_mask[0]) ? 0
                 : (via & port_mask[1]) == (port_ip[1] & port_mask[1]) ? 1 : -1;
        if (port < 0 || add_route(net, mask, via, port) < 0) {
            printf("l2fwd: %s: the gateway is on neither port's subnet\n", argv[i]);
            return -1;
        }
    }
    if (!have[0] || !have[1]) {
        printf("l2fwd: mode=router needs net0=ADDR/PREFIX and net1=ADDR/PREFIX\n");
        return -1;
    }
    return 0;
}

static const struct route *lookup(uint32_t dst)
{
    const struct route *best = NULL;
    for (unsigned i = 0; i < nroutes; i++)
        if ((dst & routes[i].mask) == routes[i].net && (!best || routes[i].mask > best->mask))
            best = &routes[i];
    return best;
}

static void arp_learn(uint32_t ip, const uint8_t *mac, int port)
{
    for (unsigned i = 0; i < narp; i++)
        if (arp[i].ip == ip) {
            memcpy(arp[i].mac, mac, 6);
            arp[i].port = port;
            return;
        }
    struct arp_entry *e = narp < ARP_MAX ? &arp[narp++] : &arp[arp_next++ % ARP_MAX];
    e->ip = ip;
    memcpy(e->mac, mac, 6);
    e->port = port;
}

static const uint8_t *arp_find(uint32_t ip, int port)
{
    for (unsigned i = 0; i < narp; i++)
        if (arp[i].ip == ip && arp[i].port == port)
            return arp[i].mac;
    return NULL;
}

/* Rewrites f (at least 42 bytes) into an ARP packet. */
static void make_arp(uint8_t *f, uint16_t op, const uint8_t *dst_mac, int port,
                     const uint8_t *target_mac, uint32_t target_ip)
{
    static const uint8_t head[8] = { 0, 1, 8, 0, 6, 4, 0, 0 };
    memcpy(f, dst_mac, 6);
    memcpy(f + 6, port_mac[port], 6);
    f[12] = 0x08; f[13] = 0x06;
    memcpy(f + 14, head, 8);
    f[21] = (uint8_t)op;
    memcpy(f + 22, port_mac[port], 6);
    put32(f + 28, port_ip[port]);
    memcpy(f + 32, target_mac, 6);
    put32(f + 38, target_ip);
}

static int handle_arp(int in, uint8_t *f, uint32_t *len)
{
    if (*len < 42 || f[14] != 0 || f[15] != 1 || f[16] != 8 || f[17] != 0)
        return -1;
    uint32_t sender = get32(f + 28), target = get32(f + 38);
    uint16_t op = (uint16_t)(f[20] << 8 | f[21]);
    arp_learn(sender, f + 22, in);
    if (op != 1 || target != port_ip[in])
        return -1;
    uint8_t sender_mac[6];
    memcpy(sender_mac, f + 22, 6);
    make_arp(f, 2, sender_mac, in, sender_mac, sender);
    *len = 60; /* padded to Ethernet's minimum */
    memset(f + 42, 0, 18);
    router_stats.arp_replies++;
    return in;
}

/* RFC 1624: the checksum after the TTL byte (high half of a 16-bit word) drops by one. */
static void decrement_ttl(uint8_t *ip)
{
    ip[8]--;
    uint32_t sum = (uint32_t)(ip[10] << 8 | ip[11]) + 0x0100;
    sum = (sum & 0xffff) + (sum >> 16);
    ip[10] = (uint8_t)(sum >> 8);
    ip[11] = (uint8_t)sum;
}

int router_frame(int in, uint8_t *f, uint32_t *len)
{
    if (*len < 14)
        return -1;
    uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
    if (type == 0x0806)
        return handle_arp(in, f, len);
    if (type != 0x0800 || *len < 34 || (f[14] >> 4) != 4 || memcmp(f, port_mac[in], 6))
        return -1; /* not IPv4 to us at layer 2 */
    uint8_t *ip = f + 14;
    uint32_t dst = get32(ip + 16);
    if (dst == port_ip[0] || dst == port_ip[1])
        return -1; /* for the router itself: it runs no services */
    if (ip[8] <= 1) {
        router_stats.ttl_expired++;
        return -1;
    }
    const struct route *r = lookup(dst);
    if (!r) {
        router_stats.no_route++;
        return -1;
    }
    uint32_t hop = r->gw ? r->gw : dst;
    const uint8_t *mac = arp_find(hop, r->port);
    if (!mac) { /* ask, and drop this packet: the sender retransmits */
        static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, zero[6] = { 0 };
        make_arp(f, 1, bcast, r->port, zero, hop);
        *len = 60;
        memset(f + 42, 0, 18);
        router_stats.no_arp++;
        router_stats.arp_requests++;
        return r->port;
    }
    decrement_ttl(ip);
    memcpy(f, mac, 6);
    memcpy(f + 6, port_mac[r->port], 6);
    router_stats.routed++;
    return r->port;
}
