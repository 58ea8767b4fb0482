/*
 * `duet timeit CMD [ARGS...]`: runs CMD once and prints its wall time from
 * fork to exit, in ms, with its exit status. The boot benchmark times whole
 * processes with it inside the lab, whose busybox date has no nanoseconds.
 * Also prints the child's peak RSS (maxrss_kb, from wait4).
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli/commands.h"
#include "cli/run_report.h"
#include "duet/hypercall.h"

int cmd_timeit(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: duet timeit CMD [ARGS...]\n");
        return DUET_STATUS_USAGE;
    }
    struct timespec t0, t1;
    fflush(NULL);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "duet timeit: fork: %s\n", strerror(errno));
        return DUET_STATUS_HOST_ERROR;
    }
    if (pid == 0) {
        char t0s[32]; /* lets `duet run --verbose` time its own exec */
        snprintf(t0s, sizeof t0s, "%llu",
                 (unsigned long long)t0.tv_sec * 1000000000ULL + (unsigned long long)t0.tv_nsec);
        setenv(REPORT_T0_ENV, t0s, 1);
        execvp(argv[1], argv + 1);
        fprintf(stderr, "duet timeit: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    int st;
    struct rusage ru = { 0 };
    while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
        ;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    /* Peak RSS of the child: the host's memory for this run, whatever THP does. */
    fprintf(stderr, "timeit_ms %.3f status %d maxrss_kb %ld\n", ms, status, ru.ru_maxrss);
    return status;
}
