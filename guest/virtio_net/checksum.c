/* The Internet checksum the host left to the guest (virtio's NEEDS_CSUM). */
#include "nic.h"

void vnet_complete_checksum(uint8_t *frame, size_t len, const struct virtio_net_hdr *h)
{
    size_t start = h->csum_start, at = start + h->csum_offset;
    if (start >= len || at + 2 > len)
        return;
    uint32_t sum = 0;
    for (size_t i = start; i + 1 < len; i += 2)
        sum += (uint32_t)frame[i] << 8 | frame[i + 1];
    if ((len - start) & 1)
        sum += (uint32_t)frame[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    uint16_t c = (uint16_t)~sum;
    frame[at] = (uint8_t)(c >> 8);
    frame[at + 1] = (uint8_t)c;
}
