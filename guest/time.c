/*
 * Time: a monotonic clock from the virtual counter (CNTVCT_EL0 / CNTFRQ_EL0),
 * and the wall clock from the platform, asked once (at the first
 * CLOCK_REALTIME, not at boot: on Duet it is an exit to the host that a
 * program which never asks the time need not pay), advanced by that counter.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>
#include "duet/guest.h"
#include "duet/kvm_regs.h"
#include "duet/platform.h"
#include "duet/time.h"

static uint64_t boot_wall_ns, boot_count, freq;
static int have_wall;

uint64_t counter_read(void)
{
    __asm__ volatile("isb" ::: "memory"); /* no reading the counter early */
    return DUET_READ_SYSREG(CNTVCT_EL0);
}

uint64_t counter_freq(void)
{
    return freq;
}

uint64_t monotonic_ns(void)
{
    uint64_t ticks = counter_read() - boot_count;
    /* Split to avoid overflowing 64 bits: ticks * 1e9 wraps after ~5 min at 62.5 MHz. */
    return (ticks / freq) * 1000000000ULL + (ticks % freq) * 1000000000ULL / freq;
}

uint64_t counter_ticks(uint64_t sec, uint64_t nsec)
{
    return sec * freq + (nsec * freq + 999999999ULL) / 1000000000ULL;
}

void time_init(void)
{
    freq = DUET_READ_SYSREG(CNTFRQ_EL0);
    if (!freq)
        freq = 62500000; /* never 0: it divides */
    boot_count = counter_read();
}

/* The wall clock at boot_count: the platform's now minus the time since. */
static uint64_t wall_at_boot(void)
{
    if (!have_wall) {
        uint64_t since_boot = monotonic_ns(), now = platform_walltime_ns();
        boot_wall_ns = now > since_boot ? now - since_boot : 0; /* 0: no wall clock here */
        have_wall = 1;
    }
    return boot_wall_ns;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    uint64_t ns = monotonic_ns();
    if (id == CLOCK_REALTIME)
        ns += wall_at_boot();
    else if (id != CLOCK_MONOTONIC) {
        errno = EINVAL;
        return -1;
    }
    ts->tv_sec = (time_t)(ns / 1000000000ULL);
    ts->tv_nsec = (long)(ns % 1000000000ULL);
    return 0;
}

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
    return 0;
}
