/* qemu-virt has no Duet network devices (virtio-net would be the way later). */
#include "duet/hypercall.h"
#include "duet/net.h"
#include "duet/guest.h"
#include "duet/time.h"

int duet_net_count(void) { return 0; }
int duet_net_open(const char *name) { (void)name; return DUET_ENODEV; }
int duet_net_info(int dev, struct duet_net_info *info) { (void)dev; (void)info; return DUET_ENODEV; }
int64_t duet_net_send(int dev, const void *f, size_t l) { (void)dev; (void)f; (void)l; return DUET_ENODEV; }
int64_t duet_net_recv(int dev, void *b, size_t l) { (void)dev; (void)b; (void)l; return DUET_ENODEV; }

int duet_net_xfer(int dev, struct duet_net_desc *tx, unsigned ntx, unsigned *sent,
                  struct duet_net_desc *rx, unsigned nrx)
{
    (void)dev; (void)tx; (void)ntx; (void)rx; (void)nrx;
    if (sent)
        *sent = 0;
    return DUET_ENODEV;
}

int duet_net_wait(uint64_t timeout_ns)
{
    /* No device can wake it: a plain sleep. */
    timer_wait_until(counter_read() + counter_ticks(timeout_ns / 1000000000ULL,
                                                    timeout_ns % 1000000000ULL));
    return 0;
}
