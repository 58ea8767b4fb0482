/*
 * The objects behind <pthread.h> and <semaphore.h>, shared by those headers
 * and the scheduler (guest/sched/). All-zero is a valid, unlocked, empty
 * object: that is what the static initialisers (PTHREAD_MUTEX_INITIALIZER...)
 * expand to. Only stdint types: also compiled natively by the unit tests.
 */
#ifndef DUET_THREAD_TYPES_H
#define DUET_THREAD_TYPES_H

#include <stdint.h>

struct duet_thread;

/* Threads blocked on something, first come first served. */
struct duet_waitq {
    struct duet_thread *head, *tail;
};

enum duet_mutex_kind { DUET_MUTEX_NORMAL, DUET_MUTEX_RECURSIVE, DUET_MUTEX_ERRORCHECK };

struct duet_mutex {
    struct duet_thread *owner;
    unsigned kind;      /* enum duet_mutex_kind */
    unsigned depth;     /* recursive: how many times the owner holds it */
    struct duet_waitq waiters;
};

struct duet_cond {
    struct duet_waitq waiters;
    int monotonic;      /* abstime counts CLOCK_MONOTONIC (else CLOCK_REALTIME, the default) */
};

struct duet_rwlock {
    struct duet_thread *writer;
    unsigned readers;
    struct duet_waitq read_waiters, write_waiters;
};

struct duet_sem {
    unsigned value;
    struct duet_waitq waiters;
};

struct duet_once {
    int state;          /* 0 not run, 1 running (others wait), 2 done */
    struct duet_waitq waiters;
};

#endif
