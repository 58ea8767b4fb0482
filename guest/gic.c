/*
 * GICv3 and GICv2 drivers: just enough to route PPIs and SPIs to this CPU
 * at one priority, acknowledge, dispatch and end each interrupt.
 * v3 uses the system-register CPU interface (ICC_*), v2 the memory-mapped one.
 *
 * irq_init() only finds the GIC in the device tree; its registers are first
 * touched when a handler is registered (gic_bring_up). Each GIC register
 * access traps to KVM's vGIC: a program that never takes an interrupt
 * (hello) boots with none, and its handler table's pages stay untouched.
 * Such a program does not link irq_register() at all, nor so the
 * DUET_IRQ_SECTION marker it refers to: the host then creates no vGIC.
 */
#include <libfdt.h>
#include <stddef.h>
#include "duet/exceptions.h"
#include "duet/irq.h"
#include "duet/kvm_regs.h"
#include "duet/manifest.h"
#include "duet/mmio.h"
#include "sched/scheduler.h"

#define GICD_CTLR        0x0000
#define GICD_IGROUPR     0x0080
#define GICD_ISENABLER   0x0100
#define GICD_IPRIORITYR  0x0400
#define GICD_ITARGETSR   0x0800
#define GICD_ICFGR       0x0c00
#define GICD_IROUTER     0x6000
#define GICD_CTLR_RWP    (1u << 31)

#define GICR_WAKER       0x0014
#define GICR_SGI         0x10000   /* SGI_base frame: PPI/SGI registers */
#define WAKER_SLEEP      (1u << 1)
#define WAKER_ASLEEP     (1u << 2)

#define GICC_CTLR        0x0000
#define GICC_PMR         0x0004
#define GICC_IAR         0x000c
#define GICC_EOIR        0x0010

#define PRIORITY         0xa0

static int version, brought_up;
static uintptr_t gicd, gicr, gicc;
static struct { irq_handler_fn fn; void *ctx; } handlers[IRQ_MAX];
static uint64_t counts[IRQ_MAX];

int irq_gic_version(void) { return version; }
uint64_t irq_count(unsigned intid) { return intid < IRQ_MAX ? counts[intid] : 0; }

static void dispatch(unsigned intid)
{
    if (intid >= IRQ_MAX || !handlers[intid].fn)
        crash("interrupt with no handler", NULL);
    counts[intid]++;
    handlers[intid].fn(intid, handlers[intid].ctx);
    sched_event_signal(); /* threads waiting for a device (sched_wait_event) look again */
}

static void irq_entry_v3(struct exc_frame *f)
{
    (void)f;
    for (;;) {
        uint64_t iar = DUET_READ_SYSREG(ICC_IAR1_EL1);
        unsigned intid = (unsigned)(iar & 0xffffff);
        if (intid >= 1020)
            return; /* spurious: nothing (more) pending */
        dispatch(intid);
        DUET_WRITE_SYSREG(ICC_EOIR1_EL1, iar);
    }
}

static void irq_entry_v2(struct exc_frame *f)
{
    (void)f;
    for (;;) {
        uint32_t iar = mmio_read32(gicc + GICC_IAR);
        unsigned intid = iar & 0x3ff;
        if (intid >= 1020)
            return;
        dispatch(intid);
        mmio_write32(gicc + GICC_EOIR, iar);
    }
}

static void wait_rwp(void)
{
    for (int i = 0; i < 1000000 && (mmio_read32(gicd + GICD_CTLR) & GICD_CTLR_RWP); i++)
        ;
}

static void init_v3(void)
{
    mmio_write32(gicd + GICD_CTLR, (1u << 4) | (1u << 1)); /* ARE_NS, EnableGrp1NS */
    wait_rwp();
    /* Wake the redistributor, unless it already reads awake (KVM's GICR_WAKER
     * reads as zero): two trapped accesses fewer. */
    uint32_t w = mmio_read32(gicr + GICR_WAKER);
    if (w & (WAKER_SLEEP | WAKER_ASLEEP)) {
        mmio_write32(gicr + GICR_WAKER, w & ~WAKER_SLEEP);
        for (int i = 0; i < 1000000 && (mmio_read32(gicr + GICR_WAKER) & WAKER_ASLEEP); i++)
            ;
    }
    mmio_write32(gicr + GICR_SGI + GICD_IGROUPR, 0xffffffffu); /* SGIs/PPIs: group 1 */
    DUET_WRITE_SYSREG(ICC_SRE_EL1, DUET_READ_SYSREG(ICC_SRE_EL1) | 1);
    __asm__ volatile("isb");
    DUET_WRITE_SYSREG(ICC_PMR_EL1, 0xff);
    DUET_WRITE_SYSREG(ICC_BPR1_EL1, 0);
    DUET_WRITE_SYSREG(ICC_IGRPEN1_EL1, 1);
    __asm__ volatile("isb");
    exception_irq_handler = irq_entry_v3;
}

static void init_v2(void)
{
    mmio_write32(gicd + GICD_CTLR, 1);
    mmio_write32(gicc + GICC_PMR, 0xff);
    mmio_write32(gicc + GICC_CTLR, 1);
    exception_irq_handler = irq_entry_v2;
}

static int reg_of(const void *fdt, int node, int index, uintptr_t *addr)
{
    int len;
    const fdt64_t *reg = fdt_getprop(fdt, node, "reg", &len);
    if (!reg || len < (index + 1) * 16)
        return -1;
    *addr = (uintptr_t)fdt64_to_cpu(reg[2 * index]);
    return 0;
}

/* The GIC's one-time set-up, at the first handler registered. */
static void gic_bring_up(void)
{
    if (brought_up)
        return;
    brought_up = 1;
    if (version == 3)
        init_v3();
    else
        init_v2();
}

int irq_init(const void *fdt)
{
    int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
    if (node >= 0 && reg_of(fdt, node, 0, &gicd) == 0 && reg_of(fdt, node, 1, &gicr) == 0) {
        version = 3;
        return 0;
    }
    static const char *const v2[] = { "arm,cortex-a15-gic", "arm,gic-400" };
    for (unsigned i = 0; i < 2; i++) {
        node = fdt_node_offset_by_compatible(fdt, -1, v2[i]);
        if (node >= 0 && reg_of(fdt, node, 0, &gicd) == 0 && reg_of(fdt, node, 1, &gicc) == 0) {
            version = 2;
            return 0;
        }
    }
    return -1;
}

int irq_set_edge(unsigned intid)
{
    if (!version || intid < 32 || intid >= IRQ_MAX)
        return -1; /* PPIs' trigger is fixed */
    uintptr_t reg = gicd + GICD_ICFGR + 4 * (intid / 16);
    mmio_write32(reg, mmio_read32(reg) | (2u << (2 * (intid % 16))));
    return 0;
}

/* Kept by the linker only with irq_register(), which reads it (manifest.h). */
static const volatile char takes_interrupts[1] __attribute__((section(DUET_IRQ_SECTION), used));

int irq_register(unsigned intid, irq_handler_fn fn, void *ctx)
{
    (void)takes_interrupts[0];
    if (!version || intid >= IRQ_MAX || intid < 16)
        return -1;
    gic_bring_up();
    handlers[intid].fn = fn;
    handlers[intid].ctx = ctx;
    __asm__ volatile("dsb sy" ::: "memory");
    uint32_t bit = 1u << (intid % 32);
    if (version == 3 && intid < 32) {
        mmio_write8(gicr + GICR_SGI + GICD_IPRIORITYR + intid, PRIORITY);
        mmio_write32(gicr + GICR_SGI + GICD_ISENABLER, bit);
        return 0;
    }
    uintptr_t bank = 4 * (intid / 32);
    mmio_write8(gicd + GICD_IPRIORITYR + intid, PRIORITY);
    if (version == 3) {
        mmio_write32(gicd + GICD_IGROUPR + bank, mmio_read32(gicd + GICD_IGROUPR + bank) | bit);
        mmio_write64(gicd + GICD_IROUTER + 8 * intid, 0); /* affinity 0.0.0.0: this CPU */
    } else if (intid >= 32) {
        mmio_write8(gicd + GICD_ITARGETSR + intid, 1); /* CPU interface 0 */
    }
    mmio_write32(gicd + GICD_ISENABLER + bank, bit);
    if (version == 3)
        wait_rwp();
    return 0;
}
