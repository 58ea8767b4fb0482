/*
 * Interrupts: the GIC (v3, or v2) found in the device tree, and a dispatch
 * table of handlers by interrupt id (INTID: PPIs 16..31, SPIs 32..).
 */
#ifndef DUET_IRQ_H
#define DUET_IRQ_H

#include <stdint.h>

#define IRQ_MAX 256

typedef void (*irq_handler_fn)(unsigned intid, void *ctx);

/* Finds the GIC in the device tree (0, or -1 when it has none); its
 * registers are set up at the first irq_register. */
int irq_init(const void *fdt);

/* The GIC version in use (2 or 3), 0 before irq_init. */
int irq_gic_version(void);

/* Installs fn for intid and enables that interrupt at the GIC. */
int irq_register(unsigned intid, irq_handler_fn fn, void *ctx);

/* Makes SPI intid edge-triggered (call before irq_register). 0 or -1. */
int irq_set_edge(unsigned intid);

/* Unmasks / masks interrupts at this CPU (PSTATE.I). */
static inline void irq_local_enable(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_local_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }

/* Interrupts taken since boot, by INTID (for tests and benchmarks). */
uint64_t irq_count(unsigned intid);

#endif
