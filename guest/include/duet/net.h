/*
 * Network devices for apps: raw Ethernet frames, on virtio-net NICs
 * (guest/virtio_net/, both platforms). Devices are found by name (the
 * host's --net:NAME=TAP; on qemu-virt net0, net1... in device-tree order). Functions return 0 or a byte count, or a
 * negative DUET_E* code (hypercall.h). A TCP/IP stack sits on top of this:
 * lwIP, through guest/lwip (apps that say `uses: lwip` in app.cfg).
 */
#ifndef DUET_NET_H
#define DUET_NET_H

#include <stddef.h>
#include <stdint.h>
#include "duet/hypercall.h" /* DUET_NET_FRAME_MAX, DUET_E* */

#define DUET_NET_NAME_MAX 15

struct duet_net_desc {     /* one frame of duet_net_xfer() */
    uint64_t data;         /* IN: frame (tx) or buffer (rx), a guest address */
    uint32_t len;          /* IN: frame length (tx) / buffer size, >= mtu+18 (rx);
                            * OUT (rx): the received frame's length */
    int32_t  ret;          /* OUT: 0, or DUET_E* for this frame (tx: EINVAL, EAGAIN) */
};

struct duet_net_info {
    char name[DUET_NET_NAME_MAX + 1];
    uint8_t mac[6];
    uint32_t mtu;          /* largest payload; a frame is at most mtu + 18 bytes */
};

/* How many network devices the host attached (handles are 0..count-1). */
int duet_net_count(void);
/* The handle (>= 0) of the device called `name`, or DUET_ENODEV. */
int duet_net_open(const char *name);
int duet_net_info(int dev, struct duet_net_info *info);
/* Sends one frame (Ethernet header included, no FCS). */
int64_t duet_net_send(int dev, const void *frame, size_t len);
/*
 * Receives one frame into buf (cap >= mtu + 18): its length, or DUET_EAGAIN
 * when none is waiting; the device's interrupt then wakes duet_net_wait().
 */
int64_t duet_net_recv(int dev, void *buf, size_t cap);
/*
 * Many frames in one call (one notification each way): sends tx[0..ntx-1] (each .len the frame length),
 * then receives into rx[0..nrx-1] (each .len the buffer size, >= mtu + 18;
 * on return the frame length). Returns the number received, or DUET_E*;
 * *sent gets the number sent (per-frame errors in tx[i].ret). Fewer
 * received than buffers given means the device is drained and its
 * interrupt armed.
 */
int duet_net_xfer(int dev, struct duet_net_desc *tx, unsigned ntx, unsigned *sent,
                  struct duet_net_desc *rx, unsigned nrx);
/*
 * Zero-copy and offloads, for a TCP/IP stack's driver (guest/lwip/netif_duet.c).
 *
 * Receive: duet_net_rx_next() hands out the next frame where the device put
 * it (r->data inside the receive ring; give it back with
 * duet_net_rx_release(r->token) once done) or, when the frame spans several
 * buffers or too many are out already, r->data NULL: then
 * duet_net_rx_copy() copies it out (buf NULL drops it). 1 with a frame, 0
 * when none waits (the interrupt is then armed), or DUET_E*.
 * r->flags & DUET_NET_RX_CSUM_OK: the host vouches for the frame's TCP/UDP
 * checksum (it checked it, or it came from the host's own stack and was
 * never computed: virtio's DATA_VALID / NEEDS_CSUM); otherwise the stack
 * must check it. DUET_NET_RX_CSUM_PARTIAL: the TCP/UDP checksum was never
 * computed (it holds the pseudo-header sum; csum_start/csum_offset say
 * where): a forwarder passes them to duet_net_tx_end as they are.
 *
 * Send: duet_net_tx_begin() gives a buffer for a frame of len bytes (NULL:
 * the ring is full); duet_net_tx_end() queues it, asking the device to fill
 * in the checksum at csum_start + csum_offset over csum_start..end (the
 * field holding the pseudo-header sum) when csum_start is not 0 (devices
 * without DUET_NET_TX_CSUM: the driver does); duet_net_tx_flush() notifies
 * the device.
 */
#define DUET_NET_RX_CSUM_OK      1u
#define DUET_NET_RX_CSUM_PARTIAL 2u
#define DUET_NET_TX_CSUM    1u   /* duet_net_offloads(): the device completes checksums */

struct duet_net_rx {
    void *data;            /* OUT: the frame, or NULL (duet_net_rx_copy) */
    uint32_t len;          /* OUT: its length (data != NULL) */
    uint32_t flags;        /* OUT: DUET_NET_RX_* */
    uint32_t token;        /* OUT: for duet_net_rx_release */
    uint16_t csum_start;   /* OUT, with DUET_NET_RX_CSUM_PARTIAL */
    uint16_t csum_offset;
    uint32_t parts;        /* OUT: more parts of this frame (duet_net_rx_next_part) */
};

unsigned duet_net_offloads(int dev);
int duet_net_rx_next(int dev, struct duet_net_rx *r);
int64_t duet_net_rx_copy(int dev, struct duet_net_rx *r, void *buf, size_t cap);
void duet_net_rx_release(int dev, uint32_t token);
/*
 * Large receive (a TCP/IP stack whose duet_net_large_receive() says 1, asked
 * once when the NICs are brought up: virtio's GUEST_TSO4): the host may hand over TCPv4 segments of up to 64 KB
 * spanning several ring buffers, each lent: r->parts more of them follow,
 * taken one by one with duet_net_rx_next_part (data, len, token), each
 * released on its own. Frames for the raw API never come this way.
 */
int duet_net_large_receive(void) __attribute__((weak));
int duet_net_rx_next_part(int dev, struct duet_net_rx *r);
void *duet_net_tx_begin(int dev, size_t len);
int duet_net_tx_end(int dev, size_t len, unsigned csum_start, unsigned csum_offset);
void duet_net_tx_flush(int dev);

/*
 * Sleeps (WFI) until a device that returned DUET_EAGAIN may have a frame,
 * or `timeout_ns` has passed. 1 when woken by a device, else 0.
 */
int duet_net_wait(uint64_t timeout_ns);

#endif
