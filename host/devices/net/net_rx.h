/*
 * Receive interrupts for network devices. A thread waits in ppoll() on the
 * taps the guest has armed (its last receive found nothing) and fires the
 * device's SPI through KVM_IRQ_LINE when a frame arrives, so a guest with
 * nothing to do sleeps in WFI instead of polling the host.
 */
#ifndef DUET_NET_RX_H
#define DUET_NET_RX_H

#include "devices/net/net_dev.h"

struct net_rx;

/* Starts the thread (before the sandbox: it inherits the filter via TSYNC). */
struct net_rx *net_rx_start(struct net_dev *devs, unsigned n, int vm_fd, char *err, size_t errlen);
/* Called on the vCPU thread when a receive found nothing: interrupt on the next frame. */
void net_rx_arm(struct net_rx *rx, struct net_dev *d);
/* Stops and joins the thread (before the VM's fd is closed). */
void net_rx_stop(struct net_rx *rx);

#endif
