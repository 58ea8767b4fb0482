/*
 * duet/net.h over the one NIC driver both platforms have: virtio-net over
 * virtio-mmio (guest/virtio_net/; Duet's host and qemu-virt's
 * -device virtio-net-device alike).
 */
#include "duet/guest.h"
#include "duet/net_driver.h"
#include "duet/time.h"

volatile int net_frame_waiting;

int duet_net_count(void) { return virtio_net_driver.count(); }
int duet_net_open(const char *name) { return virtio_net_driver.open(name); }
int duet_net_info(int dev, struct duet_net_info *info) { return virtio_net_driver.info(dev, info); }

int64_t duet_net_send(int dev, const void *frame, size_t len)
{
    return virtio_net_driver.send(dev, frame, len);
}

int64_t duet_net_recv(int dev, void *buf, size_t cap)
{
    return virtio_net_driver.recv(dev, buf, cap);
}

int duet_net_xfer(int dev, struct duet_net_desc *tx, unsigned ntx, unsigned *sent,
                  struct duet_net_desc *rx, unsigned nrx)
{
    return virtio_net_driver.xfer(dev, tx, ntx, sent, rx, nrx);
}

int duet_net_wait(uint64_t timeout_ns)
{
    uint64_t ticks = counter_ticks(timeout_ns / 1000000000ULL, timeout_ns % 1000000000ULL);
    uint64_t now = counter_read();
    uint64_t deadline = ticks > UINT64_MAX - now ? UINT64_MAX : now + ticks;
    int woken = timer_wait_event(deadline, &net_frame_waiting);
    net_frame_waiting = 0;
    return woken;
}
