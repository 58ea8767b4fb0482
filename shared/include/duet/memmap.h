/*
 * The guest-physical memory map: drawn once, here, where the constants live.
 * Host and guest both include this file; nothing else hard-codes an address.
 *
 *   IPA
 *   0x0000_0000 +---------------------------+
 *               | unmapped (NULL, no slot)  |
 *   0x0800_0000 +---------------------------+ DUET_GICD_BASE
 *               | GIC distributor   (64K)   |
 *   0x0801_0000 +---------------------------+ DUET_GICC_BASE (GICv2 only)
 *               | GICv2 CPU iface   (8K)    |
 *   0x080A_0000 +---------------------------+ DUET_GICR_BASE (GICv3 only)
 *               | GICv3 redistributors      |
 *               |  128K per vCPU, room for  |
 *               |  DUET_MAX_VCPUS           |
 *   0x0A00_0000 +---------------------------+ DUET_HC_BASE
 *               | hypercall window (4K)     |  no memslot: every store
 *               |  8 bytes per hypercall nr |  exits to the host (MMIO)
 *   0x0A00_1000 +---------------------------+
 *               | unmapped                  |
 *   0x4000_0000 +---------------------------+ DUET_RAM_BASE
 *               | device tree (<= 64K)      |  written by the host, X0
 *   0x4001_0000 +---------------------------+ DUET_RAM_BASE + DUET_DTB_MAX
 *               | reserved for the host     |
 *   0x4010_0000 +---------------------------+ DUET_GUEST_LOAD_MIN
 *               | guest ELF: text, rodata,  |
 *               | data, bss, heap ...       |
 *               |              ... stack    |
 *   RAM end     +---------------------------+ SP_EL1 at entry = RAM end
 *               | unmapped                  |
 *  0x8_0000_0000 +--------------------------+ DUET_ROOTFS_BASE
 *               | boot archive (rootfs.h),  |  read-only memslot over the
 *               |  <= DUET_ROOTFS_MAX       |  image file (qemu-virt: flash
 *               +---------------------------+  bank 1 at 0x0400_0000, 64 MiB)
 *
 * RAM size is chosen at run time (duet run --mem), from DUET_RAM_MIN up to
 * DUET_RAM_MAX. Addresses are identity-mapped by the guest's MMU.
 */
#ifndef DUET_MEMMAP_H
#define DUET_MEMMAP_H

#define DUET_GICD_BASE       0x08000000ULL
#define DUET_GICD_SIZE       0x00010000ULL
#define DUET_GICC_BASE       0x08010000ULL /* GICv2 CPU interface */
#define DUET_GICC_SIZE       0x00002000ULL
#define DUET_GICR_BASE       0x080A0000ULL /* GICv3 redistributors */
#define DUET_GICR_STRIDE     0x00020000ULL /* RD_base + SGI_base frames */
#define DUET_MAX_VCPUS       8

#define DUET_HC_BASE         0x0A000000ULL
#define DUET_HC_SIZE         0x00001000ULL

#define DUET_RAM_BASE        0x40000000ULL
#define DUET_DTB_MAX         0x00010000ULL /* 64 KiB at the bottom of RAM */
#define DUET_GUEST_LOAD_MIN  (DUET_RAM_BASE + 0x00100000ULL)
#define DUET_RAM_MIN         0x00200000ULL /* 2 MiB */
#define DUET_RAM_MAX         0x400000000ULL /* 16 GiB */
#define DUET_RAM_DEFAULT     0x02000000ULL /* 32 MiB */

#define DUET_ROOTFS_BASE     0x800000000ULL  /* 32 GiB: above the largest RAM, inside 36-bit IPAs */
#define DUET_ROOTFS_MAX      0x40000000ULL   /* 1 GiB: one guest level-2 table */
#define DUET_QEMU_FLASH1     0x04000000ULL   /* qemu-virt: its rootfs, flash bank 1 */
#define DUET_QEMU_FLASH_SIZE 0x04000000ULL

/* Every address above lies below 64 GiB: the VM's IPA size, and the guest's
 * VA size (its map is the identity). */
#define DUET_IPA_BITS        36

#endif
