/* Thread-specific data, per-thread errno and __thread variables, and the bench. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "threads_test.h"

static pthread_key_t key;
static int destroyed;
static __thread int tls_value = 7;

static void destructor(void *v)
{
    destroyed += (int)(long)v;
}

static void *keyed(void *arg)
{
    int ok = pthread_getspecific(key) == NULL && tls_value == 7;
    pthread_setspecific(key, arg);
    tls_value = (int)(long)arg;
    errno = (int)(long)arg;
    for (int i = 0; i < 5; i++)
        sched_yield();
    ok &= pthread_getspecific(key) == arg && tls_value == (int)(long)arg &&
          errno == (int)(long)arg;
    return (void *)(long)ok;
}

void test_keys_tls(void)
{
    int ok = pthread_key_create(&key, destructor) == 0;
    pthread_t t[10];
    for (long i = 0; i < 10; i++)
        pthread_create(&t[i], NULL, keyed, (void *)(i + 1));
    errno = 0;
    for (int i = 0; i < 10; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok &= r == (void *)1;
    }
    report("keys, errno and __thread are per thread", ok && errno == 0 && tls_value == 7);
    report("key destructors ran at exit", destroyed == 55);
    ok = pthread_key_delete(key) == 0 && pthread_key_delete(key) == EINVAL &&
         pthread_setspecific(key, &ok) == EINVAL;
    report("deleted key: EINVAL", ok);
}

static void *nothing(void *arg) { return arg; }

static pthread_mutex_t hand = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn = PTHREAD_COND_INITIALIZER;
static int whose, handoffs;

static void *alternate(void *arg)
{
    int me = (int)(long)arg;
    pthread_mutex_lock(&hand);
    while (handoffs < 20000) {
        while (whose != me && handoffs < 20000)
            pthread_cond_wait(&turn, &hand);
        whose = !me;
        handoffs++;
        pthread_cond_signal(&turn);
    }
    pthread_mutex_unlock(&hand);
    return NULL;
}

void bench(void)
{
    enum { N = 2000 };
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);
    for (int i = 0; i < N; i++) {
        pthread_t t;
        pthread_create(&t, NULL, nothing, NULL);
        pthread_join(t, NULL);
    }
    uint64_t t1 = now_ns(CLOCK_MONOTONIC);
    pthread_t a, b;
    pthread_create(&a, NULL, alternate, (void *)0);
    pthread_create(&b, NULL, alternate, (void *)1);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    uint64_t t2 = now_ns(CLOCK_MONOTONIC);
    printf("bench: create+join %llu ns, mutex+cond handoff %llu ns\n",
           (unsigned long long)((t1 - t0) / N), (unsigned long long)((t2 - t1) / handoffs));
}
