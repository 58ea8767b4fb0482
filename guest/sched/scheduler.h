/*
 * The guest's thread scheduler: one vCPU, cooperative. A thread runs until
 * it blocks (a mutex, a condition, a join, a sleep, a socket call) or calls
 * sched_yield(); there is no timer preemption, so nothing between two such
 * calls is ever interleaved with another thread (picolibc's malloc and stdio
 * need no locks). With nothing runnable the CPU waits in WFI until the
 * earliest deadline or an interrupt that signals an event.
 *
 * Portable C over a small port (port.h): the guest's (context switch in asm,
 * stacks with guard pages, the virtual counter) and the native unit tests'.
 * Times are nanoseconds of the port's monotonic clock.
 */
#ifndef DUET_SCHEDULER_H
#define DUET_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>
#include "duet/thread_types.h"

#define SCHED_FOREVER     UINT64_MAX
#define SCHED_KEYS_MAX    128      /* PTHREAD_KEYS_MAX */
#define SCHED_NAME_MAX    16       /* with the NUL, as Linux's */
#define SCHED_CTX_WORDS   24       /* port's saved registers (switch.S) */
#define SCHED_GUARD_SIZE  4096     /* the unmapped page at the bottom of each stack */

enum thread_state { THREAD_READY, THREAD_RUNNING, THREAD_BLOCKED, THREAD_EXITED };

struct duet_thread {
    uint64_t ctx[SCHED_CTX_WORDS];        /* first: switch.S indexes it */
    struct duet_thread *next, *prev;      /* in the run queue or one wait queue */
    struct duet_waitq *waitq;             /* the queue it blocks on, or NULL */
    struct duet_thread *timed_next, *timed_prev; /* in the timed list when deadline set */
    struct duet_thread *all_next;         /* every thread not yet reaped */
    uint64_t deadline;                    /* SCHED_FOREVER: none */
    int wake_reason;                      /* 0 woken, ETIMEDOUT */
    int state;                            /* enum thread_state */
    int detached, joined;
    unsigned id;
    char name[SCHED_NAME_MAX];
    void *(*start)(void *);
    void *arg, *retval;
    struct duet_waitq joiners;
    void *stack;                          /* port's: lowest address, guard page included */
    size_t stack_size;                    /* usable bytes above the guard */
    void *tls;
    void *keys[SCHED_KEYS_MAX];
};

/* --- scheduler (sched.c) ------------------------------------------------ */
struct duet_thread *sched_self(void);
/* Blocks the caller on q (NULL: on nothing) until woken or the deadline:
 * 0, or ETIMEDOUT. */
int sched_block(struct duet_waitq *q, uint64_t deadline);
/* Makes the first waiter of q runnable (its sched_block returns 0): it, or NULL. */
struct duet_thread *sched_wake_one(struct duet_waitq *q);
void sched_wake_all(struct duet_waitq *q);
void sched_make_ready(struct duet_thread *t);
void sched_yield_cpu(void);
void sched_sleep_until(uint64_t deadline);
/* Interrupt handlers call sched_event_signal(); threads in sched_wait_event()
 * wake (all of them) at the next scheduling point. 0, or ETIMEDOUT. */
void sched_event_signal(void);
int sched_wait_event(uint64_t deadline);
/* Gives up the CPU for good (the caller is EXITED or BLOCKED already). */
_Noreturn void sched_exit_current(void);
uint64_t sched_now(void);
/* Counted for the crash report and tests. */
unsigned sched_thread_count(void);
/* Every thread not yet reaped, newest first (for ESRCH checks). */
struct duet_thread *sched_all_threads(void);
void sched_register(struct duet_thread *t);
void sched_unregister(struct duet_thread *t);
/* A thread's stack guard page holds addr: that thread, else NULL. */
struct duet_thread *sched_guard_owner(uint64_t addr);

/* --- threads (thread.c) --------------------------------------------------- */
int thread_create(struct duet_thread **out, size_t stack_size, int detached,
                  void *(*start)(void *), void *arg);
int thread_join(struct duet_thread *t, void **retval);
int thread_detach(struct duet_thread *t);
_Noreturn void thread_exit(void *retval);
int thread_valid(const struct duet_thread *t);
void thread_set_name(struct duet_thread *t, const char *name);
/* Called once the scheduler has switched away from an EXITED, detached or
 * joined thread for the last time: frees it. */
void thread_reap(struct duet_thread *t);
int key_create(unsigned *key, void (*destructor)(void *));
int key_delete(unsigned key);
void *key_get(unsigned key);
int key_set(unsigned key, const void *value);

/* --- synchronisation (mutex.c, cond.c, rwlock.c, sem.c) ------------------ */
int mutex_lock(struct duet_mutex *m, uint64_t deadline);
int mutex_trylock(struct duet_mutex *m);
int mutex_unlock(struct duet_mutex *m);
int mutex_destroy(struct duet_mutex *m);
int once_run(struct duet_once *o, void (*fn)(void));
int cond_wait(struct duet_cond *c, struct duet_mutex *m, uint64_t deadline);
int cond_signal(struct duet_cond *c);
int cond_broadcast(struct duet_cond *c);
int cond_destroy(struct duet_cond *c);
int rwlock_rdlock(struct duet_rwlock *l, uint64_t deadline);
int rwlock_wrlock(struct duet_rwlock *l, uint64_t deadline);
int rwlock_tryrdlock(struct duet_rwlock *l);
int rwlock_trywrlock(struct duet_rwlock *l);
int rwlock_unlock(struct duet_rwlock *l);
int rwlock_destroy(struct duet_rwlock *l);
int sem_down(struct duet_sem *s, uint64_t deadline);  /* 0, ETIMEDOUT */
int sem_trydown(struct duet_sem *s);                  /* 0, EAGAIN */
int sem_up(struct duet_sem *s);                       /* 0, EOVERFLOW */

#endif
