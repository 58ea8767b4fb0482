/* <pthread.h>'s thread calls, over thread.c: argument checks and attributes. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include "scheduler.h"

static struct duet_thread *of(pthread_t t) { return (struct duet_thread *)t; }

int pthread_attr_init(pthread_attr_t *a)
{
    a->stacksize = PTHREAD_STACK_DEFAULT;
    a->guardsize = SCHED_GUARD_SIZE;
    a->detachstate = PTHREAD_CREATE_JOINABLE;
    return 0;
}

int pthread_attr_destroy(pthread_attr_t *a) { (void)a; return 0; }

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
    if (size < PTHREAD_STACK_MIN)
        return EINVAL;
    a->stacksize = size;
    return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size)
{
    *size = a->stacksize;
    return 0;
}

/* Accepted and reported back; the guard is always one page. */
int pthread_attr_setguardsize(pthread_attr_t *a, size_t size) { a->guardsize = size; return 0; }
int pthread_attr_getguardsize(const pthread_attr_t *a, size_t *size) { *size = a->guardsize; return 0; }

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
    if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
        return EINVAL;
    a->detachstate = state;
    return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
    *state = a->detachstate;
    return 0;
}

int pthread_create(pthread_t *out, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
    pthread_attr_t dflt;
    if (!attr) {
        pthread_attr_init(&dflt);
        attr = &dflt;
    }
    if (!start)
        return EINVAL;
    struct duet_thread *t;
    int err = thread_create(&t, attr->stacksize, attr->detachstate == PTHREAD_CREATE_DETACHED,
                            start, arg);
    if (!err)
        *out = (pthread_t)t;
    return err;
}

int pthread_join(pthread_t t, void **retval) { return thread_join(of(t), retval); }
int pthread_detach(pthread_t t) { return thread_detach(of(t)); }
_Noreturn void pthread_exit(void *retval) { thread_exit(retval); }
pthread_t pthread_self(void) { return (pthread_t)sched_self(); }
int pthread_equal(pthread_t a, pthread_t b) { return a == b; }

int pthread_setname_np(pthread_t t, const char *name)
{
    if (!thread_valid(of(t)))
        return ESRCH;
    if (strlen(name) >= SCHED_NAME_MAX)
        return ERANGE;
    thread_set_name(of(t), name);
    return 0;
}

int pthread_getname_np(pthread_t t, char *name, size_t len)
{
    if (!thread_valid(of(t)))
        return ESRCH;
    if (strlen(of(t)->name) >= len)
        return ERANGE;
    strcpy(name, of(t)->name);
    return 0;
}

int pthread_cancel(pthread_t t) { (void)t; return ENOTSUP; }

int pthread_setcancelstate(int state, int *old)
{
    (void)state;
    if (old)
        *old = PTHREAD_CANCEL_ENABLE;
    return 0;
}

int pthread_setcanceltype(int type, int *old)
{
    (void)type;
    if (old)
        *old = PTHREAD_CANCEL_DEFERRED;
    return 0;
}

void pthread_testcancel(void) {}

int sched_yield(void)
{
    sched_yield_cpu();
    return 0;
}

int pthread_once(pthread_once_t *o, void (*fn)(void)) { return once_run(o, fn); }

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
    return key_create(key, destructor);
}

int pthread_key_delete(pthread_key_t key) { return key_delete(key); }
void *pthread_getspecific(pthread_key_t key) { return key_get(key); }
int pthread_setspecific(pthread_key_t key, const void *v) { return key_set(key, v); }

/* Spinning cannot work without preemption: a busy lock yields instead. */
int pthread_spin_init(pthread_spinlock_t *l, int pshared) { (void)pshared; *l = 0; return 0; }
int pthread_spin_destroy(pthread_spinlock_t *l) { return *l ? EBUSY : 0; }
int pthread_spin_trylock(pthread_spinlock_t *l) { if (*l) return EBUSY; *l = 1; return 0; }
int pthread_spin_unlock(pthread_spinlock_t *l) { *l = 0; return 0; }

int pthread_spin_lock(pthread_spinlock_t *l)
{
    while (*l)
        sched_yield_cpu();
    *l = 1;
    return 0;
}
