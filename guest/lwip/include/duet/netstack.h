/*
 * lwIP over Duet's network devices, in NO_SYS mode: one thread of control.
 * An app calls netstack_init() once, sets up its lwIP PCBs (raw API), then
 * loops on netstack_poll() and netstack_wait(); lwIP's callbacks run inside
 * netstack_poll().
 *
 * Addresses come from the guest's arguments, one per device:
 *     NAME=ADDR/PREFIX[,gw=GATEWAY]     e.g. net0=10.0.2.2/24,gw=10.0.2.1
 *     NAME=dhcp                         (also what a device with no argument gets)
 * Arguments that name no device are left to the app, except for=SECONDS
 * (netstack_serve()).
 */
#ifndef DUET_NETSTACK_H
#define DUET_NETSTACK_H

#include <stdint.h>

struct netif;

/* Brings up every attached network device. The count, or -1 (printed why). */
int netstack_init(int argc, char **argv);
/* 1 if argv[i] was an address argument for netstack_init() (apps skip it). */
int netstack_is_address_arg(const char *arg);
/*
 * netstack_init(), then waits (up to 10 s) for every device to have an
 * address. 0, or -1 (printed why): what most apps call first.
 */
int netstack_start(int argc, char **argv);
/* The value of app argument KEY=N (e.g. "port"), or `dflt` when absent. */
unsigned netstack_arg_uint(int argc, char **argv, const char *key, unsigned dflt);
/* Hands waiting frames to lwIP and runs its timers; never blocks. */
void netstack_poll(void);
/* Sleeps until a frame arrives or lwIP's next timer is due (at most max_ms). */
void netstack_wait(uint32_t max_ms);
/* Polls until every device has an address (DHCP); 0, or -1 after timeout_ms. */
int netstack_wait_up(uint32_t timeout_ms);
/*
 * The main loop of a network app: polls and sleeps until `for=SECONDS` (an
 * app argument; none: forever) has passed, then prints the counters.
 */
void netstack_serve(int argc, char **argv);
/* The lwIP interface of device `dev` (0..count-1), or NULL. */
struct netif *netstack_netif(int dev);

/*
 * For apps with `uses: sockets`, the stack is up before main() (tcpip thread,
 * interfaces from DUET_NET_<dev>, DUET_DNS, receive thread; see
 * guest/lwip/sys/netstack_sockets.c) and programs just call socket() & co.
 * This says how that went: 0 if it is up, -1 if not (printed why).
 */
int netstack_sockets_start(int argc, char **argv);

/* Counters since boot, all devices: for apps' exit reports and tests. */
struct netstack_stats {
    uint64_t rx_frames, tx_frames, rx_dropped, tx_errors;
};
void netstack_stats(struct netstack_stats *s);

#endif
