/*
 * POSIX threads in the guest: many threads under contention, every kind of
 * mutex, condition variables and their timeouts on both clocks, rwlocks,
 * once, keys with destructors, semaphores, barriers, sleeps that overlap,
 * per-thread errno/TLS/FP registers; prints one PASS/FAIL line per check.
 * `overflow` instead makes a thread overflow its stack (a crash report
 * naming it, status 112); `deadlock` a lock-order deadlock (reported, 112);
 * `bench` prints create+join and handoff costs.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "threads_test.h"

int failures;
#define FAILED_NAMED 8
static const char *failed[FAILED_NAMED]; /* named again at the end: a log's tail shows them */

void report(const char *name, int ok)
{
    printf("%-44s %s\n", name, ok ? "PASS" : "FAIL");
    if (!ok && failures < FAILED_NAMED)
        failed[failures] = name;
    failures += !ok;
}

uint64_t now_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static volatile int depth_limit = 1 << 30;

static int recurse(int depth)
{
    volatile char frame[512];
    frame[0] = (char)depth;
    return depth < depth_limit ? recurse(depth + 1) + frame[0] : 0;
}

static void *overflow_thread(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "overflower");
    printf("overflowing a 16 KiB thread stack\n");
    fflush(stdout);
    recurse(0);
    return NULL;
}

static int overflow(void)
{
    pthread_t t;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN);
    pthread_create(&t, &a, overflow_thread, NULL);
    pthread_join(t, NULL);
    printf("the overflow was not caught\n");
    return 1;
}

static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER, second = PTHREAD_MUTEX_INITIALIZER;

static void *lock_second_then_first(void *arg)
{
    pthread_mutex_lock(&second);
    sched_yield();
    pthread_mutex_lock(&first);
    return arg;
}

/* Two threads taking two mutexes in opposite orders: the scheduler must see
 * that nothing can ever run again and say so, not hang. */
static int deadlock(void)
{
    pthread_t t;
    pthread_create(&t, NULL, lock_second_then_first, NULL);
    pthread_mutex_lock(&first);
    sched_yield();
    pthread_mutex_lock(&second);
    printf("the deadlock was not noticed\n");
    return 1;
}

static void *sleep_seconds(void *arg)
{
    sleep((unsigned)(long)arg);
    return NULL;
}

/* Every thread asleep for 5 s: the vCPU must wait in WFI, not spin. */
static int idle(void)
{
    pthread_t t[3];
    for (long i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, sleep_seconds, (void *)(4 + i / 2));
    printf("idle: 4 threads asleep\n");
    fflush(stdout);
    sleep(5);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("idle: all woke\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "idle"))
        return idle();
    if (argc > 1 && !strcmp(argv[1], "deadlock"))
        return deadlock();
    if (argc > 1 && !strcmp(argv[1], "overflow"))
        return overflow();
    if (argc > 1 && !strcmp(argv[1], "bench")) {
        bench();
        return 0;
    }
    test_lifecycle();
    test_mutexes();
    test_conds();
    test_rwlock_sem_barrier();
    test_keys_tls();
    for (int i = 0; i < failures && i < FAILED_NAMED; i++)
        printf("failed: %s\n", failed[i]);
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "ALL PASSED", failures);
    return failures ? 1 : 0;
}
