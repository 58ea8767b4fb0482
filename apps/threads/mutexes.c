/* Mutex kinds, trylock, timedlock, handoff fairness, once. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include "threads_test.h"

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static int order[6], order_n;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void *timed_locker(void *arg)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 30000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);
    int r = pthread_mutex_timedlock(&held, &ts);
    *(uint64_t *)arg = now_ns(CLOCK_MONOTONIC) - t0;
    return (void *)(long)r;
}

static void *trier(void *arg)
{
    (void)arg;
    return (void *)(long)pthread_mutex_trylock(&held);
}

static void *queued(void *arg)
{
    pthread_mutex_lock(&held);
    order[order_n++] = (int)(long)arg;
    pthread_mutex_unlock(&held);
    return NULL;
}

static void init_once(void) { once_runs++; sched_yield(); }
static void *onceler(void *arg) { pthread_once(&once, init_once); return arg; }

void test_mutexes(void)
{
    pthread_mutexattr_t a;
    pthread_mutex_t m;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m, &a);
    int ok = pthread_mutex_lock(&m) == 0 && pthread_mutex_lock(&m) == 0 &&
             pthread_mutex_trylock(&m) == 0 && pthread_mutex_unlock(&m) == 0 &&
             pthread_mutex_unlock(&m) == 0 && pthread_mutex_destroy(&m) == EBUSY &&
             pthread_mutex_unlock(&m) == 0 && pthread_mutex_unlock(&m) == EPERM &&
             pthread_mutex_destroy(&m) == 0;
    report("recursive mutex: depth 3, EBUSY, EPERM", ok);

    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&m, &a);
    ok = pthread_mutex_unlock(&m) == EPERM && pthread_mutex_lock(&m) == 0 &&
         pthread_mutex_lock(&m) == EDEADLK && pthread_mutex_trylock(&m) == EBUSY &&
         pthread_mutex_unlock(&m) == 0;
    report("errorcheck mutex: EDEADLK, EPERM", ok);
    ok = pthread_mutexattr_settype(&a, 99) == EINVAL;
    report("mutexattr type 99 is EINVAL", ok);

    pthread_t t;
    void *r;
    uint64_t waited = 0;
    pthread_mutex_lock(&held);
    ok = pthread_create(&t, NULL, trier, NULL) == 0 && pthread_join(t, &r) == 0 &&
         r == (void *)(long)EBUSY;
    report("trylock of a held mutex: EBUSY", ok);
    pthread_create(&t, NULL, timed_locker, &waited);
    pthread_join(t, &r);
    printf("timedlock gave up after %llu us\n", (unsigned long long)waited / 1000);
    report("timedlock times out (30 ms, CLOCK_REALTIME)",
           r == (void *)(long)ETIMEDOUT && waited >= 30000000 && waited < 2000000000 /* not hung */);

    pthread_t q[5];
    for (long i = 0; i < 5; i++)
        pthread_create(&q[i], NULL, queued, (void *)i);
    sched_yield(); /* all five now wait, in order */
    pthread_mutex_unlock(&held);
    for (int i = 0; i < 5; i++)
        pthread_join(q[i], NULL);
    ok = order_n == 5;
    for (int i = 0; i < 5; i++)
        ok &= order[i] == i;
    report("unlock hands over first come, first served", ok);

    pthread_t o[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&o[i], NULL, onceler, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(o[i], NULL);
    pthread_once(&once, init_once);
    report("pthread_once runs once (callers wait for it)", once_runs == 1);
}
