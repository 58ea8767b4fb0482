/* Time in the guest: monotonic clock, sleep accuracy, the wall clock, timer interrupts. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "duet/irq.h"
#include "duet/kvm_irq.h"

static long long now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
    int bad = 0;
    long long a = now_ns(CLOCK_MONOTONIC), b = now_ns(CLOCK_MONOTONIC);
    printf("monotonic: %s\n", b >= a ? "PASS" : "FAIL");
    bad |= b < a;

    uint64_t irqs0 = irq_count(DUET_IRQ_VTIMER);
    const long want_ms[] = { 1, 10, 50 };
    for (int i = 0; i < 3; i++) {
        long long t0 = now_ns(CLOCK_MONOTONIC);
        usleep((useconds_t)(want_ms[i] * 1000));
        long long got = (now_ns(CLOCK_MONOTONIC) - t0) / 1000;
        /* Never early; late by at most 200 ms even on a loaded, emulated host. */
        int ok = got >= want_ms[i] * 1000 && got < want_ms[i] * 1000 + 200000;
        printf("sleep %ld ms: slept %lld us %s\n", want_ms[i], got, ok ? "PASS" : "FAIL");
        bad |= !ok;
    }
    /* Not one interrupt per sleep: a vCPU descheduled past its deadline (or
     * woken by the backstop timer first) ends its wait without the vtimer's
     * interrupt. The 50 ms sleep cannot end without some interrupt. */
    uint64_t ticks = irq_count(DUET_IRQ_VTIMER) - irqs0;
    int irq_ok = irq_gic_version() ? ticks >= 1 : 1;
    printf("timer interrupts: %llu (GICv%d) %s\n", (unsigned long long)ticks, irq_gic_version(),
           irq_ok ? "PASS" : "FAIL");
    bad |= !irq_ok;

    time_t t = time(NULL);
    int wall_ok = t > 1600000000 && t < 4102444800LL; /* after 2020, before 2100 */
    printf("wall clock %lld %s\n", (long long)t, wall_ok ? "PASS" : "FAIL");
    bad |= !wall_ok;
    return bad;
}
