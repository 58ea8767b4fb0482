/*
 * Unit tests of the guest scheduler and its sync objects (guest/sched),
 * natively under ASan/UBSan (and LSan: a thread never freed is a leak),
 * with a simulated clock so every timeout is exact.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "sched_port_native.h"
#include "scheduler.h"

#define STACK (64 * 1024)

static int log_[16], log_n;
static void note(int v) { if (log_n < 16) log_[log_n++] = v; }
static void log_reset(void) { log_n = 0; }

static struct duet_thread *spawn(void *(*fn)(void *), void *arg)
{
    struct duet_thread *t = NULL;
    CHECK(thread_create(&t, STACK, 0, fn, arg) == 0);
    return t;
}

static void *note_and_yield(void *arg)
{
    note((int)(intptr_t)arg);
    sched_yield_cpu();
    note(10 + (int)(intptr_t)arg);
    return arg;
}

static void test_round_robin_and_join(void)
{
    log_reset();
    struct duet_thread *t[3];
    for (intptr_t i = 0; i < 3; i++)
        t[i] = spawn(note_and_yield, (void *)i);
    CHECK(sched_thread_count() == 4);
    void *r;
    CHECK(thread_join(t[0], &r) == 0 && r == (void *)0);
    CHECK(thread_join(t[1], NULL) == 0 && thread_join(t[2], NULL) == 0);
    static const int want[] = { 0, 1, 2, 10, 11, 12 };
    CHECK(log_n == 6);
    for (int i = 0; i < 6; i++)
        CHECK_EQ_U64(log_[i], want[i]);
    CHECK(thread_join(t[0], NULL) == ESRCH);
    CHECK(thread_join(sched_self(), NULL) == EDEADLK);
    CHECK(sched_thread_count() == 1);
}

static struct duet_mutex m;

static void *lock_note_unlock(void *arg)
{
    CHECK(mutex_lock(&m, SCHED_FOREVER) == 0);
    CHECK(m.owner == sched_self());
    note((int)(intptr_t)arg);
    mutex_unlock(&m);
    return NULL;
}

static void test_mutex_handoff_in_order(void)
{
    log_reset();
    m = (struct duet_mutex){ 0 };
    CHECK(mutex_lock(&m, SCHED_FOREVER) == 0);
    struct duet_thread *t[3];
    for (intptr_t i = 0; i < 3; i++)
        t[i] = spawn(lock_note_unlock, (void *)i);
    sched_yield_cpu(); /* all three block, in order */
    CHECK(m.waiters.head == t[0] && m.waiters.tail == t[2]);
    mutex_unlock(&m);
    CHECK(m.owner == t[0]); /* handed over, not left for a newcomer */
    CHECK(mutex_trylock(&m) == EBUSY);
    for (int i = 0; i < 3; i++)
        thread_join(t[i], NULL);
    CHECK(log_n == 3 && log_[0] == 0 && log_[1] == 1 && log_[2] == 2);
    CHECK(m.owner == NULL && mutex_destroy(&m) == 0);
}

static void test_mutex_kinds(void)
{
    struct duet_mutex r = { .kind = DUET_MUTEX_RECURSIVE }, e = { .kind = DUET_MUTEX_ERRORCHECK };
    CHECK(mutex_lock(&r, SCHED_FOREVER) == 0 && mutex_lock(&r, SCHED_FOREVER) == 0);
    CHECK(r.depth == 2 && mutex_unlock(&r) == 0 && r.owner && mutex_unlock(&r) == 0);
    CHECK(!r.owner && mutex_unlock(&r) == EPERM);
    CHECK(mutex_lock(&e, SCHED_FOREVER) == 0 && mutex_lock(&e, SCHED_FOREVER) == EDEADLK);
    CHECK(mutex_unlock(&e) == 0);
}

static void *timed_lock(void *arg)
{
    uint64_t start = sim_now;
    int r = mutex_lock(&m, sim_now + (uint64_t)(intptr_t)arg);
    CHECK_EQ_U64(sim_now - start, (uint64_t)(intptr_t)arg);
    return (void *)(intptr_t)r;
}

static void test_timeouts_exact(void)
{
    m = (struct duet_mutex){ 0 };
    mutex_lock(&m, SCHED_FOREVER);
    struct duet_thread *t = spawn(timed_lock, (void *)(intptr_t)5000);
    void *r;
    CHECK(thread_join(t, &r) == 0 && r == (void *)(intptr_t)ETIMEDOUT);
    CHECK(m.waiters.head == NULL); /* a timed-out waiter leaves the queue */
    mutex_unlock(&m);
    CHECK(m.owner == NULL);
}

static void *sleep_note(void *arg)
{
    sched_sleep_until((uint64_t)(intptr_t)arg);
    CHECK_EQ_U64(sim_now, (uint64_t)(intptr_t)arg);
    note((int)((intptr_t)arg / 1000000));
    return NULL;
}

static void test_sleepers_wake_in_deadline_order(void)
{
    log_reset();
    uint64_t base = (sim_now / 1000000 + 1) * 1000000;
    struct duet_thread *t[3];
    t[0] = spawn(sleep_note, (void *)(intptr_t)(base + 3000000));
    t[1] = spawn(sleep_note, (void *)(intptr_t)(base + 1000000));
    t[2] = spawn(sleep_note, (void *)(intptr_t)(base + 2000000));
    for (int i = 0; i < 3; i++)
        thread_join(t[i], NULL);
    int b = (int)(base / 1000000);
    CHECK(log_n == 3 && log_[0] == b + 1 && log_[1] == b + 2 && log_[2] == b + 3);
}

static struct duet_cond c;

static void *cond_waiter(void *arg)
{
    for (int i = 0; i < 3; i++)
        mutex_lock(&m, SCHED_FOREVER);
    int r = cond_wait(&c, &m, sim_now + 1000000);
    CHECK(m.owner == sched_self() && m.depth == 3); /* recursive depth restored */
    for (int i = 0; i < 3; i++)
        mutex_unlock(&m);
    return (void *)(intptr_t)r + (intptr_t)arg * 0;
}

static void test_cond_signal_beats_timeout(void)
{
    m = (struct duet_mutex){ .kind = DUET_MUTEX_RECURSIVE };
    c = (struct duet_cond){ 0 };
    struct duet_thread *t = spawn(cond_waiter, NULL);
    sched_yield_cpu(); /* it locks three deep and waits, releasing all three */
    CHECK(c.waiters.head == t && m.owner == NULL);
    uint64_t before = sim_now;
    cond_signal(&c);
    void *r;
    CHECK(thread_join(t, &r) == 0 && r == (void *)0);
    CHECK(sim_now == before); /* woken by the signal: no time passed */
    sched_sleep_until(sim_now + 2000000); /* its old deadline passes harmlessly */
    CHECK(m.owner == NULL);
}

static struct duet_rwlock rw;

static void *reader(void *arg) { CHECK(rwlock_rdlock(&rw, SCHED_FOREVER) == 0); note(1); sched_yield_cpu(); rwlock_unlock(&rw); return arg; }
static void *writer(void *arg) { CHECK(rwlock_wrlock(&rw, SCHED_FOREVER) == 0); note(2); CHECK(rw.readers == 0); rwlock_unlock(&rw); return arg; }

static void test_rwlock_handover(void)
{
    log_reset();
    rw = (struct duet_rwlock){ 0 };
    CHECK(rwlock_wrlock(&rw, SCHED_FOREVER) == 0);
    struct duet_thread *t[3] = { spawn(writer, NULL), spawn(reader, NULL), spawn(reader, NULL) };
    sched_yield_cpu();
    rwlock_unlock(&rw); /* readers first (reader preference), together */
    CHECK(rw.readers == 2 && rw.writer == NULL);
    for (int i = 0; i < 3; i++)
        thread_join(t[i], NULL);
    CHECK(log_n == 3 && log_[0] == 1 && log_[1] == 1 && log_[2] == 2);
    CHECK(rwlock_destroy(&rw) == 0 && rwlock_unlock(&rw) == EPERM);
}

static struct duet_sem s;
static void *sem_taker(void *arg) { return (void *)(intptr_t)sem_down(&s, sim_now + 100); (void)arg; }

static void test_semaphore(void)
{
    s = (struct duet_sem){ .value = 1 };
    CHECK(sem_trydown(&s) == 0 && sem_trydown(&s) == EAGAIN);
    struct duet_thread *a = spawn(sem_taker, NULL), *b = spawn(sem_taker, NULL);
    sched_yield_cpu();
    sem_up(&s); /* handed to a: the value stays 0 */
    CHECK(s.value == 0);
    void *ra, *rb;
    thread_join(a, &ra);
    thread_join(b, &rb);
    CHECK(ra == (void *)0 && rb == (void *)(intptr_t)ETIMEDOUT);
}

static int hook_fired;
static void fire(void) { hook_fired++; sched_event_signal(); }
static void *event_waiter(void *arg) { return (void *)(intptr_t)sched_wait_event(SCHED_FOREVER) + (intptr_t)arg * 0; }

static void test_event_wakes_waiter(void)
{
    idle_event_hook = fire;
    struct duet_thread *t = spawn(event_waiter, NULL);
    void *r;
    CHECK(thread_join(t, &r) == 0 && r == (void *)0 && hook_fired == 1);
    idle_event_hook = NULL;
    sched_event_signal(); /* nobody waits: kept for the next waiter, at once */
    CHECK(sched_wait_event(SCHED_FOREVER) == 0);
}

static unsigned key;
static int destructor_runs;
static void resetting_destructor(void *v)
{
    destructor_runs++;
    key_set(key, v); /* set again: run again, at most 4 rounds */
}
static void *keyed(void *arg) { key_set(key, arg); CHECK(key_get(key) == arg); return NULL; }

static void test_key_destructor_rounds(void)
{
    CHECK(key_create(&key, resetting_destructor) == 0);
    CHECK(key_get(key) == NULL);
    thread_join(spawn(keyed, &key), NULL);
    CHECK(destructor_runs == 4);
    CHECK(key_delete(key) == 0 && key_set(key, &key) == EINVAL);
}

static void *detached_fn(void *arg) { sched_yield_cpu(); return arg; }

static void test_detached_threads_are_freed(void)
{
    for (int i = 0; i < 20; i++) {
        struct duet_thread *t;
        CHECK(thread_create(&t, STACK, 1, detached_fn, NULL) == 0);
    }
    while (sched_thread_count() > 1)
        sched_yield_cpu();
    sched_yield_cpu(); /* the last zombie is reaped once switched away from */
    CHECK(sched_all_threads()->all_next == NULL); /* only main is left; LSan checks the rest */
}

static void *lock_forever(void *arg) { mutex_lock(&m, SCHED_FOREVER); return arg; }

static void test_deadlock_is_detected(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        m = (struct duet_mutex){ 0 };
        mutex_lock(&m, SCHED_FOREVER);
        struct duet_thread *t = spawn(lock_forever, NULL);
        thread_join(t, NULL); /* t waits for m, main for t: nothing can run */
        _exit(0);
    }
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 3);
}

int main(void)
{
    RUN_TEST(test_round_robin_and_join);
    RUN_TEST(test_mutex_handoff_in_order);
    RUN_TEST(test_mutex_kinds);
    RUN_TEST(test_timeouts_exact);
    RUN_TEST(test_sleepers_wake_in_deadline_order);
    RUN_TEST(test_cond_signal_beats_timeout);
    RUN_TEST(test_rwlock_handover);
    RUN_TEST(test_semaphore);
    RUN_TEST(test_event_wakes_waiter);
    RUN_TEST(test_key_destructor_rounds);
    RUN_TEST(test_detached_threads_are_freed);
    RUN_TEST(test_deadlock_is_detected);
    return CHECK_EXIT();
}
