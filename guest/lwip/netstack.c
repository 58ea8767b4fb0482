/* Bringing lwIP up over every Duet network device, and its main loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "duet/net.h"
#include "duet/netstack.h"
#include "duet/time.h"
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif_duet.h"
#include "netif/ethernet.h"

#define MAX_NETIFS 4
#define POLL_BUDGET 64   /* frames per device per poll: timers still run under load */

static struct netif_duet nifs[MAX_NETIFS];
static int count;
static int busy;   /* the last poll left frames behind: no sleeping */

/* "NAME=..." for an attached device: the text after '=', else NULL. */
static const char *address_for(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(arg, name, n) && arg[n] == '=' ? arg + n + 1 : NULL;
}

int netstack_is_address_arg(const char *arg)
{
    for (int i = 0; i < count; i++)
        if (address_for(arg, nifs[i].info.name))
            return 1;
    return 0;
}

/* "ADDR/PREFIX[,gw=GW]" -> addresses; 0 or -1. */
static int parse_static(const char *s, ip4_addr_t *ip, ip4_addr_t *mask, ip4_addr_t *gw)
{
    char buf[64];
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    char *gw_opt = strstr(buf, ",gw=");
    if (gw_opt) {
        *gw_opt = '\0';
        if (!ip4addr_aton(gw_opt + 4, gw))
            return -1;
    } else {
        ip4_addr_set_zero(gw);
    }
    char *slash = strchr(buf, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    char *end;
    long prefix = strtol(slash + 1, &end, 10);
    if (*end || end == slash + 1 || prefix < 1 || prefix > 32 || !ip4addr_aton(buf, ip))
        return -1;
    ip4_addr_set_u32(mask, lwip_htonl(prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix)));
    return 0;
}

static void report_up(struct netif *nif)
{
    struct netif_duet *d = nif->state;
    if (ip4_addr_isany_val(*netif_ip4_addr(nif)))
        return;
    char ip[16], mask[16];
    ip4addr_ntoa_r(netif_ip4_addr(nif), ip, sizeof ip);
    ip4addr_ntoa_r(netif_ip4_netmask(nif), mask, sizeof mask);
    printf("%s: %s netmask %s mtu %u mac %02x:%02x:%02x:%02x:%02x:%02x\n", d->info.name, ip, mask,
           (unsigned)nif->mtu, nif->hwaddr[0], nif->hwaddr[1], nif->hwaddr[2], nif->hwaddr[3],
           nif->hwaddr[4], nif->hwaddr[5]);
    fflush(stdout);
}

static int add_device(int dev, int argc, char **argv)
{
    struct netif_duet *d = &nifs[count];
    d->dev = dev;
    if (duet_net_info(dev, &d->info) < 0 || duet_net_open(d->info.name) != dev) {
        printf("netstack: network device %d: no information from the host\n", dev);
        return -1;
    }
    const char *addr = NULL;
    for (int i = 1; i < argc; i++)
        if ((addr = address_for(argv[i], d->info.name)))
            break;
    if (!addr) {  /* the same setting the socket layer reads: DUET_NET_<dev> */
        char key[48];
        snprintf(key, sizeof key, "DUET_NET_%s", d->info.name);
        addr = getenv(key);
    }
    ip4_addr_t ip, mask, gw;
    int dhcp = !addr || !strcmp(addr, "dhcp");
    if (dhcp) {
        ip4_addr_set_zero(&ip); ip4_addr_set_zero(&mask); ip4_addr_set_zero(&gw);
    } else if (parse_static(addr, &ip, &mask, &gw) < 0) {
        printf("netstack: %s=%s: expected ADDR/PREFIX[,gw=GATEWAY] or dhcp\n", d->info.name, addr);
        return -1;
    }
    if (!netif_add(&d->netif, &ip, &mask, &gw, d, netif_duet_init, ethernet_input)) {
        printf("netstack: %s: lwIP refused the interface\n", d->info.name);
        return -1;
    }
    netif_set_status_callback(&d->netif, report_up);
    if (count == 0)
        netif_set_default(&d->netif);
    count++;
    netif_set_up(&d->netif);
    if (dhcp && dhcp_start(&d->netif) != ERR_OK) {
        printf("netstack: %s: DHCP did not start\n", d->info.name);
        return -1;
    }
    return 0;
}

int netstack_init(int argc, char **argv)
{
    int n = duet_net_count();
    if (n == 0) {
        printf("netstack: no network device (attach one: duet run --net:NAME=TAP)\n");
        return -1;
    }
    if (n > MAX_NETIFS)
        n = MAX_NETIFS;
#if NO_SYS
    lwip_init(); /* otherwise tcpip_init() did (netstack_sockets_start) */
#endif
    for (int dev = 0; dev < n; dev++)
        if (add_device(dev, argc, argv) < 0)
            return -1;
    return count;
}

void netstack_poll(void)
{
    busy = 0;
    sys_check_timeouts();  /* first: what the timers send joins the transfers below */
    for (int i = 0; i < count; i++)
        busy |= netif_duet_poll(&nifs[i], POLL_BUDGET) == NETIF_DUET_BUSY;
}

void netstack_wait(uint32_t max_ms)
{
    /* Only a drained device has its interrupt armed: a busy one would let
     * the guest sleep through frames already waiting (until the next timer). */
    if (busy)
        return;
    for (int i = 0; i < count; i++)  /* what the app sent since the last poll */
        netif_duet_flush(&nifs[i]);
    uint32_t ms = sys_timeouts_sleeptime();
    if (ms > max_ms)
        ms = max_ms;
    if (ms)
        duet_net_wait((uint64_t)ms * 1000000ULL);
}

int netstack_wait_up(uint32_t timeout_ms)
{
    uint64_t end = monotonic_ns() + (uint64_t)timeout_ms * 1000000ULL;
    for (;;) {
        netstack_poll();
        int up = 0;
        for (int i = 0; i < count; i++)
            up += !ip4_addr_isany_val(*netif_ip4_addr(&nifs[i].netif));
        if (up == count)
            return 0;
        if (monotonic_ns() >= end)
            return -1;
        netstack_wait(100);
    }
}

struct netif *netstack_netif(int dev)
{
    return dev >= 0 && dev < count ? &nifs[dev].netif : NULL;
}

void netstack_stats(struct netstack_stats *s)
{
    *s = netif_duet_stats;
}

void netstack_serve(int argc, char **argv)
{
    uint64_t seconds = netstack_arg_uint(argc, argv, "for", 0);
    uint64_t end = seconds ? monotonic_ns() + seconds * 1000000000ULL : UINT64_MAX;
    while (monotonic_ns() < end) {
        netstack_poll();
        netstack_wait(1000);
    }
    struct netstack_stats st;
    netstack_stats(&st);
    printf("netstack: %llu frames in, %llu out, %llu dropped, %llu send errors\n",
           (unsigned long long)st.rx_frames, (unsigned long long)st.tx_frames,
           (unsigned long long)st.rx_dropped, (unsigned long long)st.tx_errors);
}

int netstack_start(int argc, char **argv)
{
    if (netstack_init(argc, argv) < 0)
        return -1;
    if (netstack_wait_up(10000) < 0) {
        printf("netstack: no address after 10 s (no DHCP server?)\n");
        return -1;
    }
    return 0;
}

unsigned netstack_arg_uint(int argc, char **argv, const char *key, unsigned dflt)
{
    size_t n = strlen(key);
    for (int i = 1; i < argc; i++)
        if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
            return (unsigned)strtoul(argv[i] + n + 1, NULL, 10);
    return dflt;
}
