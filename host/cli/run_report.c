/* Timing of the setup phases and the table of exits, for --verbose and --stats. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "cli/run_report.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void report_start(struct run_report *r, int enabled)
{
    r->enabled = enabled;
    r->start_ns = r->last_ns = now_ns();
    /* Under `duet timeit`, the fork time is known: time exec + libc start-up too. */
    const char *t0 = getenv(REPORT_T0_ENV);
    char *end;
    unsigned long long fork_ns = t0 ? strtoull(t0, &end, 10) : 0;
    if (enabled && fork_ns && !*end && fork_ns < r->start_ns) {
        r->phase[0] = "process start (fork to main)";
        r->phase_ns[0] = r->start_ns - fork_ns;
        r->nphases = 1;
    }
}

void report_phase(struct run_report *r, const char *phase)
{
    if (!r->enabled)
        return;
    uint64_t t = now_ns();
    if (r->nphases < REPORT_MAX_PHASES) {
        r->phase[r->nphases] = phase;
        r->phase_ns[r->nphases++] = t - r->last_ns;
    }
    r->last_ns = t;
}

void report_guest_start(struct run_report *r, uint64_t count, uint64_t freq)
{
    r->guest_start_ns = now_ns();
    r->guest_start_count = count;
    r->guest_freq = freq;
}

static void add(struct run_report *r, const char *phase, uint64_t ns)
{
    if (r->nphases < REPORT_MAX_PHASES) {
        r->phase[r->nphases] = phase;
        r->phase_ns[r->nphases++] = ns;
    }
}

void report_guest_phases(struct run_report *r, const struct hc_ctx *hc)
{
    if (!r->enabled || !hc->have_boot_times || !r->guest_freq ||
        hc->boot_entry_count < r->guest_start_count)
        return;
    uint64_t f = r->guest_freq;
    uint64_t to_entry = (hc->boot_entry_count - r->guest_start_count) * 1000000000ULL / f;
    uint64_t to_main = (hc->boot_main_count - hc->boot_entry_count) * 1000000000ULL / f;
    uint64_t run = r->last_ns - r->guest_start_ns;
    add(r, "  guest: KVM_RUN to first instruction", to_entry);
    add(r, "  guest: first instruction to main()", to_main);
    add(r, "  guest: main() to exit", run > to_entry + to_main ? run - to_entry - to_main : 0);
    /* Counts, not times: what emulation cannot distort. Resident pages are
     * private ones; the image's read-only pages come from the page cache. */
    fprintf(stderr, "duet: count guest RAM pages mapped from the image %ld\n",
            gmem_file_pages(hc->mem));
    fprintf(stderr, "duet: count guest RAM pages resident before KVM_RUN %ld\n",
            hc->pages_before_run);
    fprintf(stderr, "duet: count guest RAM pages resident at main()  %ld\n", hc->pages_at_main);
    fprintf(stderr, "duet: count guest page-table pages              %llu\n",
            (unsigned long long)hc->guest_table_pages);
    fprintf(stderr, "duet: count guest RAM pages resident at exit    %ld\n",
            gmem_resident_pages(hc->mem));
}

void report_finish(struct run_report *r)
{
    if (!r->enabled)
        return;
    uint64_t total = now_ns() - r->start_ns;
    for (unsigned i = 0; i < r->nphases; i++)
        fprintf(stderr, "duet: phase %-40s %9.3f ms\n", r->phase[i], (double)r->phase_ns[i] / 1e6);
    fprintf(stderr, "duet: phase %-40s %9.3f ms\n", "total", (double)total / 1e6);
}

/* KVM exit reasons a Duet guest can cause, by number (linux/kvm.h). */
static const char *exit_name(unsigned reason)
{
    switch (reason) {
    case 6: return "MMIO";
    case 3: return "HYPERCALL";
    case 10: return "INTR";
    case 9: return "FAIL_ENTRY";
    case 17: return "INTERNAL_ERROR";
    case 24: return "SYSTEM_EVENT";
    default: return NULL;
    }
}

void report_stats(const struct run_stats *s, const struct hc_ctx *hc)
{
    fprintf(stderr, "duet: %-20s %12s %14s %12s %14s\n", "exit reason", "count", "host time ms",
            "mean ns", "KVM_RUN ns");
    for (unsigned i = 0; i < RUN_STAT_MAX; i++) {
        if (!s->exits[i])
            continue;
        const char *name = exit_name(i);
        char buf[32];
        if (!name) {
            snprintf(buf, sizeof buf, i == RUN_STAT_MAX - 1 ? "other" : "reason %u", i);
            name = buf;
        }
        fprintf(stderr, "duet: %-20s %12llu %14.3f %12llu %14llu\n", name,
                (unsigned long long)s->exits[i], (double)s->host_ns[i] / 1e6,
                (unsigned long long)(s->host_ns[i] / s->exits[i]),
                (unsigned long long)(s->run_ns[i] / s->exits[i]));
    }
    /* Per hypercall, one line each for the benchmark to read (bench/exits.py). */
    for (unsigned nr = 0; nr < DUET_HC_MAX; nr++) {
        if (!s->hypercalls[nr])
            continue;
        const char *name = nr == DUET_HC_FLOOR ? "floor" : hc_name(nr);
        fprintf(stderr, "duet: split hypercall %s exits=%llu kvm_run_ns=%llu host_ns=%llu\n",
                name ? name : "?", (unsigned long long)s->hypercalls[nr],
                (unsigned long long)(s->hc_run_ns[nr] / s->hypercalls[nr]),
                (unsigned long long)(s->hc_host_ns[nr] / s->hypercalls[nr]));
    }
    if (s->exits[3] && s->run_ns[3])
        fprintf(stderr, "duet: split hvc_floor exits=%llu kvm_run_ns=%llu host_ns=%llu\n",
                (unsigned long long)s->exits[3], (unsigned long long)(s->run_ns[3] / s->exits[3]),
                (unsigned long long)(s->host_ns[3] / s->exits[3]));
    for (unsigned nr = 0; nr < DUET_HC_MAX; nr++) {
        if (!hc->count[nr])
            continue;
        const char *name = hc_name(nr);
        fprintf(stderr, "duet:   hypercall %-10s %12llu\n", name ? name : "?",
                (unsigned long long)hc->count[nr]);
    }
}
