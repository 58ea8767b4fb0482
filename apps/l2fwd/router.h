/*
 * The L3 variant of l2fwd (mode=router): IPv4 routing between the two
 * ports with a static table. Each port has an address (net0=ADDR/PREFIX);
 * route=NET/PREFIX,via=GATEWAY lines add routes beyond the two subnets.
 * The router answers ARP for its addresses, resolves next hops by ARP,
 * decrements TTL (dropping at 1) and updates the header checksum.
 */
#ifndef L2FWD_ROUTER_H
#define L2FWD_ROUTER_H

#include <stdint.h>

/* Parses the port addresses and routes from the arguments. 0 or -1 (printed). */
int router_init(int argc, char **argv, const uint8_t mac[2][6]);

/*
 * Handles one frame that arrived on port `in`. Returns the port to send it
 * out of (rewritten in place, *len may change), or -1 to drop it. An ARP
 * reply the router makes goes back out of `in`.
 */
int router_frame(int in, uint8_t *frame, uint32_t *len);

struct router_stats { uint64_t routed, arp_replies, arp_requests, ttl_expired, no_route, no_arp; };
extern struct router_stats router_stats;

#endif
