/*
 * lwIP for `uses: sockets` apps, up before main(): the tcpip thread (lwIP's
 * own), the interfaces (netstack.c) and a receive thread that hands frames
 * to lwIP under the core lock, sends what lwIP queued, and otherwise sleeps
 * until the device's interrupt (or a thread queuing output) signals an event.
 *
 * Configuration is the environment (app.cfg `env:` or `duet run --env`):
 *   DUET_NET_<dev>=ADDR/PREFIX[,gw=GW] | dhcp   per device (default dhcp),
 *                                              e.g. DUET_NET_net0=10.0.2.2/24,gw=10.0.2.1
 *   DUET_DNS=ADDR[,ADDR]                        resolvers (else what DHCP gave)
 *   DUET_NET_WAIT=SECONDS                       longest wait for DHCP before main (10)
 *   DUET_NET_LINGER=SECONDS                     longest wait at exit for sent data (5)
 * so a plain POSIX program needs no Duet call to use the network.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "duet/net.h"
#include "duet/netstack.h"
#include "duet/wait.h"
#include "lwip/dns.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "lwip/priv/tcp_priv.h"
#include "duet/vfs.h"
#include "../netif_duet.h"

#define RX_BUDGET 64
#define IDLE_NS   1000000000ULL  /* a quiet device is looked at once a second anyway */
#define MAX_DEVS  4

static int devices;
static int started;   /* 1 up, -1 failed (printed why) */

static void *receive_loop(void *arg)
{
    (void)arg;
    for (;;) {
        int busy = 0;
        LOCK_TCPIP_CORE();
        for (int i = 0; i < devices; i++) {
            struct netif_duet *d = netstack_netif(i)->state;
            busy |= netif_duet_poll(d, RX_BUDGET) == NETIF_DUET_BUSY;
            netif_duet_flush(d);
        }
        UNLOCK_TCPIP_CORE();
        if (busy)
            sched_yield(); /* frames still waiting: the others get a turn first */
        else
            sched_wait_event(sched_now() + IDLE_NS);
    }
    return NULL;
}

static void tcpip_ready(void *sem)
{
    sys_sem_signal(sem);
}

static int all_up(void)
{
    for (int i = 0; i < devices; i++)
        if (ip4_addr_isany_val(*netif_ip4_addr(netstack_netif(i))))
            return 0;
    return 1;
}

/* DUET_DNS=ADDR[,ADDR]: lwIP's resolvers (after DHCP's, which it would replace). */
static void dns_from_env(void)
{
    const char *v = getenv("DUET_DNS");
    if (!v || !*v)
        return;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", v);
    int n = 0;
    for (char *save, *t = strtok_r(buf, ", ", &save); t && n < DNS_MAX_SERVERS;
         t = strtok_r(NULL, ", ", &save)) {
        ip_addr_t a;
        if (!ipaddr_aton(t, &a)) {
            printf("netstack: DUET_DNS=%s: '%s' is not an IPv4 address\n", v, t);
            continue;
        }
        LOCK_TCPIP_CORE();
        dns_setserver((u8_t)n++, &a);
        UNLOCK_TCPIP_CORE();
    }
}

/* The devices' settings as netstack_init() arguments: "net0=..." from
 * DUET_NET_net0, then any such arguments the app passes itself. */
static int start(int argc, char **argv)
{
    if (duet_net_count() == 0)
        return -1;  /* no NIC: nothing to bring up, and nothing to say */
    static char entries[MAX_DEVS][96];
    char *args[MAX_DEVS + 130];
    int n = 0;
    args[n++] = "app";
    for (int dev = 0; dev < duet_net_count() && dev < MAX_DEVS; dev++) {
        struct duet_net_info info;
        char key[48];
        if (duet_net_info(dev, &info) < 0)
            continue;
        snprintf(key, sizeof key, "DUET_NET_%s", info.name);
        const char *v = getenv(key);
        if (v) {
            snprintf(entries[dev], sizeof entries[dev], "%s=%s", info.name, v);
            args[n++] = entries[dev];
        }
    }
    for (int i = 1; i < argc && n < (int)(sizeof args / sizeof *args); i++)
        args[n++] = argv[i];

    sys_sem_t ready;
    sys_sem_new(&ready, 0);
    tcpip_init(tcpip_ready, &ready);
    sys_arch_sem_wait(&ready, 0);
    LOCK_TCPIP_CORE();
    devices = netstack_init(n, args);
    UNLOCK_TCPIP_CORE();
    if (devices < 0)
        return -1;
    dns_from_env();
    pthread_t t;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &a, receive_loop, NULL) != 0) {
        printf("netstack: no receive thread\n");
        return -1;
    }
    pthread_setname_np(t, "netif-rx");
    const char *w = getenv("DUET_NET_WAIT");
    unsigned wait_s = w ? (unsigned)strtoul(w, NULL, 10) : 10;
    uint64_t end = sched_now() + (uint64_t)wait_s * 1000000000ULL;
    while (!all_up()) {
        if (sched_now() >= end) {
            printf("netstack: no address after %u s (no DHCP server?); starting anyway\n",
                   wait_s);
            fflush(stdout);
            return 0;
        }
        usleep(20000);
    }
    return 0;
}

/* Data and FINs still on their way out (or a close not yet answered). */
static int tcp_busy(void)
{
    int busy = 0;
    LOCK_TCPIP_CORE();
    for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
        busy |= p->unsent || p->unacked || p->state == FIN_WAIT_1 || p->state == CLOSING ||
                p->state == LAST_ACK;
    UNLOCK_TCPIP_CORE();
    return busy;
}

/*
 * At exit, as Linux's kernel would after the process: every socket still
 * open is closed (a FIN), and what was written goes out before the guest
 * stops, for up to DUET_NET_LINGER seconds (default 5).
 */
static void drain_at_exit(void)
{
    extern const struct file_ops sock_file_ops;
    for (int fd = 0; fd < VFS_FD_MAX; fd++) {
        struct file *f = fd_get(fd);
        if (f && f->ops == &sock_file_ops)
            fd_close(fd);
    }
    const char *v = getenv("DUET_NET_LINGER");
    uint64_t end = sched_now() + (v ? strtoull(v, NULL, 10) : 5) * 1000000000ULL;
    while (tcp_busy() && sched_now() < end)
        usleep(10000);
}

/* Before main(): constructors run after the environment is set up. */
__attribute__((constructor)) static void netstack_before_main(void)
{
    started = start(0, NULL) == 0 ? 1 : -1;
    if (started > 0)
        atexit(drain_at_exit);
}

int netstack_sockets_start(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (started < 0 && duet_net_count() == 0)
        printf("netstack: no network device (attach one: duet run --net:NAME=TAP)\n");
    return started > 0 ? 0 : -1;
}
