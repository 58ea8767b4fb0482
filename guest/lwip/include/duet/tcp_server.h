/*
 * A TCP server on lwIP's raw API without the boilerplate: listen on a port,
 * and get one callback per event of each connection. Callbacks run inside
 * netstack_poll(). A connection's state is what open() returns.
 */
#ifndef DUET_TCP_SERVER_H
#define DUET_TCP_SERVER_H

#include "lwip/tcp.h"

struct tcp_server_ops {
    /* A new connection: its state, or NULL to refuse it. */
    void *(*open)(struct tcp_pcb *pcb);
    /* Data arrived, or the peer closed (p == NULL). The callee frees p and
     * calls tcp_recved() once it has taken the data: that reopens the window. */
    void (*recv)(void *conn, struct tcp_pcb *pcb, struct pbuf *p);
    /* The peer acknowledged data: room to send more. May be NULL. */
    void (*sent)(void *conn, struct tcp_pcb *pcb);
    /* lwIP dropped the connection (reset, timeout): free the state. */
    void (*gone)(void *conn);
};

/* Listens on `port`. 0, or -1 (printed why). */
int tcp_server_listen(unsigned port, const struct tcp_server_ops *ops);
/* Ends a connection: no more callbacks; queued data still goes out before FIN. */
void tcp_server_close(struct tcp_pcb *pcb);

#endif
