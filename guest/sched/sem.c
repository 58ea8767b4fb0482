/* Counting semaphores (sem_t): a post with waiters hands its unit to the first. */
#include <errno.h>
#include <limits.h>
#include "scheduler.h"

int sem_trydown(struct duet_sem *s)
{
    if (!s->value)
        return EAGAIN;
    s->value--;
    return 0;
}

int sem_down(struct duet_sem *s, uint64_t deadline)
{
    if (sem_trydown(s) == 0)
        return 0;
    return sched_block(&s->waiters, deadline); /* 0: sem_up handed us its unit */
}

int sem_up(struct duet_sem *s)
{
    if (sched_wake_one(&s->waiters))
        return 0;
    if (s->value == INT_MAX) /* SEM_VALUE_MAX */
        return EOVERFLOW;
    s->value++;
    return 0;
}
