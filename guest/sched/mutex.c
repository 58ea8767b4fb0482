/*
 * Mutexes (normal, recursive, error-checking) and once. Unlocking hands the
 * mutex straight to the longest waiter, so a thread that unlocks and locks
 * again in a loop cannot starve the others (and a woken waiter never finds
 * it taken again).
 */
#include <errno.h>
#include <limits.h>
#include "scheduler.h"

int mutex_lock(struct duet_mutex *m, uint64_t deadline)
{
    struct duet_thread *self = sched_self();
    if (!m->owner) {
        m->owner = self;
        m->depth = 1;
        return 0;
    }
    if (m->owner == self) {
        if (m->kind == DUET_MUTEX_RECURSIVE) {
            if (m->depth == UINT_MAX)
                return EAGAIN;
            m->depth++;
            return 0;
        }
        if (m->kind == DUET_MUTEX_ERRORCHECK)
            return EDEADLK;
        /* NORMAL relocked by its owner: POSIX wants a deadlock (until the deadline). */
    }
    for (;;) {
        int r = sched_block(&m->waiters, deadline);
        if (m->owner == self)
            return 0; /* handed over by mutex_unlock */
        if (r == ETIMEDOUT)
            return ETIMEDOUT;
    }
}

int mutex_trylock(struct duet_mutex *m)
{
    struct duet_thread *self = sched_self();
    if (!m->owner) {
        m->owner = self;
        m->depth = 1;
        return 0;
    }
    if (m->owner == self && m->kind == DUET_MUTEX_RECURSIVE) {
        if (m->depth == UINT_MAX)
            return EAGAIN;
        m->depth++;
        return 0;
    }
    return EBUSY;
}

int mutex_unlock(struct duet_mutex *m)
{
    if (m->owner != sched_self())
        return EPERM;
    if (m->depth > 1) {
        m->depth--;
        return 0;
    }
    m->owner = sched_wake_one(&m->waiters);
    m->depth = m->owner ? 1 : 0;
    return 0;
}

int mutex_destroy(struct duet_mutex *m)
{
    return m->owner || m->waiters.head ? EBUSY : 0;
}

int once_run(struct duet_once *o, void (*fn)(void))
{
    if (o->state == 2)
        return 0;
    if (o->state == 1) { /* another thread is running fn: wait for it to finish */
        while (o->state != 2)
            sched_block(&o->waiters, SCHED_FOREVER);
        return 0;
    }
    o->state = 1;
    fn();
    o->state = 2;
    sched_wake_all(&o->waiters);
    return 0;
}
