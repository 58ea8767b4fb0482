/*
 * Read-write locks, preferring readers (glibc's default): a reader gets the
 * lock whenever no writer holds it, so a thread may take a read lock it
 * already holds without deadlocking behind a waiting writer. Like mutexes,
 * a released lock is handed to its waiters, never left for a newcomer.
 */
#include <errno.h>
#include <limits.h>
#include "scheduler.h"

/* The lock has no writer: its read waiters all get it, else one writer does. */
static void hand_over(struct duet_rwlock *l)
{
    if (l->read_waiters.head) {
        while (sched_wake_one(&l->read_waiters))
            l->readers++;
    } else if (l->readers == 0) {
        l->writer = sched_wake_one(&l->write_waiters);
    }
}

int rwlock_tryrdlock(struct duet_rwlock *l)
{
    if (l->writer)
        return l->writer == sched_self() ? EDEADLK : EBUSY;
    if (l->readers == UINT_MAX)
        return EAGAIN;
    l->readers++;
    return 0;
}

int rwlock_rdlock(struct duet_rwlock *l, uint64_t deadline)
{
    int r = rwlock_tryrdlock(l);
    if (r != EBUSY)
        return r;
    return sched_block(&l->read_waiters, deadline); /* 0: hand_over counted us in */
}

int rwlock_trywrlock(struct duet_rwlock *l)
{
    if (l->writer == sched_self())
        return EDEADLK;
    if (l->writer || l->readers)
        return EBUSY;
    l->writer = sched_self();
    return 0;
}

int rwlock_wrlock(struct duet_rwlock *l, uint64_t deadline)
{
    int r = rwlock_trywrlock(l);
    if (r != EBUSY)
        return r;
    return sched_block(&l->write_waiters, deadline); /* 0: hand_over made us the writer */
}

int rwlock_unlock(struct duet_rwlock *l)
{
    if (l->writer) {
        if (l->writer != sched_self())
            return EPERM;
        l->writer = NULL;
    } else if (l->readers) {
        l->readers--;
    } else {
        return EPERM;
    }
    hand_over(l);
    return 0;
}

int rwlock_destroy(struct duet_rwlock *l)
{
    return l->writer || l->readers || l->read_waiters.head || l->write_waiters.head ? EBUSY : 0;
}
