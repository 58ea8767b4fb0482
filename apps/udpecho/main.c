/*
 * udpecho: sends every UDP datagram back to where it came from (RFC 862).
 *     duet run --net:net0=tap0 udpecho.duet.elf -- net0=10.0.2.2/24 [port=7] [for=SECONDS]
 */
#include <stdio.h>
#include "duet/netstack.h"
#include "lwip/udp.h"

static uint64_t echoed;

static void on_datagram(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                        u16_t port)
{
    (void)arg;
    /* The received pbuf still has room for the headers in front: reuse it. */
    if (udp_sendto(pcb, p, addr, port) == ERR_OK)
        echoed++;
    pbuf_free(p);
}

int main(int argc, char **argv)
{
    unsigned port = netstack_arg_uint(argc, argv, "port", 7);
    if (netstack_start(argc, argv) < 0)
        return 1;
    struct udp_pcb *pcb = udp_new();
    if (!pcb || udp_bind(pcb, IP_ANY_TYPE, (u16_t)port) != ERR_OK) {
        printf("udpecho: cannot bind UDP port %u\n", port);
        return 1;
    }
    udp_recv(pcb, on_datagram, NULL);
    printf("udpecho: echoing UDP port %u\n", port);
    fflush(stdout);
    netstack_serve(argc, argv);
    printf("udpecho: %llu datagrams echoed\n", (unsigned long long)echoed);
    return 0;
}
