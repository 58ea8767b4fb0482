/*
 * exitbench: what one VM exit costs, row by row, measured from inside the
 * guest with the virtual counter (isb-fenced, as kvm-unit-tests' micro-bench).
 * Per iteration samples give a distribution; the loop average is reported
 * beside it; the cost of reading the counter is measured and subtracted.
 *
 *   exitbench [ITERATIONS [ROW...]]  (default 2000 per row; all rows)
 * With ROWs named, only those run (a pair, e.g. hypercall with
 * floor_mmio_exit, runs when either is named); the others print nothing.
 * Run it with `duet run --bench-exits` for the hvc_user and ioeventfd rows.
 * Output: one line per row, "row NAME n=.. mean_ns=.. p50_ns=.. p90_ns=..
 * p99_ns=.. max_ns=.. min_ns=.. loop_mean_ns=..", or "skip NAME reason".
 * k is the number of operations one sample times (see bench.c); times are
 * per operation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "duet/hypercall.h"
#include "duet/irq.h"
#include "duet/kvm_irq.h"
#include "duet/kvm_regs.h"
#include "duet/memmap.h"

static void op_hvc(void)
{
    register uint64_t x0 __asm__("x0") = 0x84000000; /* PSCI_VERSION: KVM answers it */
    __asm__ volatile("hvc #0" : "+r"(x0) :: "x1", "x2", "x3", "memory");
}

#ifdef DUET_PLATFORM_DUET
static uint64_t hvc_floor_x0;
/* DUET_HVC_FLOOR: reaches the host where its kernel has the SMCCC filter. */
static void op_hvc_user(void)
{
    register uint64_t x0 __asm__("x0") = DUET_HVC_FLOOR;
    __asm__ volatile("hvc #0" : "+r"(x0) :: "x1", "x2", "x3", "memory");
    hvc_floor_x0 = x0;
}

static struct duet_hc_walltime wt;
static void op_hypercall(void)
{
    __asm__ volatile("str %0, [%1]" :: "r"((uint64_t)(uintptr_t)&wt),
                     "r"(DUET_HC_ADDR(DUET_HC_WALLTIME)) : "memory");
}

static void op_floor(void)
{
    __asm__ volatile("str xzr, [%0]" :: "r"(DUET_HC_ADDR(DUET_HC_FLOOR)) : "memory");
}

/* Completed by KVM through an ioeventfd (duet run --bench-exits): no exit to
 * the host; where none is bound the host writes 1 to ioevt_reached_host. */
static volatile uint64_t ioevt_reached_host;
static void op_ioeventfd(void)
{
    __asm__ volatile("str %0, [%1]" :: "r"((uint64_t)(uintptr_t)&ioevt_reached_host),
                     "r"(DUET_HC_ADDR(DUET_HC_BENCH_IOEVENTFD)) : "memory");
}

static struct duet_hc_irq_pulse pulse = { .intid = DUET_IRQ_TEST };
static void op_irq_request(void)
{
    __asm__ volatile("str %0, [%1]" :: "r"((uint64_t)(uintptr_t)&pulse),
                     "r"(DUET_HC_ADDR(DUET_HC_IRQ_PULSE)) : "memory");
}
#endif

/* EOI of the spurious INTID 1023: the GIC ignores it (kvm-unit-tests' eoi). */
static void op_eoi(void)
{
    DUET_WRITE_SYSREG(ICC_EOIR1_EL1, 1023);
}

static void op_mmio_vgic(void)
{
    (void)*(volatile uint32_t *)(uintptr_t)(DUET_GICD_BASE + 0x4); /* GICD_TYPER */
}

static void op_sysreg_trap(void)
{
    uint64_t v;
    /* ID registers trap to EL2 (HCR_EL2.TID3) so KVM can sanitise them. */
    __asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(v) :: "memory");
}

static int nwanted;
static char **wanted;

/* Is any of the rows a, b (b may be NULL) asked for? All are by default. */
static int want(const char *a, const char *b)
{
    if (!nwanted)
        return 1;
    for (int i = 0; i < nwanted; i++)
        if (!strcmp(wanted[i], a) || (b && !strcmp(wanted[i], b)))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 2000;
    if (n < 10 || n > 100000) {
        fprintf(stderr, "exitbench: ITERATIONS must be 10..100000\n");
        return 2;
    }
    nwanted = argc > 2 ? argc - 2 : 0;
    wanted = argv + 2;
    bench_init(n);
    printf("freq_hz %llu counter_overhead_ns %llu\n", (unsigned long long)bench_freq(),
           (unsigned long long)bench_overhead_ns());
    if (want("hvc", NULL))
        bench_row("hvc", op_hvc);
#ifdef DUET_PLATFORM_DUET
    if (want("hvc_user", NULL)) {
        op_hvc_user();
        if (hvc_floor_x0 == DUET_HVC_FLOOR) /* the host resumed us: x0 untouched */
            bench_row("hvc_user", op_hvc_user);
        else
            printf("skip hvc_user KVM answered the HVC itself (no SMCCC filter: Linux < 6.4, "
                   "or duet run without --bench-exits)\n");
    }
#else
    printf("skip hvc_user not the duet platform\n");
#endif
#ifdef DUET_PLATFORM_DUET
    /* Interleaved, so both see the same host noise. */
    if (want("hypercall", "floor_mmio_exit"))
        bench_pair("hypercall", op_hypercall, "floor_mmio_exit", op_floor);
#else
    printf("skip hypercall not the duet platform\n");
    printf("skip floor_mmio_exit not the duet platform\n");
#endif
    if (want("mmio_vgic", NULL))
        bench_row("mmio_vgic", op_mmio_vgic);
#ifdef DUET_PLATFORM_DUET
    if (want("ioeventfd", NULL)) {
        op_ioeventfd();
        if (!ioevt_reached_host)
            bench_row("ioeventfd", op_ioeventfd);
        else
            printf("skip ioeventfd no ioeventfd bound (duet run without --bench-exits)\n");
    }
#else
    printf("skip ioeventfd not the duet platform\n");
#endif
    if (want("sysreg_trap", NULL))
        bench_row("sysreg_trap", op_sysreg_trap);
    if (want("eoi", NULL) && irq_gic_version() == 3)
        bench_row("eoi", op_eoi);
    else if (want("eoi", NULL))
        printf("skip eoi GICv3 system-register interface only\n");
    if (want("timer_irq", "wfi_wake"))
        bench_timer_irq(n);
    if (want("stage2_fault", "store_mapped_page"))
        bench_stage2_fault(n);
#ifdef DUET_PLATFORM_DUET
    if (want("inject_irq", NULL))
        bench_inject_irq(op_irq_request, n);
#else
    printf("skip inject_irq not the duet platform\n");
#endif
    printf("skip ipi one vCPU\n");
    return 0;
}
