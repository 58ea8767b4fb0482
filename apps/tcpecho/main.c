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
#include "duet/netstack.h"
#include "duet/tcp_server.h"

struct conn {
    struct pbuf *pending;  /* received, not yet queued for sending */
    int peer_closed;
};

static uint64_t connections, bytes_echoed;

static void forget(void *arg)
{
    struct conn *c = arg;
    if (c->pending)
        pbuf_free(c->pending);
    free(c);
}

/* Queues as much pending data as the send buffer takes. */
static void flush(void *arg, struct tcp_pcb *pcb)
{
    struct conn *c = arg;
    while (c->pending) {
        u16_t room = tcp_sndbuf(pcb);
        u16_t n = c->pending->len < room ? c->pending->len : room;
        if (n == 0 || tcp_write(pcb, c->pending->payload, n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break; /* full: the sent callback comes back here */
        tcp_recved(pcb, n);
        bytes_echoed += n;
        c->pending = pbuf_free_header(c->pending, n);
    }
    tcp_output(pcb);
    if (!c->pending && c->peer_closed) {
        tcp_server_close(pcb);
        forget(c);
    }
}

static void on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p)
{
    struct conn *c = arg;
    if (!p)
        c->peer_closed = 1;
    else if (c->pending)
        pbuf_cat(c->pending, p);
    else
        c->pending = p;
    flush(c, pcb);
}

static void *on_open(struct tcp_pcb *pcb)
{
    struct conn *c = calloc(1, sizeof *c);
    if (c) {
        connections++;
        tcp_nagle_disable(pcb);
    }
    return c;
}

static const struct tcp_server_ops echo = { on_open, on_recv, flush, forget };

int main(int argc, char **argv)
{
    unsigned port = netstack_arg_uint(argc, argv, "port", 7);
    if (netstack_start(argc, argv) < 0 || tcp_server_listen(port, &echo) < 0)
        return 1;
    printf("tcpecho: echoing TCP port %u\n", port);
    fflush(stdout);
    netstack_serve(argc, argv);
    printf("tcpecho: %llu connections, %llu bytes echoed\n", (unsigned long long)connections,
           (unsigned long long)bytes_echoed);
    return 0;
}
