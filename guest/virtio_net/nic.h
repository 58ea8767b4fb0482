/*
 * virtio-net (virtio 1.2, 5.1) behind duet/net.h, on any platform whose
 * device tree lists virtio-mmio NICs. Frames are copied into and out of
 * buffers the driver owns for good (descriptor i = buffer i): the receive
 * queue stays full of empty buffers, the send queue takes one buffer per
 * frame (header + frame). The receive interrupt is asked for (EVENT_IDX's
 * used_event) only when a receive found nothing, so a busy guest polls and
 * an idle one sleeps; the send queue never interrupts (its buffers are
 * reclaimed on the next send).
 *
 * For lwIP (duet_net_rx_next...): received frames stay in their ring buffer
 * until the stack frees them (zero copy), as long as at most half the ring
 * is out that way and the frame fits one buffer; sends are written straight
 * into a send buffer, with the TCP/UDP checksum left to the device
 * (VIRTIO_NET_F_CSUM: the header's NEEDS_CSUM).
 *
 * The driver's files share this header: setup.c (features, buffers, the
 * NICs), tx.c (send), rx.c (copying receive), rx_lend.c (zero-copy
 * receive), checksum.c, driver.c (duet/net.h's raw calls).
 */
#ifndef DUET_VIRTIO_NET_NIC_H
#define DUET_VIRTIO_NET_NIC_H

#include <stddef.h>
#include <stdint.h>
#include "duet/net_driver.h"
#include "duet/virtio_mmio.h"

#define RXQ_MAX      256
#define TXQ_MAX      128
#define HDR          sizeof(struct virtio_net_hdr)

struct nic {
    struct virtio_mmio_dev mmio;
    struct duet_net_info info;
    struct virtq rx, tx;
    uint8_t *rx_bufs, *tx_bufs;
    uint32_t rx_buf_len, tx_buf_len;
    int mrg;                      /* MRG_RXBUF: num_buffers counts a frame's buffers */
    int large;                    /* GUEST_TSO4 with MRG_RXBUF: lent frames may span buffers */
    unsigned parts_left;          /* of the frame duet_net_rx_next lent in parts */
    uint16_t tx_free[TXQ_MAX];    /* send buffers not with the device */
    unsigned tx_nfree;
    int tx_open;                  /* -1, or the buffer duet_net_tx_begin handed out */
    unsigned rx_out;              /* receive buffers lent to the stack (zero copy) */
    unsigned pend_id;             /* duet_net_rx_next's frame for duet_net_rx_copy */
    uint32_t pend_len;
    int pend;
};

/* setup.c: the NICs found and brought up (once, on first use); dev's, or NULL. */
int vnet_probe(void);
struct nic *vnet_nic(int dev);

/* tx.c */
void vnet_reclaim_tx(struct nic *n);
/* Queues one frame (published by the caller's kick). 0 or DUET_E*. */
int vnet_queue_frame(struct nic *n, const void *frame, size_t len);

/* rx.c */
/*
 * The frame whose first buffer is (id, len), copied into buf: its length,
 * or -1 when it was dropped (too big for cap, malformed; buf NULL drops it).
 * Its buffers go back to the device (published by the caller's kick).
 */
long vnet_copy_frame(struct nic *n, unsigned id, uint32_t len, uint8_t *buf, size_t cap,
                     struct virtio_net_hdr *h);
/* Receives one frame: its length, or 0 when none waits (the interrupt is then armed). */
long vnet_receive(struct nic *n, void *buf, size_t cap);

/* checksum.c: NEEDS_CSUM (GUEST_CSUM): the checksum field holds the pseudo-header sum; finish it. */
void vnet_complete_checksum(uint8_t *frame, size_t len, const struct virtio_net_hdr *h);

#endif
