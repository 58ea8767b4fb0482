/* qemu-virt has no network devices of its own: its NICs are virtio-net (guest/virtio_net.c). */
#include "duet/net_driver.h"

static int none(void) { return 0; }

const struct net_driver platform_net_driver = { .name = "none", .count = none };
