/*
 * Sleeping on the virtual timer (CNTV, PPI 27): arm a deadline, wait in WFI.
 * A sleeping guest does not run at all: KVM blocks the vCPU until the timer
 * fires, so an idle Duet guest costs the host no CPU.
 */
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include "duet/guest.h"
#include "duet/irq.h"
#include "duet/kvm_irq.h"
#include "duet/kvm_regs.h"
#include "duet/time.h"
#include "sched/scheduler.h"

#define CNTV_ENABLE 1u
#define CNTV_IMASK  2u

static int have_irq, have_backstop, lazy;

static void vtimer_irq(unsigned intid, void *ctx)
{
    (void)intid; (void)ctx;
    DUET_WRITE_SYSREG(CNTV_CTL_EL0, CNTV_IMASK); /* one shot: the sleeper re-arms */
}

static void ptimer_irq(unsigned intid, void *ctx)
{
    (void)intid; (void)ctx;
    DUET_WRITE_SYSREG(CNTP_CTL_EL0, CNTV_IMASK);
}

void timer_init(void)
{
    DUET_WRITE_SYSREG(CNTV_CTL_EL0, CNTV_IMASK);
    DUET_WRITE_SYSREG(CNTP_CTL_EL0, CNTV_IMASK);
    lazy = 0;
    have_irq = irq_register(DUET_IRQ_VTIMER, vtimer_irq, NULL) == 0;
    have_backstop = have_irq && irq_register(DUET_IRQ_PTIMER, ptimer_irq, NULL) == 0;
}

/* At boot: the timers masked, their interrupts registered at the first wait
 * (a program that never sleeps never touches the GIC). */
void timer_init_lazy(void)
{
    DUET_WRITE_SYSREG(CNTV_CTL_EL0, CNTV_IMASK);
    DUET_WRITE_SYSREG(CNTP_CTL_EL0, CNTV_IMASK);
    lazy = 1;
}

/*
 * A second alarm on the physical timer, 1 ms after the deadline: if the
 * virtual timer's interrupt were ever lost (seen once under nested
 * emulation), the sleeper wakes late instead of never. It counts on CNTPCT,
 * which differs from CNTVCT by the hypervisor's offset.
 */
static void arm_backstop(uint64_t deadline)
{
    if (!have_backstop)
        return;
    uint64_t v = counter_read(), p = DUET_READ_SYSREG(CNTPCT_EL0);
    uint64_t left = deadline > v ? deadline - v : 0;
    DUET_WRITE_SYSREG(CNTP_CVAL_EL0, p + left + counter_freq() / 1000);
    DUET_WRITE_SYSREG(CNTP_CTL_EL0, CNTV_ENABLE);
}

/*
 * Waits until the counter reaches `deadline` or an interrupt handler sets
 * *event (NULL: no event), in WFI when interrupts work. 1 if the event came.
 */
int timer_wait_event(uint64_t deadline, volatile int *event)
{
    if (lazy)
        timer_init();
    if (!have_irq) {
        while (counter_read() < deadline && !(event && *event))
            ;
        return event && *event;
    }
    /* Masked while checking, so the wake-up cannot slip in before the WFI
     * (WFI still wakes on a pending, masked interrupt). */
    irq_local_disable();
    while (counter_read() < deadline && !(event && *event)) {
        DUET_WRITE_SYSREG(CNTV_CVAL_EL0, deadline);
        DUET_WRITE_SYSREG(CNTV_CTL_EL0, CNTV_ENABLE);
        arm_backstop(deadline);
        __asm__ volatile("isb; wfi" ::: "memory");
        irq_local_enable();   /* the handler runs here */
        irq_local_disable();
    }
    DUET_WRITE_SYSREG(CNTV_CTL_EL0, CNTV_IMASK); /* an event may end the wait early */
    if (have_backstop)
        DUET_WRITE_SYSREG(CNTP_CTL_EL0, CNTV_IMASK);
    irq_local_enable();
    return event && *event;
}

void timer_wait_until(uint64_t deadline)
{
    timer_wait_event(deadline, NULL);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (!req || req->tv_nsec < 0 || req->tv_nsec >= 1000000000L || req->tv_sec < 0) {
        errno = EINVAL;
        return -1;
    }
    /* Other threads run meanwhile; with none, the scheduler waits in WFI. */
    uint64_t ns = (uint64_t)req->tv_sec > 100ULL * 365 * 86400 ? SCHED_FOREVER - 1
                : (uint64_t)req->tv_sec * 1000000000ULL + (uint64_t)req->tv_nsec;
    sched_sleep_until(sched_now() + ns);
    if (rem)
        rem->tv_sec = rem->tv_nsec = 0;
    return 0;
}

int usleep(useconds_t us)
{
    struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };
    return nanosleep(&ts, NULL);
}

unsigned sleep(unsigned s)
{
    struct timespec ts = { (time_t)s, 0 };
    nanosleep(&ts, NULL);
    return 0;
}
