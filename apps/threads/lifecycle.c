/* Create, join, detach, exit, self/equal, many threads, overlapping sleeps, FP state. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include "threads_test.h"

#define MANY 200

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static int detached_done;

static void *add_many(void *arg)
{
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&lock);
        long v = counter;
        if (i % 7 == 0)
            sched_yield(); /* inside the lock: the others must wait, not race */
        counter = v + 1;
        pthread_mutex_unlock(&lock);
        if (i % 3 == 0)
            sched_yield();
    }
    return arg;
}

static void *exits_early(void *arg)
{
    pthread_exit((char *)arg + 1);
}

static void *detached(void *arg)
{
    (void)arg;
    usleep(1000);
    detached_done++;
    return NULL;
}

/* Each sleeper notes when its sleep began and ended: sleeps overlap when every
 * one began before any ended, however late a loaded host runs the vCPU. */
static uint64_t slept_from[4], slept_to[4];

static void *sleeper(void *arg)
{
    long i = (long)arg;
    slept_from[i] = now_ns(CLOCK_MONOTONIC);
    usleep(50000);
    slept_to[i] = now_ns(CLOCK_MONOTONIC);
    return arg;
}

static void *fp_worker(void *arg)
{
    double x = (double)(long)arg, acc = 0;
    for (int i = 1; i <= 200; i++) {
        acc += x / i;
        if (i % 10 == 0)
            sched_yield();
    }
    double want = 0;
    for (int i = 1; i <= 200; i++)
        want += x / i;
    return (void *)(long)(acc == want);
}

static void *self_of(void *arg)
{
    *(pthread_t *)arg = pthread_self();
    return NULL;
}

void test_lifecycle(void)
{
    static pthread_t t[MANY];
    int ok = 1;
    for (long i = 0; i < MANY; i++)
        ok &= pthread_create(&t[i], NULL, add_many, (void *)i) == 0;
    for (long i = 0; i < MANY; i++) {
        void *r = NULL;
        ok &= pthread_join(t[i], &r) == 0 && r == (void *)i;
    }
    report("200 threads x 100 locked increments", ok && counter == MANY * 100);

    void *r;
    pthread_t a;
    char base[2];
    ok = pthread_create(&a, NULL, exits_early, base) == 0 && pthread_join(a, &r) == 0 &&
         r == base + 1;
    report("pthread_exit value reaches pthread_join", ok);

    pthread_t me = 0;
    ok = pthread_create(&a, NULL, self_of, &me) == 0;
    pthread_t created = a;
    ok &= pthread_join(a, NULL) == 0 && pthread_equal(me, created) &&
          !pthread_equal(me, pthread_self());
    ok &= pthread_join(pthread_self(), NULL) == EDEADLK;
    ok &= pthread_join(created, NULL) == ESRCH; /* joined: gone */
    report("self, equal, join errors (EDEADLK, ESRCH)", ok);

    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    int state = -1;
    pthread_attr_getdetachstate(&at, &state);
    ok = state == PTHREAD_CREATE_DETACHED;
    for (int i = 0; i < 10; i++)
        ok &= pthread_create(&a, &at, detached, NULL) == 0;
    ok &= pthread_join(a, NULL) == EINVAL;
    pthread_t b;
    ok &= pthread_create(&b, NULL, detached, NULL) == 0 && pthread_detach(b) == 0;
    usleep(20000);
    report("detached threads run and are freed", ok && detached_done == 11);

    ok = pthread_attr_setstacksize(&at, 1000) == EINVAL &&
         pthread_attr_setstacksize(&at, 1 << 20) == 0;
    size_t sz = 0;
    pthread_attr_getstacksize(&at, &sz);
    report("attr stack size (EINVAL below PTHREAD_STACK_MIN)", ok && sz == 1 << 20);

    uint64_t t0 = now_ns(CLOCK_MONOTONIC);
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, sleeper, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    uint64_t ms = (now_ns(CLOCK_MONOTONIC) - t0) / 1000000;
    uint64_t last_start = 0, first_end = UINT64_MAX;
    ok = 1;
    for (int i = 0; i < 4; i++) {
        last_start = slept_from[i] > last_start ? slept_from[i] : last_start;
        first_end = slept_to[i] < first_end ? slept_to[i] : first_end;
        ok &= slept_to[i] - slept_from[i] >= 50000000; /* none woke early */
    }
    printf("4 threads sleeping 50 ms each took %llu ms\n", (unsigned long long)ms);
    report("sleeps overlap (4 x 50 ms at once)", ok && last_start < first_end);

    ok = 1;
    for (long i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, fp_worker, (void *)(i + 1));
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], &r);
        ok &= r == (void *)1;
    }
    report("FP registers survive switches", ok);
}
