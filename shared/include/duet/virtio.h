/*
 * virtio 1.2 as Duet uses it, for both sides: the virtio-mmio transport
 * (section 4.2.2), split virtqueues (2.7) and the virtio-net device (5.1).
 * The guest's driver (guest/virtio_*.c) and the host's device model
 * (host/devices/virtio/) compile this same header. All fields are
 * little-endian (VIRTIO_F_VERSION_1), which both sides are.
 */
#ifndef DUET_VIRTIO_H
#define DUET_VIRTIO_H

#include <stdint.h>

/* Where the host puts its virtio-mmio transports (one per NIC): just past
 * the hypercall window, in the same 2 MiB device block of the guest's map. */
#define DUET_VIRTIO_BASE      0x0A010000ULL
#define DUET_VIRTIO_STRIDE    0x200ULL
#define DUET_VIRTIO_MAX       8

/* virtio-mmio registers (offsets), version 2 ("modern") only. */
#define VIRTIO_MMIO_MAGIC            0x000   /* "virt" */
#define VIRTIO_MMIO_VERSION          0x004
#define VIRTIO_MMIO_DEVICE_ID        0x008
#define VIRTIO_MMIO_VENDOR_ID        0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES  0x010
#define VIRTIO_MMIO_DEVICE_FEAT_SEL  0x014
#define VIRTIO_MMIO_DRIVER_FEATURES  0x020
#define VIRTIO_MMIO_DRIVER_FEAT_SEL  0x024
#define VIRTIO_MMIO_QUEUE_SEL        0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX    0x034
#define VIRTIO_MMIO_QUEUE_NUM        0x038
#define VIRTIO_MMIO_QUEUE_READY      0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY     0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK    0x064
#define VIRTIO_MMIO_STATUS           0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW   0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH  0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW  0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW   0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH  0x0a4
#define VIRTIO_MMIO_CONFIG_GEN       0x0fc
#define VIRTIO_MMIO_CONFIG           0x100

#define VIRTIO_MMIO_MAGIC_VALUE      0x74726976u
#define VIRTIO_ID_NET                1
#define VIRTIO_INT_USED_RING         1u     /* InterruptStatus bit 0 */
#define VIRTIO_INT_CONFIG            2u

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE    1u
#define VIRTIO_STATUS_DRIVER         2u
#define VIRTIO_STATUS_DRIVER_OK      4u
#define VIRTIO_STATUS_FEATURES_OK    8u
#define VIRTIO_STATUS_NEEDS_RESET    64u
#define VIRTIO_STATUS_FAILED         128u

/* Feature bits (64-bit space; the transport shows 32 at a time). */
#define VIRTIO_NET_F_CSUM            0      /* device completes partial tx checksums */
#define VIRTIO_NET_F_GUEST_CSUM      1      /* driver takes rx frames with partial checksums */
#define VIRTIO_NET_F_MTU             3
#define VIRTIO_NET_F_GUEST_TSO4      7      /* driver takes TCPv4 segments up to 64 KB (GSO) */
#define VIRTIO_NET_F_MAC             5
#define VIRTIO_NET_F_MRG_RXBUF       15     /* a received frame may span several buffers */
#define VIRTIO_NET_F_STATUS          16
#define VIRTIO_F_RING_EVENT_IDX      29
#define VIRTIO_F_VERSION_1           32
#define VIRTIO_BIT(f)                (1ULL << (f))

/* Split virtqueue layout. */
#define VIRTQ_DESC_F_NEXT            1
#define VIRTQ_DESC_F_WRITE           2
#define VIRTQ_DESC_F_INDIRECT        4
#define VIRTQ_AVAIL_F_NO_INTERRUPT   1
#define VIRTQ_USED_F_NO_NOTIFY       1
#define VIRTQ_SIZE_MAX               32768  /* the spec's limit on a split queue */

struct virtq_desc {
    uint64_t addr;        /* guest-physical */
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {      /* driver -> device; followed by uint16_t used_event */
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};

struct virtq_used_elem {
    uint32_t id;          /* head of the chain */
    uint32_t len;         /* bytes the device wrote into it */
};

struct virtq_used {       /* device -> driver; followed by uint16_t avail_event */
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};

/* Bytes of each part for a queue of `n` entries (EVENT_IDX words included). */
#define VIRTQ_DESC_BYTES(n)   (16u * (n))
#define VIRTQ_AVAIL_BYTES(n)  (6u + 2u * (n))
#define VIRTQ_USED_BYTES(n)   (6u + 8u * (n))

/* EVENT_IDX: notify when `new_idx` has passed `event` since `old_idx` (2.7.7.2). */
static inline int virtq_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

/* virtio-net: the header in front of every frame (VERSION_1: always 12 bytes). */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM  1
#define VIRTIO_NET_HDR_F_DATA_VALID  2
#define VIRTIO_NET_HDR_GSO_NONE      0

struct virtio_net_hdr {
    uint8_t  flags;
    uint8_t  gso_type;
    uint16_t hdr_len;
    uint16_t gso_size;
    uint16_t csum_start;  /* NEEDS_CSUM: checksum from here to the end ... */
    uint16_t csum_offset; /* ... stored at csum_start + csum_offset */
    uint16_t num_buffers; /* MRG_RXBUF: buffers this frame spans (rx) */
};

/* virtio-net device configuration (at VIRTIO_MMIO_CONFIG). */
#define VIRTIO_NET_CFG_MAC           0      /* 6 bytes, with VIRTIO_NET_F_MAC */
#define VIRTIO_NET_CFG_STATUS        6      /* u16, with VIRTIO_NET_F_STATUS */
#define VIRTIO_NET_CFG_MAX_PAIRS     8      /* u16 */
#define VIRTIO_NET_CFG_MTU           10     /* u16, with VIRTIO_NET_F_MTU */
#define VIRTIO_NET_CFG_SIZE          12
#define VIRTIO_NET_S_LINK_UP         1

#define VIRTIO_NET_RXQ               0
#define VIRTIO_NET_TXQ               1

#endif
