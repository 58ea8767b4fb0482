/* CPU time: the guest is the only program on its vCPU, so its CPU time is
 * its time since boot (monotonic clock); there are never children. */
#include <string.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>
#include "duet/time.h"

#define TICKS_PER_SEC 100  /* sysconf(_SC_CLK_TCK) */

clock_t times(struct tms *t)
{
    clock_t ticks = (clock_t)(monotonic_ns() / (1000000000ULL / TICKS_PER_SEC));
    if (t) {
        t->tms_utime = ticks;
        t->tms_stime = t->tms_cutime = t->tms_cstime = 0;
    }
    return ticks;
}

int getrusage(int who, struct rusage *r)
{
    memset(r, 0, sizeof *r);
    if (who == RUSAGE_SELF) {
        uint64_t us = monotonic_ns() / 1000;
        r->ru_utime.tv_sec = (time_t)(us / 1000000);
        r->ru_utime.tv_usec = (suseconds_t)(us % 1000000);
    }
    return 0;
}
