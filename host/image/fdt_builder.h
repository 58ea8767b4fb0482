/*
 * The guest's device tree, written with libfdt's sequential-write API.
 * The caller places the blob at DUET_RAM_BASE and passes its address in X0.
 *
 * Nodes (Linux DT bindings, laid out like QEMU's virt board):
 *   /                 compatible "duet,virt", model, #address/#size-cells 2,
 *                     interrupt-parent = the GIC
 *   /memreserve/      [ram_base, DUET_GUEST_LOAD_MIN): device tree + host area
 *   /chosen           bootargs, stdout-path "/duet@a000000", rng-seed,
 *                     duet,rootfs (the boot archive's address and size)
 *   /memory@<base>    device_type "memory", reg
 *   /cpus/cpu@N       "arm,armv8", reg = N, enable-method "psci"
 *                     (KVM's default MPIDR has Aff0 = vcpu index for < 16)
 *   /psci             "arm,psci-1.0", "arm,psci-0.2", method "hvc"
 *   /intc@8000000     GICv3 "arm,gic-v3": reg = GICD, GICR (stride x ncpus)
 *                     GICv2 "arm,cortex-a15-gic": reg = GICD, GICC
 *   /timer            "arm,armv8-timer", always-on, 4 PPIs (see .c)
 *   /duet@a000000     DUET_FDT_COMPAT, reg = hypercall window,
 *                     "duet,abi-version" = DUET_ABI_VERSION
 *   /virtio_mmio@...  one per NIC: "virtio,mmio", reg, its edge SPI,
 *                     "duet,name", "duet,interrupt-no-ack"
 * Guests should find the hypercall window by compatible, not by path.
 */
#ifndef DUET_FDT_BUILDER_H
#define DUET_FDT_BUILDER_H

#include <stddef.h>
#include <stdint.h>
#include "devices/block/block_dev.h"
#include "devices/dir/dir_share.h"
#include "devices/net/net_dev.h"

#define FDT_RNG_SEED_BYTES 32

struct fdt_params {
    uint64_t    ram_base;      /* normally DUET_RAM_BASE */
    uint64_t    ram_size;      /* bytes */
    int         ncpus;         /* 1..DUET_MAX_VCPUS */
    int         gic_version;   /* 2 or 3; 0: no GIC (then no NIC either) */
    const char *bootargs;      /* joined guest args (bootargs_join); NULL = "" */
    uint8_t     rng_seed[FDT_RNG_SEED_BYTES]; /* /chosen/rng-seed, e.g. getrandom() */
    int         boot_times;    /* ask the guest for DUET_HC_BOOT_TIMES (--verbose) */
    const char *const *env;    /* /chosen "duet,env": NAME=VALUE strings */
    unsigned    nenv;
    const struct dir_share *dirs;   /* /duet@.../dir@N nodes, by index */
    unsigned    ndirs;
    const struct block_dev *blocks; /* /duet@.../block@N nodes, by index */
    unsigned    nblocks;
    const struct net_dev *nets;     /* /virtio_mmio@... nodes, by index */
    unsigned    nnets;
    uint64_t    rootfs_base;   /* /chosen DUET_FDT_ROOTFS = <base size>; size 0: none */
    uint64_t    rootfs_size;
};

/*
 * Builds the tree into buf; at most min(bufsize, DUET_DTB_MAX) bytes are
 * used. Returns 0 (the blob's size is then fdt_totalsize(buf)), or -1 with
 * a one-line reason in err, e.g. "guest arguments too long for the device
 * tree (N bytes, limit M)".
 */
int fdt_build(void *buf, size_t bufsize, const struct fdt_params *p,
              char *err, size_t errlen);

#endif
