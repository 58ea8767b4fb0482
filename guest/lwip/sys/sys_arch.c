/*
 * lwIP's operating-system layer (NO_SYS=0) over Duet's threads: semaphores
 * and mailboxes wait in the scheduler (other threads run; an idle guest
 * sleeps in WFI), so the tcpip thread and the socket callers block
 * properly instead of polling.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lwip/sys.h"

/* A timeout in ms (0: forever) as an absolute CLOCK_REALTIME time. */
static struct timespec after_ms(u32_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* Waits for one unit of s: the ms it took, or SYS_ARCH_TIMEOUT. */
static u32_t sem_wait_ms(struct duet_sem *s, u32_t timeout)
{
    u32_t start = sys_now();
    if (!timeout) {
        while (sem_wait(s) < 0)
            ;
        return sys_now() - start;
    }
    struct timespec ts = after_ms(timeout);
    if (sem_timedwait(s, &ts) < 0)
        return SYS_ARCH_TIMEOUT;
    return sys_now() - start;
}

void sys_init(void) {}

err_t sys_sem_new(sys_sem_t *s, u8_t count)
{
    sem_init(&s->sem, 0, count);
    s->valid = 1;
    return ERR_OK;
}

void sys_sem_free(sys_sem_t *s) { s->valid = 0; }
void sys_sem_signal(sys_sem_t *s) { sem_post(&s->sem); }
u32_t sys_arch_sem_wait(sys_sem_t *s, u32_t timeout) { return sem_wait_ms(&s->sem, timeout); }

err_t sys_mutex_new(sys_mutex_t *m)
{
    pthread_mutex_init(&m->mutex, NULL);
    m->valid = 1;
    return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *m) { m->valid = 0; }
void sys_mutex_lock(sys_mutex_t *m) { pthread_mutex_lock(&m->mutex); }
void sys_mutex_unlock(sys_mutex_t *m) { pthread_mutex_unlock(&m->mutex); }

err_t sys_mbox_new(sys_mbox_t *b, int size)
{
    memset(b, 0, sizeof *b);
    b->size = size > 0 ? (unsigned)size : 16;
    b->slots = calloc(b->size, sizeof *b->slots);
    if (!b->slots)
        return ERR_MEM;
    sem_init(&b->space, 0, b->size);
    b->valid = 1;
    return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *b)
{
    free(b->slots);
    b->slots = NULL;
    b->valid = 0;
}

static void put(sys_mbox_t *b, void *msg)
{
    b->slots[(b->head + b->count++) % b->size] = msg;
    sem_post(&b->items);
}

void sys_mbox_post(sys_mbox_t *b, void *msg)
{
    while (sem_wait(&b->space) < 0)
        ;
    put(b, msg);
}

err_t sys_mbox_trypost(sys_mbox_t *b, void *msg)
{
    if (sem_trywait(&b->space) < 0)
        return ERR_MEM;
    put(b, msg);
    return ERR_OK;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *b, void *msg) { return sys_mbox_trypost(b, msg); }

static void *take(sys_mbox_t *b)
{
    void *msg = b->slots[b->head];
    b->head = (b->head + 1) % b->size;
    b->count--;
    sem_post(&b->space);
    return msg;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *b, void **msg, u32_t timeout)
{
    u32_t took = sem_wait_ms(&b->items, timeout);
    if (took == SYS_ARCH_TIMEOUT)
        return SYS_ARCH_TIMEOUT;
    void *m = take(b);
    if (msg)
        *msg = m;
    return took;
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *b, void **msg)
{
    if (sem_trywait(&b->items) < 0)
        return SYS_MBOX_EMPTY;
    void *m = take(b);
    if (msg)
        *msg = m;
    return 0;
}

struct thread_start {
    lwip_thread_fn fn;
    void *arg;
};

static void *run_thread(void *p)
{
    struct thread_start s = *(struct thread_start *)p;
    free(p);
    s.fn(s.arg);
    return NULL;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg, int stacksize, int prio)
{
    (void)prio;
    struct thread_start *s = malloc(sizeof *s);
    pthread_attr_t a;
    pthread_t t;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    if (stacksize >= PTHREAD_STACK_MIN)
        pthread_attr_setstacksize(&a, (size_t)stacksize);
    if (!s)
        return NULL;
    s->fn = fn;
    s->arg = arg;
    if (pthread_create(&t, &a, run_thread, s) != 0) {
        free(s);
        return NULL;
    }
    pthread_setname_np(t, name);
    return (sys_thread_t)t;
}
