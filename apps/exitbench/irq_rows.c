/*
 * Rows that wait for an interrupt, timed from the event to the handler's
 * entry (one operation per sample: an interrupt cannot be batched):
 *   inject_irq  a hypercall asks the host to raise an SPI;
 *   timer_irq   a virtual-timer deadline, the vCPU spinning (KVM's timer
 *               emulation and the vGIC, no scheduling);
 *   wfi_wake    the same deadline with the vCPU asleep in WFI: KVM blocks
 *               the vCPU thread and a host timer must wake it.
 */
#include <stdio.h>
#include "bench.h"
#include "duet/guest.h"
#include "duet/irq.h"
#include "duet/kvm_irq.h"
#include "duet/kvm_regs.h"
#include "duet/time.h"

static volatile uint64_t irq_at;

static void on_spi(unsigned intid, void *ctx)
{
    (void)intid; (void)ctx;
    irq_at = bench_now();
}

void bench_inject_irq(bench_op request, unsigned iters)
{
    if (!irq_gic_version()) {
        printf("skip inject_irq no GIC\n");
        return;
    }
    irq_set_edge(DUET_IRQ_TEST);
    irq_register(DUET_IRQ_TEST, on_spi, NULL);
    uint64_t *s = bench_samples();
    unsigned n = iters < 1000 ? iters : 1000;
    for (unsigned i = 0; i < n; i++) {
        irq_at = 0;
        uint64_t t0 = bench_now();
        request();
        for (unsigned spin = 0; !irq_at && spin < 100000000; spin++)
            ;
        if (!irq_at) {
            printf("skip inject_irq the interrupt never came\n");
            return;
        }
        s[i] = irq_at - t0;
    }
    bench_report("inject_irq", s, n, 1, 0, 0);
}

static void on_timer(unsigned intid, void *ctx)
{
    (void)intid; (void)ctx;
    irq_at = bench_now();
    DUET_WRITE_SYSREG(CNTV_CTL_EL0, 2); /* masked: one shot */
}

/*
 * Under nested emulation a virtual-timer interrupt is, rarely, never
 * delivered: a sample waits at most GIVE_UP past its deadline, the physical
 * timer (guest/timer.c's backstop handler masks it) wakes a WFI that would
 * otherwise sleep forever, and lost interrupts are counted, not timed.
 */
#define GIVE_UP_HZ_DIV 50 /* 20 ms */

static void arm_physical_backstop(uint64_t deadline, uint64_t after)
{
    uint64_t v = bench_now(), p = DUET_READ_SYSREG(CNTPCT_EL0);
    uint64_t left = deadline > v ? deadline - v : 0;
    DUET_WRITE_SYSREG(CNTP_CVAL_EL0, p + left + after);
    DUET_WRITE_SYSREG(CNTP_CTL_EL0, 1);
}

static void timer_row(const char *name, int sleep, unsigned iters)
{
    timer_init(); /* the physical timer's (backstop) handler */
    irq_register(DUET_IRQ_VTIMER, on_timer, NULL); /* replaces the sleep handler */
    uint64_t *s = bench_samples();
    unsigned n = iters < 500 ? iters : 500, got = 0, lost = 0;
    uint64_t lead = bench_freq() / 10000; /* deadline 100 us ahead */
    uint64_t give_up = bench_freq() / GIVE_UP_HZ_DIV;
    for (unsigned i = 0; i < n; i++) {
        irq_at = 0;
        uint64_t deadline = bench_now() + lead;
        DUET_WRITE_SYSREG(CNTV_CVAL_EL0, deadline);
        DUET_WRITE_SYSREG(CNTV_CTL_EL0, 1);
        if (sleep)
            arm_physical_backstop(deadline, give_up);
        while (!irq_at && bench_now() < deadline + give_up)
            if (sleep)
                __asm__ volatile("wfi");
        DUET_WRITE_SYSREG(CNTP_CTL_EL0, 2);
        if (!irq_at) {
            DUET_WRITE_SYSREG(CNTV_CTL_EL0, 2);
            lost++;
            continue;
        }
        s[got++] = irq_at > deadline ? irq_at - deadline : 0;
    }
    if (lost)
        printf("note %s %u of %u timer interrupts never came (waited %u ms each)\n", name, lost,
               n, 1000 / GIVE_UP_HZ_DIV);
    if (got)
        bench_report(name, s, got, 1, 0, 0);
    else
        printf("skip %s no timer interrupt came\n", name);
    timer_init(); /* give sleep its handler back */
}

void bench_timer_irq(unsigned iters)
{
    if (!irq_gic_version()) {
        printf("skip timer_irq no GIC\nskip wfi_wake no GIC\n");
        return;
    }
    timer_row("timer_irq", 0, iters);
    timer_row("wfi_wake", 1, iters);
}
