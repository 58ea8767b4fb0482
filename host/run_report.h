/* What `duet run --verbose` and `--stats` print about a run, on stderr. */
#ifndef DUET_RUN_REPORT_H
#define DUET_RUN_REPORT_H

#include <stdint.h>
#include "hypercall.h"
#include "vm.h"

enum { REPORT_MAX_PHASES = 16 };

struct run_report {
    int enabled;
    uint64_t start_ns, last_ns;
    /* Kept and printed at the end: printing as we go would time the console. */
    unsigned nphases;
    const char *phase[REPORT_MAX_PHASES];
    uint64_t phase_ns[REPORT_MAX_PHASES];
};

void report_start(struct run_report *r, int enabled);
/* Records how long the phase that just ended took. */
void report_phase(struct run_report *r, const char *phase);
/* Prints the phases and the total. */
void report_finish(struct run_report *r);
void report_stats(const struct run_stats *s, const struct hc_ctx *hc);

#endif
