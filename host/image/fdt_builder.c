/* The guest device tree; the node list and why is in fdt_builder.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include "duet/hypercall.h"
#include "duet/kvm_irq.h"
#include "image/fdt_builder.h"
#include "lib/errmsg.h"
#include "duet/rootfs.h"
#include "duet/virtio.h"

#define GIC_PHANDLE      1
#define GIC_IRQ_SPI      0   /* first cell of a GIC interrupt specifier */
#define GIC_IRQ_PPI      1
#define IRQ_EDGE_RISING  1   /* devices' SPIs: the host pulses them */
#define IRQ_LEVEL_HIGH   4   /* as QEMU virt: KVM's timer lines are level, active high */

#define TRY(x) do { int r_ = (x); if (r_ < 0) return r_; } while (0)


/* A "reg" of n (address, size) pairs, each two cells because root has
 * #address-cells = #size-cells = 2. */
static int prop_reg(void *fdt, const uint64_t *pairs, int n)
{
    fdt64_t cells[4];
    for (int i = 0; i < 2 * n; i++)
        cells[i] = cpu_to_fdt64(pairs[i]);
    return fdt_property(fdt, "reg", cells, (int)(n * 2 * sizeof(fdt64_t)));
}

/* "base@hex", as snprintf's "%s@%llx" would write it (len >= 2). Written
 * by hand: this is the boot path's only formatted output, and the first
 * snprintf of a process runs a lot of libc code for the first time. */
static void node_name(char *out, size_t len, const char *base, uint64_t addr)
{
    size_t n = 0;
    while (*base && n + 1 < len)
        out[n++] = *base++;
    char digits[16];
    int nd = 0;
    do {
        digits[nd++] = "0123456789abcdef"[addr & 15];
        addr >>= 4;
    } while (addr);
    if (n + 1 < len)
        out[n++] = '@';
    while (nd && n + 1 < len)
        out[n++] = digits[--nd];
    out[n] = 0;
}

static int add_cpus(void *fdt, const struct fdt_params *p)
{
    char name[32];
    TRY(fdt_begin_node(fdt, "cpus"));
    TRY(fdt_property_u32(fdt, "#address-cells", 1));
    TRY(fdt_property_u32(fdt, "#size-cells", 0));
    for (int i = 0; i < p->ncpus; i++) {
        node_name(name, sizeof(name), "cpu", (uint64_t)i);
        TRY(fdt_begin_node(fdt, name));
        TRY(fdt_property_string(fdt, "device_type", "cpu"));
        TRY(fdt_property_string(fdt, "compatible", "arm,armv8"));
        TRY(fdt_property_u32(fdt, "reg", (uint32_t)i));
        TRY(fdt_property_string(fdt, "enable-method", "psci"));
        TRY(fdt_end_node(fdt));
    }
    return fdt_end_node(fdt);
}

static int add_gic_and_timer(void *fdt, const struct fdt_params *p)
{
    char name[32];
    node_name(name, sizeof(name), "intc", DUET_GICD_BASE);
    TRY(fdt_begin_node(fdt, name));
    if (p->gic_version == 3) {
        static const char compat[] = "arm,gic-v3";
        uint64_t reg[4] = { DUET_GICD_BASE, DUET_GICD_SIZE,
                            DUET_GICR_BASE, DUET_GICR_STRIDE * (uint64_t)p->ncpus };
        TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
        TRY(prop_reg(fdt, reg, 2));
        TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
    } else {
        static const char compat[] = "arm,cortex-a15-gic";
        uint64_t reg[4] = { DUET_GICD_BASE, DUET_GICD_SIZE, DUET_GICC_BASE, DUET_GICC_SIZE };
        TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
        TRY(prop_reg(fdt, reg, 2));
    }
    TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
    /* No children (no ITS): 0 keeps interrupt-map users and dtc happy. */
    TRY(fdt_property_u32(fdt, "#address-cells", 0));
    TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
    TRY(fdt_property_u32(fdt, "phandle", GIC_PHANDLE));
    TRY(fdt_end_node(fdt));

    /* The binding's order: secure physical, non-secure physical, virtual,
     * hypervisor, as PPI numbers (INTID - 16): 13 = 29, 14 = 30, 11 = 27
     * (the virtual timer a Duet guest uses), 10 = 26. GICv2 specifiers also
     * carry a mask of the CPUs the PPI is wired to (bits 8..15). */
    uint32_t flags = IRQ_LEVEL_HIGH;
    if (p->gic_version == 2)
        flags |= (((1u << p->ncpus) - 1) & 0xff) << 8;
    static const uint32_t ppi[4] = { 13, 14, 11, 10 };
    fdt32_t irqs[12];
    for (int i = 0; i < 4; i++) {
        irqs[3 * i] = cpu_to_fdt32(GIC_IRQ_PPI);
        irqs[3 * i + 1] = cpu_to_fdt32(ppi[i]);
        irqs[3 * i + 2] = cpu_to_fdt32(flags);
    }
    TRY(fdt_begin_node(fdt, "timer"));
    TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
    TRY(fdt_property(fdt, "interrupts", irqs, sizeof(irqs)));
    /* A vCPU's timer keeps counting while the vCPU sleeps in WFI. */
    TRY(fdt_property(fdt, "always-on", NULL, 0));
    return fdt_end_node(fdt);
}

/* One node per block device under the Duet node; reg = the hypercall index. */
static int add_blocks(void *fdt, const struct fdt_params *p)
{
    for (unsigned i = 0; i < p->nblocks; i++) {
        const struct block_dev *b = &p->blocks[i];
        char name[24];
        node_name(name, sizeof name, "block", i);
        TRY(fdt_begin_node(fdt, name));
        TRY(fdt_property_string(fdt, "compatible", "duet,block"));
        TRY(fdt_property_u32(fdt, "reg", i));
        TRY(fdt_property_string(fdt, "duet,name", b->spec.name));
        TRY(fdt_property_u32(fdt, "duet,sector-size", b->spec.sector_size));
        TRY(fdt_property_u64(fdt, "duet,sectors", b->sectors));
        if (b->spec.read_only)
            TRY(fdt_property(fdt, "read-only", NULL, 0));
        TRY(fdt_end_node(fdt));
    }
    return 0;
}

/* One node per --dir share; reg = its index in DUET_HC_FS calls. */
static int add_dirs(void *fdt, const struct fdt_params *p)
{
    for (unsigned i = 0; i < p->ndirs; i++) {
        char name[24];
        node_name(name, sizeof name, "dir", i);
        TRY(fdt_begin_node(fdt, name));
        TRY(fdt_property_string(fdt, "compatible", "duet,dir"));
        TRY(fdt_property_u32(fdt, "reg", i));
        TRY(fdt_property_string(fdt, "duet,name", p->dirs[i].spec.name));
        if (p->dirs[i].spec.read_only)
            TRY(fdt_property(fdt, "read-only", NULL, 0));
        TRY(fdt_end_node(fdt));
    }
    return 0;
}

/* NUL-separated strings, as a device-tree string list is. */
static int env_property(void *fdt, const char *const *env, unsigned n)
{
    int len = 0;
    for (unsigned i = 0; i < n; i++)
        len += (int)strlen(env[i]) + 1;
    char *val;
    int err = fdt_property_placeholder(fdt, DUET_FDT_ENV, len, (void **)&val);
    for (unsigned i = 0; !err && i < n; i++) {
        size_t l = strlen(env[i]) + 1;
        memcpy(val, env[i], l);
        val += l;
    }
    return err;
}

/*
 * Virtio NICs: a virtio,mmio node each at DUET_VIRTIO_BASE + i * stride with
 * its edge SPI (an irqfd pulses it, so the driver need not acknowledge it),
 * named as on the command line.
 */
static int add_virtio_nets(void *fdt, const struct fdt_params *p)
{
    for (unsigned i = 0; i < p->nnets; i++) {
        const struct net_dev *d = &p->nets[i];
        char name[40];
        uint64_t reg[2] = { DUET_VIRTIO_BASE + i * DUET_VIRTIO_STRIDE, DUET_VIRTIO_STRIDE };
        fdt32_t irq[3] = { cpu_to_fdt32(GIC_IRQ_SPI), cpu_to_fdt32(DUET_DT_SPI(d->irq)),
                           cpu_to_fdt32(IRQ_EDGE_RISING) };
        node_name(name, sizeof name, "virtio_mmio", reg[0]);
        TRY(fdt_begin_node(fdt, name));
        TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
        TRY(prop_reg(fdt, reg, 1));
        TRY(fdt_property(fdt, "interrupts", irq, sizeof irq));
        TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
        TRY(fdt_property_string(fdt, "duet,name", d->spec.name));
        TRY(fdt_property(fdt, "duet,interrupt-no-ack", NULL, 0));
        TRY(fdt_end_node(fdt));
    }
    return 0;
}

static int build(void *fdt, int size, const struct fdt_params *p, const char *bootargs)
{
    char name[32], duet_path[40];
    uint64_t ram_end = p->ram_base + p->ram_size;

    TRY(fdt_create(fdt, size));
    /* The DTB and the host's area below the image must stay untouched. */
    if (p->ram_base < DUET_GUEST_LOAD_MIN)
        TRY(fdt_add_reservemap_entry(fdt, p->ram_base,
            (ram_end < DUET_GUEST_LOAD_MIN ? ram_end : DUET_GUEST_LOAD_MIN) - p->ram_base));
    TRY(fdt_finish_reservemap(fdt));

    TRY(fdt_begin_node(fdt, ""));
    TRY(fdt_property_string(fdt, "compatible", "duet,virt"));
    TRY(fdt_property_string(fdt, "model", "Duet KVM unikernel"));
    TRY(fdt_property_u32(fdt, "#address-cells", 2));
    TRY(fdt_property_u32(fdt, "#size-cells", 2));
    if (p->gic_version)
        TRY(fdt_property_u32(fdt, "interrupt-parent", GIC_PHANDLE));

    node_name(duet_path, sizeof(duet_path), "/" DUET_FDT_NODE, DUET_HC_BASE);
    TRY(fdt_begin_node(fdt, "chosen"));
    TRY(fdt_property_string(fdt, "bootargs", bootargs));
    TRY(fdt_property_string(fdt, "stdout-path", duet_path));
    TRY(fdt_property(fdt, "rng-seed", p->rng_seed, sizeof(p->rng_seed)));
    if (p->boot_times)
        TRY(fdt_property(fdt, DUET_FDT_BOOT_TIMES, NULL, 0));
    if (p->nenv)
        TRY(env_property(fdt, p->env, p->nenv));
    if (p->rootfs_size) {
        fdt64_t rootfs[2] = { cpu_to_fdt64(p->rootfs_base), cpu_to_fdt64(p->rootfs_size) };
        TRY(fdt_property(fdt, DUET_FDT_ROOTFS, rootfs, sizeof rootfs));
    }
    TRY(fdt_end_node(fdt));

    uint64_t mem[2] = { p->ram_base, p->ram_size };
    node_name(name, sizeof(name), "memory", p->ram_base);
    TRY(fdt_begin_node(fdt, name));
    TRY(fdt_property_string(fdt, "device_type", "memory"));
    TRY(prop_reg(fdt, mem, 1));
    TRY(fdt_end_node(fdt));

    TRY(add_cpus(fdt, p));

    static const char psci[] = "arm,psci-1.0\0arm,psci-0.2";
    TRY(fdt_begin_node(fdt, "psci"));
    TRY(fdt_property(fdt, "compatible", psci, sizeof(psci)));
    TRY(fdt_property_string(fdt, "method", "hvc"));
    TRY(fdt_end_node(fdt));

    if (p->gic_version) /* none: no interrupt controller, no timer interrupts to name */
        TRY(add_gic_and_timer(fdt, p));

    uint64_t hc[2] = { DUET_HC_BASE, DUET_HC_SIZE };
    TRY(fdt_begin_node(fdt, duet_path + 1));
    TRY(fdt_property_string(fdt, "compatible", DUET_FDT_COMPAT));
    TRY(prop_reg(fdt, hc, 1));
    TRY(fdt_property_u32(fdt, "duet,abi-version", DUET_ABI_VERSION));
    if (p->nblocks || p->ndirs) {
        TRY(fdt_property_u32(fdt, "#address-cells", 1));
        TRY(fdt_property_u32(fdt, "#size-cells", 0));
    }
    TRY(add_blocks(fdt, p));
    TRY(add_dirs(fdt, p));
    TRY(fdt_end_node(fdt));
    TRY(add_virtio_nets(fdt, p));

    TRY(fdt_end_node(fdt));
    return fdt_finish(fdt);
}

int fdt_build(void *buf, size_t bufsize, const struct fdt_params *p, char *err, size_t errlen)
{
    if (!buf || !p)
        return errmsg(err, errlen, "internal error: no buffer or parameters");
    if (p->ncpus < 1 || p->ncpus > DUET_MAX_VCPUS)
        return errmsg(err, errlen, "%d vCPUs requested (must be 1..%d)", p->ncpus, DUET_MAX_VCPUS);
    if (p->gic_version != 0 && p->gic_version != 2 && p->gic_version != 3)
        return errmsg(err, errlen, "GIC version %d unsupported (must be 2 or 3, or 0: none)",
                      p->gic_version);
    if (p->gic_version == 0 && p->nnets)
        return errmsg(err, errlen, "a NIC needs a GIC for its interrupt");
    if (p->ram_size == 0 || p->ram_size > UINT64_MAX - p->ram_base)
        return errmsg(err, errlen, "bad RAM range (base 0x%" PRIx64 ", size 0x%" PRIx64 ")",
                      p->ram_base, p->ram_size);

    int size = (int)(bufsize < DUET_DTB_MAX ? bufsize : DUET_DTB_MAX);
    const char *args = p->bootargs ? p->bootargs : "";

    /* Pass 1 with empty bootargs measures everything else, which turns a
     * libfdt "no space" into a limit the user can act on. Property values
     * are padded to 4 bytes; "" already takes one such word. */
    int rc = build(buf, size, p, "");
    if (rc < 0)
        return errmsg(err, errlen, "device tree does not fit in %d bytes: %s", size, fdt_strerror(rc));
    size_t room = (size_t)size - fdt_totalsize(buf) + 4;
    size_t limit = (room & ~(size_t)3) - 1;
    size_t len = strlen(args);
    if (len > limit)
        return errmsg(err, errlen, "guest arguments too long for the device tree "
                      "(%zu bytes, limit %zu)", len, limit);
    rc = build(buf, size, p, args);
    if (rc < 0)
        return errmsg(err, errlen, "cannot build the device tree: %s", fdt_strerror(rc));
    return 0;
}
