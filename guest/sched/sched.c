/*
 * The run queue, blocking with deadlines, and the idle loop (see sched.h for
 * the model: cooperative, one CPU). A blocked thread sits in at most one wait
 * queue and, when it has a deadline, in the timed list; waking takes it out
 * of both, so a wake and a timeout can never both happen to one wait.
 */
#include <errno.h>
#include "port.h"
#include "scheduler.h"

static struct duet_thread main_thread = {
    .state = THREAD_RUNNING, .deadline = SCHED_FOREVER, .id = 1, .name = "main",
};
static struct duet_thread *current = &main_thread, *all = &main_thread;
static struct duet_waitq runq, event_waiters;
static struct duet_thread *timed;            /* unsorted: few threads wait with deadlines */
static uint64_t next_deadline = SCHED_FOREVER;
static struct duet_thread *zombies;          /* exited and detached: freed once switched away */
static volatile int event_flag;
static unsigned live = 1;

static void q_push(struct duet_waitq *q, struct duet_thread *t)
{
    t->next = NULL;
    t->prev = q->tail;
    if (q->tail)
        q->tail->next = t;
    else
        q->head = t;
    q->tail = t;
}

static void q_remove(struct duet_waitq *q, struct duet_thread *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        q->head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    else
        q->tail = t->prev;
    t->next = t->prev = NULL;
}

static void timed_remove(struct duet_thread *t)
{
    if (t->timed_prev)
        t->timed_prev->timed_next = t->timed_next;
    else
        timed = t->timed_next;
    if (t->timed_next)
        t->timed_next->timed_prev = t->timed_prev;
    t->timed_next = t->timed_prev = NULL;
    t->deadline = SCHED_FOREVER;
}

static void wake(struct duet_thread *t, int reason)
{
    if (t->waitq) {
        q_remove(t->waitq, t);
        t->waitq = NULL;
    }
    if (t->deadline != SCHED_FOREVER)
        timed_remove(t);
    t->wake_reason = reason;
    t->state = THREAD_READY;
    q_push(&runq, t);
}

static void expire(uint64_t now)
{
    next_deadline = SCHED_FOREVER;
    for (struct duet_thread *t = timed, *n; t; t = n) {
        n = t->timed_next;
        if (t->deadline <= now)
            wake(t, ETIMEDOUT);
        else if (t->deadline < next_deadline)
            next_deadline = t->deadline;
    }
}

static void reap(void)
{
    while (zombies && zombies != current) {
        struct duet_thread *z = zombies;
        zombies = z->next;
        thread_reap(z);
    }
}

/* Runs the next ready thread (perhaps the caller again); returns when the
 * caller is scheduled back. The caller has queued itself wherever it waits. */
static void schedule(void)
{
    struct duet_thread *prev = current, *next;
    for (;;) {
        uint64_t now = port_now();
        if (now >= next_deadline)
            expire(now);
        if (event_flag && event_waiters.head) {
            event_flag = 0;
            sched_wake_all(&event_waiters);
        }
        if ((next = runq.head))
            break;
        if (next_deadline == SCHED_FOREVER && !event_waiters.head)
            port_deadlock();
        port_idle(next_deadline, event_waiters.head ? &event_flag : NULL);
    }
    q_remove(&runq, next);
    next->state = THREAD_RUNNING;
    if (next != prev) {
        current = next;
        port_switch(prev->ctx, next->ctx);
    }
    reap();
}

struct duet_thread *sched_self(void) { return current; }
uint64_t sched_now(void) { return port_now(); }
unsigned sched_thread_count(void) { return live; }
struct duet_thread *sched_all_threads(void) { return all; }

void sched_register(struct duet_thread *t)
{
    t->all_next = all;
    all = t;
    live++;
}

void sched_unregister(struct duet_thread *t)
{
    for (struct duet_thread **p = &all; *p; p = &(*p)->all_next)
        if (*p == t) {
            *p = t->all_next;
            return;
        }
}

int sched_block(struct duet_waitq *q, uint64_t deadline)
{
    struct duet_thread *self = current;
    self->state = THREAD_BLOCKED;
    self->wake_reason = 0;
    self->waitq = q;
    if (q)
        q_push(q, self);
    if (deadline != SCHED_FOREVER) {
        self->deadline = deadline;
        self->timed_prev = NULL;
        self->timed_next = timed;
        if (timed)
            timed->timed_prev = self;
        timed = self;
        if (deadline < next_deadline)
            next_deadline = deadline;
    }
    schedule();
    return self->wake_reason;
}

struct duet_thread *sched_wake_one(struct duet_waitq *q)
{
    struct duet_thread *t = q->head;
    if (t)
        wake(t, 0);
    return t;
}

void sched_wake_all(struct duet_waitq *q)
{
    while (sched_wake_one(q))
        ;
}

void sched_make_ready(struct duet_thread *t)
{
    t->state = THREAD_READY;
    q_push(&runq, t);
}

void sched_yield_cpu(void)
{
    current->state = THREAD_READY;
    q_push(&runq, current);
    schedule();
}

void sched_sleep_until(uint64_t deadline)
{
    while (port_now() < deadline)
        sched_block(NULL, deadline);
}

void sched_event_signal(void) { event_flag = 1; }

int sched_wait_event(uint64_t deadline)
{
    if (event_flag) { /* signalled while nobody waited: consume it now */
        event_flag = 0;
        return 0;
    }
    return sched_block(&event_waiters, deadline);
}

_Noreturn void sched_exit_current(void)
{
    struct duet_thread *self = current;
    live--;
    if (self->detached) {
        self->next = zombies;
        zombies = self;
    }
    schedule();
    __builtin_unreachable(); /* nothing ever switches back to an exited thread */
}

struct duet_thread *sched_guard_owner(uint64_t addr)
{
    for (struct duet_thread *t = all; t; t = t->all_next)
        if (t->stack && addr >= (uintptr_t)t->stack && addr < (uintptr_t)t->stack + SCHED_GUARD_SIZE)
            return t;
    return NULL;
}
