/*
 * <pthread.h>'s mutexes, condition variables, rwlocks and barriers, and
 * <semaphore.h>, over the scheduler's objects. Absolute timeouts on either
 * clock become deadlines on the scheduler's monotonic clock.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include "scheduler.h"

/* abstime on `clock` as a scheduler deadline; EINVAL for a bad timespec. */
static int deadline_of(clockid_t clock, const struct timespec *abs, uint64_t *deadline)
{
    if (!abs || abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000L)
        return EINVAL;
    struct timespec now;
    if (clock_gettime(clock, &now) < 0)
        return EINVAL;
    uint64_t start = sched_now();
    if (abs->tv_sec < now.tv_sec || (abs->tv_sec == now.tv_sec && abs->tv_nsec <= now.tv_nsec)) {
        *deadline = start; /* already past: times out at once */
        return 0;
    }
    uint64_t sec = (uint64_t)(abs->tv_sec - now.tv_sec);
    if (sec > 100ULL * 365 * 86400) { /* centuries away: no deadline to overflow */
        *deadline = SCHED_FOREVER;
        return 0;
    }
    *deadline = start + sec * 1000000000ULL + (uint64_t)abs->tv_nsec - (uint64_t)now.tv_nsec;
    return 0;
}

int pthread_mutexattr_init(pthread_mutexattr_t *a) { a->type = PTHREAD_MUTEX_DEFAULT; return 0; }
int pthread_mutexattr_destroy(pthread_mutexattr_t *a) { (void)a; return 0; }
int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *t) { *t = a->type; return 0; }

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
    if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE &&
        type != PTHREAD_MUTEX_ERRORCHECK)
        return EINVAL;
    a->type = type;
    return 0;
}

int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared)
{
    (void)a;
    return pshared == PTHREAD_PROCESS_PRIVATE ? 0 : ENOTSUP;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
    memset(m, 0, sizeof *m);
    m->kind = a ? (unsigned)a->type : DUET_MUTEX_NORMAL;
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m) { return mutex_destroy(m); }
int pthread_mutex_lock(pthread_mutex_t *m) { return mutex_lock(m, SCHED_FOREVER); }
int pthread_mutex_trylock(pthread_mutex_t *m) { return mutex_trylock(m); }
int pthread_mutex_unlock(pthread_mutex_t *m) { return mutex_unlock(m); }

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abs)
{
    int r = mutex_trylock(m);
    uint64_t deadline;
    if (r != EBUSY)
        return r;
    if ((r = deadline_of(CLOCK_REALTIME, abs, &deadline)))
        return r;
    return mutex_lock(m, deadline);
}

int pthread_condattr_init(pthread_condattr_t *a) { a->clock = CLOCK_REALTIME; return 0; }
int pthread_condattr_destroy(pthread_condattr_t *a) { (void)a; return 0; }
int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *c) { *c = a->clock; return 0; }

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock)
{
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return EINVAL;
    a->clock = clock;
    return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *a, int pshared)
{
    (void)a;
    return pshared == PTHREAD_PROCESS_PRIVATE ? 0 : ENOTSUP;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
    memset(c, 0, sizeof *c);
    c->monotonic = a && a->clock == CLOCK_MONOTONIC;
    return 0;
}

int pthread_cond_destroy(pthread_cond_t *c) { return cond_destroy(c); }
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { return cond_wait(c, m, SCHED_FOREVER); }
int pthread_cond_signal(pthread_cond_t *c) { return cond_signal(c); }
int pthread_cond_broadcast(pthread_cond_t *c) { return cond_broadcast(c); }

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abs)
{
    uint64_t deadline;
    int r = deadline_of(c->monotonic ? CLOCK_MONOTONIC : CLOCK_REALTIME, abs, &deadline);
    return r ? r : cond_wait(c, m, deadline);
}

int pthread_rwlockattr_init(pthread_rwlockattr_t *a) { (void)a; return 0; }
int pthread_rwlockattr_destroy(pthread_rwlockattr_t *a) { (void)a; return 0; }

int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a)
{
    (void)a;
    memset(l, 0, sizeof *l);
    return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *l) { return rwlock_destroy(l); }
int pthread_rwlock_rdlock(pthread_rwlock_t *l) { return rwlock_rdlock(l, SCHED_FOREVER); }
int pthread_rwlock_wrlock(pthread_rwlock_t *l) { return rwlock_wrlock(l, SCHED_FOREVER); }
int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) { return rwlock_tryrdlock(l); }
int pthread_rwlock_trywrlock(pthread_rwlock_t *l) { return rwlock_trywrlock(l); }
int pthread_rwlock_unlock(pthread_rwlock_t *l) { return rwlock_unlock(l); }

int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *abs)
{
    int r = rwlock_tryrdlock(l);
    uint64_t deadline;
    if (r != EBUSY)
        return r;
    return (r = deadline_of(CLOCK_REALTIME, abs, &deadline)) ? r : rwlock_rdlock(l, deadline);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *abs)
{
    int r = rwlock_trywrlock(l);
    uint64_t deadline;
    if (r != EBUSY)
        return r;
    return (r = deadline_of(CLOCK_REALTIME, abs, &deadline)) ? r : rwlock_wrlock(l, deadline);
}

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *a, unsigned count)
{
    (void)a;
    if (!count)
        return EINVAL;
    memset(b, 0, sizeof *b);
    b->count = count;
    return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b) { return b->waiting ? EBUSY : 0; }

int pthread_barrier_wait(pthread_barrier_t *b)
{
    if (++b->waiting == b->count) {
        b->waiting = 0;
        b->generation++;
        cond_broadcast(&b->cond);
        return PTHREAD_BARRIER_SERIAL_THREAD;
    }
    for (unsigned gen = b->generation; gen == b->generation;)
        sched_block(&b->cond.waiters, SCHED_FOREVER);
    return 0;
}

/* Semaphores report errors through errno (POSIX), unlike the pthread calls. */
static int sem_result(int r)
{
    if (!r)
        return 0;
    errno = r;
    return -1;
}

int sem_init(sem_t *s, int pshared, unsigned value)
{
    if (value > SEM_VALUE_MAX)
        return sem_result(EINVAL);
    if (pshared)
        return sem_result(ENOSYS);
    memset(s, 0, sizeof *s);
    s->value = value;
    return 0;
}

int sem_destroy(sem_t *s) { return sem_result(s->waiters.head ? EBUSY : 0); }
int sem_wait(sem_t *s) { return sem_result(sem_down(s, SCHED_FOREVER)); }
int sem_trywait(sem_t *s) { return sem_result(sem_trydown(s)); }
int sem_post(sem_t *s) { return sem_result(sem_up(s)); }
int sem_getvalue(sem_t *s, int *v) { *v = (int)s->value; return 0; }

int sem_timedwait(sem_t *s, const struct timespec *abs)
{
    uint64_t deadline;
    if (sem_trydown(s) == 0)
        return 0;
    int r = deadline_of(CLOCK_REALTIME, abs, &deadline);
    return sem_result(r ? r : sem_down(s, deadline));
}
