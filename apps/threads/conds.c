/* Condition variables: a bounded queue under contention, timeouts on both clocks. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include "threads_test.h"

#define SLOTS 4
#define ITEMS 500
#define PRODUCERS 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static int queue[SLOTS], head, count;
static long consumed_sum;

static void *producer(void *arg)
{
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&lock);
        while (count == SLOTS)
            pthread_cond_wait(&not_full, &lock);
        queue[(head + count++) % SLOTS] = i;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&lock);
    }
    return arg;
}

static void *consumer(void *arg)
{
    for (int i = 0; i < ITEMS * PRODUCERS / 2; i++) {
        pthread_mutex_lock(&lock);
        while (count == 0)
            pthread_cond_wait(&not_empty, &lock);
        consumed_sum += queue[head];
        head = (head + 1) % SLOTS;
        count--;
        pthread_cond_broadcast(&not_full);
        pthread_mutex_unlock(&lock);
    }
    return arg;
}

static struct timespec in_ms(clockid_t clock, long ms)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return ts;
}

static pthread_cond_t late = PTHREAD_COND_INITIALIZER;

static void *signal_later(void *arg)
{
    (void)arg;
    struct timespec d = { 0, 10000000 };
    nanosleep(&d, NULL);
    pthread_mutex_lock(&lock);
    pthread_cond_signal(&late);
    pthread_mutex_unlock(&lock);
    return NULL;
}

void test_conds(void)
{
    pthread_t p[PRODUCERS], c[2];
    for (int i = 0; i < PRODUCERS; i++)
        pthread_create(&p[i], NULL, producer, NULL);
    for (int i = 0; i < 2; i++)
        pthread_create(&c[i], NULL, consumer, NULL);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(p[i], NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(c[i], NULL);
    report("4 producers, 2 consumers, 4-slot queue",
           consumed_sum == (long)PRODUCERS * ITEMS * (ITEMS + 1) / 2 && count == 0);

    pthread_condattr_t a;
    pthread_cond_t mono;
    pthread_condattr_init(&a);
    int ok = pthread_condattr_setclock(&a, CLOCK_MONOTONIC) == 0 &&
             pthread_condattr_setclock(&a, 12345) == EINVAL;
    pthread_cond_init(&mono, &a);
    static const struct { clockid_t clock; const char *name; } clocks[] = {
        { CLOCK_REALTIME, "cond timedwait 40 ms, CLOCK_REALTIME" },
        { CLOCK_MONOTONIC, "cond timedwait 40 ms, CLOCK_MONOTONIC" },
    };
    for (int i = 0; i < 2; i++) {
        pthread_cond_t *cv = clocks[i].clock == CLOCK_MONOTONIC ? &mono : &late;
        struct timespec ts = in_ms(clocks[i].clock, 40);
        uint64_t t0 = now_ns(CLOCK_MONOTONIC);
        pthread_mutex_lock(&lock);
        int r = pthread_cond_timedwait(cv, &lock, &ts);
        int relocked = pthread_mutex_trylock(&lock) == EBUSY; /* we hold it again */
        pthread_mutex_unlock(&lock);
        uint64_t ms = (now_ns(CLOCK_MONOTONIC) - t0) / 1000000;
        report(clocks[i].name, ok && r == ETIMEDOUT && relocked && ms >= 40 && ms < 2000 /* not hung */);
    }
    struct timespec past = in_ms(CLOCK_REALTIME, 0), bad = { 0, 2000000000 };
    past.tv_sec -= 10;
    pthread_mutex_lock(&lock);
    ok = pthread_cond_timedwait(&late, &lock, &past) == ETIMEDOUT &&
         pthread_cond_timedwait(&late, &lock, &bad) == EINVAL;
    pthread_mutex_unlock(&lock);
    report("timedwait: past deadline ETIMEDOUT, bad nsec EINVAL", ok);

    pthread_t s;
    pthread_create(&s, NULL, signal_later, NULL);
    struct timespec ts = in_ms(CLOCK_REALTIME, 2000);
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);
    pthread_mutex_lock(&lock);
    int r = pthread_cond_timedwait(&late, &lock, &ts);
    pthread_mutex_unlock(&lock);
    uint64_t ms = (now_ns(CLOCK_MONOTONIC) - t0) / 1000000;
    pthread_join(s, NULL);
    report("timedwait woken by a signal before its timeout", r == 0 && ms < 1000);
}
