/* lwIP raw-API glue for tcp_server.h: one listener, callbacks per connection. */
#include <stdio.h>
#include "duet/tcp_server.h"

static const struct tcp_server_ops *server;

void tcp_server_close(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    if (tcp_close(pcb) != ERR_OK)
        tcp_abort(pcb); /* out of memory for the FIN: reset instead */
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    if (err != ERR_OK && p) { /* lwIP only passes ERR_OK today; be safe */
        pbuf_free(p);
        p = NULL;
    }
    server->recv(arg, pcb, p);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)len;
    if (server->sent)
        server->sent(arg, pcb);
    return ERR_OK;
}

static void on_error(void *arg, err_t err)
{
    (void)err; /* lwIP has freed the pcb already */
    if (arg)
        server->gone(arg);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    void *conn = server->open(pcb);
    if (!conn)
        return ERR_MEM;
    tcp_arg(pcb, conn);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_error);
    return ERR_OK;
}

int tcp_server_listen(unsigned port, const struct tcp_server_ops *ops)
{
    struct tcp_pcb *pcb = tcp_new();
    if (!pcb || tcp_bind(pcb, IP_ANY_TYPE, (u16_t)port) != ERR_OK || !(pcb = tcp_listen(pcb))) {
        printf("tcp_server: cannot listen on TCP port %u\n", port);
        return -1;
    }
    server = ops;
    tcp_accept(pcb, on_accept);
    return 0;
}
