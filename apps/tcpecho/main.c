/*
 * tcpecho: sends every byte of each TCP connection back (RFC 862).
 *     duet run --net:net0=tap0 tcpecho.duet.elf -- net0=10.0.2.2/24 [port=7] [for=SECONDS]
 *
 * Back-pressure: received data is acknowledged to the peer (tcp_recved)
 * only once it has been queued for sending, so a slow reader slows the
 * writer through TCP's window instead of filling the guest's memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "duet/netstack.h"
#include "lwip/tcp.h"

struct conn {
    struct pbuf *pending;  /* received, not yet queued for sending */
    int peer_closed;
};

static uint64_t connections, bytes_echoed;

static void finish(struct tcp_pcb *pcb, struct conn *c)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    if (c->pending)
        pbuf_free(c->pending);
    free(c);
    if (tcp_close(pcb) != ERR_OK)
        tcp_abort(pcb);
}

/* Queues as much pending data as the send buffer takes. */
static void flush(struct tcp_pcb *pcb, struct conn *c)
{
    while (c->pending) {
        u16_t room = tcp_sndbuf(pcb);
        u16_t n = c->pending->len < room ? c->pending->len : room;
        if (n == 0 || tcp_write(pcb, c->pending->payload, n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break; /* full: on_sent() calls again */
        tcp_recved(pcb, n);
        bytes_echoed += n;
        c->pending = pbuf_free_header(c->pending, n);
    }
    tcp_output(pcb);
    if (!c->pending && c->peer_closed)
        finish(pcb, c);
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct conn *c = arg;
    if (!p || err != ERR_OK) {
        if (p)
            pbuf_free(p);
        c->peer_closed = 1;
    } else if (c->pending) {
        pbuf_cat(c->pending, p);
    } else {
        c->pending = p;
    }
    flush(pcb, c);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)len;
    flush(pcb, arg);
    return ERR_OK;
}

static void on_error(void *arg, err_t err)
{
    (void)err;
    struct conn *c = arg; /* lwIP has freed the pcb already */
    if (c && c->pending)
        pbuf_free(c->pending);
    free(c);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return ERR_MEM;
    connections++;
    tcp_nagle_disable(pcb);
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_error);
    return ERR_OK;
}

int main(int argc, char **argv)
{
    unsigned port = 7;
    for (int i = 1; i < argc; i++)
        if (!strncmp(argv[i], "port=", 5))
            port = (unsigned)strtoul(argv[i] + 5, NULL, 10);
    if (netstack_init(argc, argv) < 0 || netstack_wait_up(10000) < 0)
        return 1;
    struct tcp_pcb *pcb = tcp_new();
    if (!pcb || tcp_bind(pcb, IP_ANY_TYPE, (u16_t)port) != ERR_OK ||
        !(pcb = tcp_listen(pcb))) {
        printf("tcpecho: cannot listen on TCP port %u\n", port);
        return 1;
    }
    tcp_accept(pcb, on_accept);
    printf("tcpecho: echoing TCP port %u\n", port);
    fflush(stdout);
    netstack_serve(argc, argv);
    printf("tcpecho: %llu connections, %llu bytes echoed\n", (unsigned long long)connections,
           (unsigned long long)bytes_echoed);
    return 0;
}
