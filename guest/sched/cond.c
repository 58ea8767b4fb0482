/*
 * Condition variables. With one CPU and no preemption, releasing the mutex
 * and starting to wait are atomic for free: no other thread runs between
 * the two. Spurious wake-ups never happen, but callers loop anyway (POSIX).
 */
#include <errno.h>
#include "scheduler.h"

int cond_wait(struct duet_cond *c, struct duet_mutex *m, uint64_t deadline)
{
    if (m->owner != sched_self())
        return EPERM;
    unsigned depth = m->depth; /* a recursive mutex comes back as deep as it was */
    m->depth = 1;
    mutex_unlock(m);
    int r = sched_block(&c->waiters, deadline);
    mutex_lock(m, SCHED_FOREVER);
    m->depth = depth;
    return r;
}

int cond_signal(struct duet_cond *c)
{
    sched_wake_one(&c->waiters);
    return 0;
}

int cond_broadcast(struct duet_cond *c)
{
    sched_wake_all(&c->waiters);
    return 0;
}

int cond_destroy(struct duet_cond *c)
{
    return c->waiters.head ? EBUSY : 0;
}
