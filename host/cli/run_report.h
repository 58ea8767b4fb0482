/* What `duet run --verbose` and `--stats` print about a run, on stderr. */
#ifndef DUET_RUN_REPORT_H
#define DUET_RUN_REPORT_H

#include <stdint.h>
#include "hypercall/hypercall.h"
#include "run/run_loop.h"

enum { REPORT_MAX_PHASES = 16 };

/* Set by `duet timeit` for its child: CLOCK_MONOTONIC ns at fork. */
#define REPORT_T0_ENV "DUET_TIMEIT_FORK_NS"

struct run_report {
    int enabled;
    uint64_t start_ns, last_ns;
    /* Kept and printed at the end: printing as we go would time the console. */
    unsigned nphases;
    const char *phase[REPORT_MAX_PHASES];
    uint64_t phase_ns[REPORT_MAX_PHASES];
    /* The guest's counter at guest_start_ns, to place its milestones. */
    uint64_t guest_start_ns, guest_start_count, guest_freq;
};

void report_start(struct run_report *r, int enabled);
/* Records how long the phase that just ended took. */
void report_phase(struct run_report *r, const char *phase);
/* Marks the guest's start: its counter `count` (at `freq` Hz) is now. */
void report_guest_start(struct run_report *r, uint64_t count, uint64_t freq);
/* After the run: splits "guest run" by the milestones the guest reported. */
void report_guest_phases(struct run_report *r, const struct hc_ctx *hc);
/* Prints the phases and the total. */
void report_finish(struct run_report *r);
void report_stats(const struct run_stats *s, const struct hc_ctx *hc);

#endif
