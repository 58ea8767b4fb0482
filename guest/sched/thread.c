/*
 * Thread life: create, exit, join, detach, names, and thread-specific data
 * (keys with destructors). A joinable thread's memory lives until it is
 * joined; a detached one's is freed by the scheduler once it has switched
 * away from it for the last time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "port.h"
#include "scheduler.h"

#define DESTRUCTOR_ITERATIONS 4   /* PTHREAD_DESTRUCTOR_ITERATIONS */

static unsigned next_id = 2;      /* 1 is main */
static struct {
    int used;
    void (*destructor)(void *);
} keys[SCHED_KEYS_MAX];

int thread_create(struct duet_thread **out, size_t stack_size, int detached,
                  void *(*start)(void *), void *arg)
{
    struct duet_thread *t = calloc(1, sizeof *t);
    if (!t)
        return EAGAIN;
    int err = port_thread_init(t, stack_size);
    if (err) {
        free(t);
        return err;
    }
    t->id = next_id++;
    snprintf(t->name, sizeof t->name, "thread %u", t->id);
    t->deadline = SCHED_FOREVER;
    t->detached = detached;
    t->start = start;
    t->arg = arg;
    sched_register(t);
    sched_make_ready(t);
    *out = t;
    return 0;
}

_Noreturn void sched_thread_main(void)
{
    struct duet_thread *self = sched_self();
    thread_exit(self->start(self->arg));
}

static void run_destructors(struct duet_thread *t)
{
    for (int round = 0; round < DESTRUCTOR_ITERATIONS; round++) {
        int ran = 0;
        for (unsigned k = 0; k < SCHED_KEYS_MAX; k++) {
            void *v = t->keys[k];
            if (!v || !keys[k].used || !keys[k].destructor)
                continue;
            t->keys[k] = NULL;
            keys[k].destructor(v);
            ran = 1;
        }
        if (!ran)
            return;
    }
}

_Noreturn void thread_exit(void *retval)
{
    struct duet_thread *self = sched_self();
    run_destructors(self);
    if (sched_thread_count() == 1)
        exit(0); /* the last thread: POSIX ends the process */
    self->retval = retval;
    self->state = THREAD_EXITED;
    sched_wake_all(&self->joiners);
    sched_exit_current();
}

int thread_valid(const struct duet_thread *t)
{
    for (struct duet_thread *p = sched_all_threads(); p; p = p->all_next)
        if (p == t)
            return 1;
    return 0;
}

void thread_reap(struct duet_thread *t)
{
    sched_unregister(t);
    if (t->id == 1)
        return; /* main's memory is static */
    port_thread_free(t);
    free(t);
}

int thread_join(struct duet_thread *t, void **retval)
{
    if (!thread_valid(t))
        return ESRCH;
    if (t == sched_self())
        return EDEADLK;
    if (t->detached || t->joined)
        return EINVAL;
    t->joined = 1;
    while (t->state != THREAD_EXITED)
        sched_block(&t->joiners, SCHED_FOREVER);
    if (retval)
        *retval = t->retval;
    thread_reap(t);
    return 0;
}

int thread_detach(struct duet_thread *t)
{
    if (!thread_valid(t))
        return ESRCH;
    if (t->detached || t->joined)
        return EINVAL;
    if (t->state == THREAD_EXITED)
        thread_reap(t);
    else
        t->detached = 1;
    return 0;
}

void thread_set_name(struct duet_thread *t, const char *name)
{
    strncpy(t->name, name, sizeof t->name - 1);
    t->name[sizeof t->name - 1] = '\0';
}

int key_create(unsigned *key, void (*destructor)(void *))
{
    for (unsigned k = 0; k < SCHED_KEYS_MAX; k++)
        if (!keys[k].used) {
            keys[k].used = 1;
            keys[k].destructor = destructor;
            *key = k;
            return 0;
        }
    return EAGAIN;
}

int key_delete(unsigned key)
{
    if (key >= SCHED_KEYS_MAX || !keys[key].used)
        return EINVAL;
    keys[key].used = 0;
    /* A key made later in this slot must start out NULL in every thread. */
    for (struct duet_thread *t = sched_all_threads(); t; t = t->all_next)
        t->keys[key] = NULL;
    return 0;
}

void *key_get(unsigned key)
{
    return key < SCHED_KEYS_MAX && keys[key].used ? sched_self()->keys[key] : NULL;
}

int key_set(unsigned key, const void *value)
{
    if (key >= SCHED_KEYS_MAX || !keys[key].used)
        return EINVAL;
    sched_self()->keys[key] = (void *)value;
    return 0;
}
