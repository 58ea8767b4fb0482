/*
 * The `irq` field of KVM_IRQ_LINE on arm64, bit for bit as Linux's uAPI:
 *   31..28 vcpu2_index (vCPU index bits 11..8)   27..24 irq_type
 *   23..16 vcpu_index  (vCPU index bits 7..0)    15..0  irq_id
 * irq_type CPU: irq_id 0 = IRQ line, 1 = FIQ line of that vCPU (no vGIC);
 *          SPI: irq_id 32..1019, vCPU fields ignored (routed by the vGIC);
 *          PPI: irq_id 16..31 of the given vCPU.
 * irq_id is the GIC interrupt id (INTID). Device trees number interrupts
 * differently: PPI n is INTID n + 16, SPI n is INTID n + 32.
 */
#ifndef DUET_KVM_IRQ_H
#define DUET_KVM_IRQ_H

#include <stdint.h>

#define DUET_IRQ_VCPU2_SHIFT  28
#define DUET_IRQ_VCPU2_MASK   0xfu
#define DUET_IRQ_TYPE_SHIFT   24
#define DUET_IRQ_TYPE_MASK    0xfu
#define DUET_IRQ_VCPU_SHIFT   16
#define DUET_IRQ_VCPU_MASK    0xffu
#define DUET_IRQ_NUM_SHIFT    0
#define DUET_IRQ_NUM_MASK     0xffffu

enum duet_irq_type {
    DUET_IRQ_TYPE_CPU = 0,
    DUET_IRQ_TYPE_SPI = 1,
    DUET_IRQ_TYPE_PPI = 2,
};
#define DUET_IRQ_CPU_IRQ 0
#define DUET_IRQ_CPU_FIQ 1

/* GIC INTID ranges. */
#define DUET_INTID_PPI_FIRST  16
#define DUET_INTID_PPI_LAST   31
#define DUET_INTID_SPI_FIRST  32
#define DUET_INTID_SPI_LAST   1019

/* The interrupts Duet uses. */
#define DUET_IRQ_VTIMER       27   /* virtual timer PPI (device tree: PPI 11) */
#define DUET_IRQ_PTIMER       30   /* non-secure physical timer PPI (DT: PPI 14) */
#define DUET_IRQ_DEVICE(n)    (DUET_INTID_SPI_FIRST + (n)) /* one SPI per device, in order */
#define DUET_IRQ_TEST         127  /* the last SPI the host's vGIC has: DUET_HC_IRQ_PULSE */

/* Device-tree interrupt numbers from INTIDs. */
#define DUET_DT_PPI(intid)    ((intid) - DUET_INTID_PPI_FIRST)
#define DUET_DT_SPI(intid)    ((intid) - DUET_INTID_SPI_FIRST)

struct duet_irq {
    unsigned type;   /* enum duet_irq_type */
    unsigned vcpu;   /* 0..4095 */
    unsigned id;     /* INTID (SPI/PPI) or IRQ/FIQ line (CPU) */
};

static inline uint32_t duet_irq_pack(struct duet_irq i)
{
    return ((uint32_t)((i.vcpu >> 8) & DUET_IRQ_VCPU2_MASK) << DUET_IRQ_VCPU2_SHIFT) |
           ((uint32_t)(i.type & DUET_IRQ_TYPE_MASK) << DUET_IRQ_TYPE_SHIFT) |
           ((uint32_t)(i.vcpu & DUET_IRQ_VCPU_MASK) << DUET_IRQ_VCPU_SHIFT) |
           ((uint32_t)(i.id & DUET_IRQ_NUM_MASK) << DUET_IRQ_NUM_SHIFT);
}

static inline struct duet_irq duet_irq_unpack(uint32_t v)
{
    struct duet_irq i;
    i.type = (v >> DUET_IRQ_TYPE_SHIFT) & DUET_IRQ_TYPE_MASK;
    i.vcpu = (((v >> DUET_IRQ_VCPU2_SHIFT) & DUET_IRQ_VCPU2_MASK) << 8) |
             ((v >> DUET_IRQ_VCPU_SHIFT) & DUET_IRQ_VCPU_MASK);
    i.id = (v >> DUET_IRQ_NUM_SHIFT) & DUET_IRQ_NUM_MASK;
    return i;
}

#endif
