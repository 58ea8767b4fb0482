/* Read-write locks, semaphores, barriers. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include "threads_test.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int readers_in, max_readers, writer_in, overlap;
static sem_t ping, pong;
static int rounds;
static pthread_barrier_t barrier;
static int before, after_ok = 1, serial;

static void *reader(void *arg)
{
    for (int i = 0; i < 20; i++) {
        pthread_rwlock_rdlock(&rw);
        readers_in++;
        if (readers_in > max_readers)
            max_readers = readers_in;
        overlap |= writer_in;
        sched_yield();
        readers_in--;
        pthread_rwlock_unlock(&rw);
    }
    return arg;
}

static void *writer(void *arg)
{
    for (int i = 0; i < 10; i++) {
        pthread_rwlock_wrlock(&rw);
        writer_in++;
        overlap |= readers_in || writer_in > 1;
        sched_yield();
        writer_in--;
        pthread_rwlock_unlock(&rw);
        sched_yield();
    }
    return arg;
}

static void *ponger(void *arg)
{
    for (int i = 0; i < 1000; i++) {
        sem_wait(&ping);
        rounds++;
        sem_post(&pong);
    }
    return arg;
}

static void *at_barrier(void *arg)
{
    before++;
    if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
        serial++;
    after_ok &= before == 5;
    return arg;
}

void test_rwlock_sem_barrier(void)
{
    pthread_t t[8];
    for (int i = 0; i < 6; i++)
        pthread_create(&t[i], NULL, reader, NULL);
    for (int i = 6; i < 8; i++)
        pthread_create(&t[i], NULL, writer, NULL);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    report("rwlock: readers share, writers exclude", !overlap && max_readers > 1);

    int ok = pthread_rwlock_wrlock(&rw) == 0 && pthread_rwlock_wrlock(&rw) == EDEADLK &&
             pthread_rwlock_tryrdlock(&rw) == EDEADLK && pthread_rwlock_unlock(&rw) == 0 &&
             pthread_rwlock_unlock(&rw) == EPERM && pthread_rwlock_rdlock(&rw) == 0 &&
             pthread_rwlock_trywrlock(&rw) == EBUSY && pthread_rwlock_unlock(&rw) == 0 &&
             pthread_rwlock_destroy(&rw) == 0;
    report("rwlock errors: EDEADLK, EPERM, EBUSY", ok);

    pthread_rwlock_rdlock(&rw);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    ok = pthread_rwlock_timedwrlock(&rw, &ts) == ETIMEDOUT;
    pthread_rwlock_unlock(&rw);
    report("rwlock timedwrlock times out under a reader", ok);

    sem_init(&ping, 0, 0);
    sem_init(&pong, 0, 0);
    pthread_t p;
    pthread_create(&p, NULL, ponger, NULL);
    ok = 1;
    for (int i = 0; i < 1000; i++) {
        sem_post(&ping);
        ok &= sem_wait(&pong) == 0;
    }
    pthread_join(p, NULL);
    int v = -1;
    sem_getvalue(&ping, &v);
    ok &= rounds == 1000 && v == 0 && sem_trywait(&ping) == -1 && errno == EAGAIN;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec = (ts.tv_nsec + 10000000) % 1000000000; /* may also be in the past: fine */
    if (ts.tv_nsec < 10000000)
        ts.tv_sec++;
    ok &= sem_timedwait(&ping, &ts) == -1 && errno == ETIMEDOUT;
    ok &= sem_init(&ping, 0, 0x80000000u) == -1 && errno == EINVAL;
    report("semaphores: 1000 ping-pongs, EAGAIN, ETIMEDOUT, EINVAL", ok);

    pthread_barrier_init(&barrier, NULL, 5);
    for (int i = 0; i < 5; i++)
        pthread_create(&t[i], NULL, at_barrier, NULL);
    for (int i = 0; i < 5; i++)
        pthread_join(t[i], NULL);
    report("barrier: all 5 arrive before any leaves", after_ok && serial == 1);
}
