/*
 * lwIP for `uses: sockets` apps: the tcpip thread (lwIP's own), the
 * interfaces from the guest arguments as in NO_SYS mode (netstack.c), and
 * a receive thread that hands frames to lwIP under the core lock, sends what
 * lwIP queued, and otherwise sleeps until the device's interrupt (or a
 * thread queuing output) signals an event.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include "duet/netstack.h"
#include "duet/wait.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "../netif_duet.h"

#define RX_BUDGET 64
#define IDLE_NS   1000000000ULL  /* a quiet device is looked at once a second anyway */

static int devices;

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

int netstack_sockets_start(int argc, char **argv)
{
    sys_sem_t ready;
    sys_sem_new(&ready, 0);
    tcpip_init(tcpip_ready, &ready);
    sys_arch_sem_wait(&ready, 0);
    LOCK_TCPIP_CORE();
    devices = netstack_init(argc, argv);
    UNLOCK_TCPIP_CORE();
    if (devices < 0)
        return -1;
    pthread_t t;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &a, receive_loop, NULL) != 0) {
        printf("netstack: no receive thread\n");
        return -1;
    }
    pthread_setname_np(t, "netif-rx");
    uint64_t end = sched_now() + 10000000000ULL;
    while (!all_up()) {
        if (sched_now() >= end) {
            printf("netstack: no address after 10 s (no DHCP server?)\n");
            return -1;
        }
        usleep(20000);
    }
    return 0;
}
