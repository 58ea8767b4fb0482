/*
 * The scheduler's port to the Duet guest: stacks from the heap with a guard
 * page each (mmu_guard.c), a TLS block per thread (picolibc's _init_tls: so
 * errno is per thread), the virtual counter as clock, and WFI as idle.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "duet/exceptions.h"
#include "duet/guest.h"
#include "duet/time.h"
#include "mmu_guard.h"
#include "port.h"

#define IDLE_MAX_NS 60000000000ULL  /* a "forever" wait still re-arms the timer each minute */
#define STACK_CACHE 16              /* freed stacks kept with their guard page */

extern char __tls_size[], __tls_align[];
extern void _init_tls(void *tls);
void port_thread_start(void);       /* switch.S */

/* Making and removing a guard page flushes TLB entries, which costs far more
 * than the thread itself under emulation: a freed stack is kept, guarded,
 * for the next thread wanting that size. */
static struct { void *stack; size_t size; } cache[STACK_CACHE];
static unsigned cached;

static void *stack_from_cache(size_t size)
{
    for (unsigned i = 0; i < cached; i++)
        if (cache[i].size == size) {
            void *s = cache[i].stack;
            cache[i] = cache[--cached];
            return s;
        }
    return NULL;
}

static void *stack_new(size_t size)
{
    char *s = memalign(SCHED_GUARD_SIZE, SCHED_GUARD_SIZE + size);
    if (s && mmu_guard_page((uintptr_t)s) < 0) {
        free(s);
        return NULL;
    }
    return s;
}

uint64_t port_now(void)
{
    return monotonic_ns();
}

void port_idle(uint64_t deadline, volatile int *event)
{
    uint64_t now = monotonic_ns();
    if (deadline <= now)
        return;
    uint64_t ns = deadline - now < IDLE_MAX_NS ? deadline - now : IDLE_MAX_NS;
    timer_wait_event(counter_read() + counter_ticks(ns / 1000000000ULL, ns % 1000000000ULL), event);
}

int port_thread_init(struct duet_thread *t, size_t stack_size)
{
    stack_size = (stack_size + SCHED_GUARD_SIZE - 1) & ~(size_t)(SCHED_GUARD_SIZE - 1);
    size_t align = (uintptr_t)__tls_align > 16 ? (uintptr_t)__tls_align : 16;
    void *tls = memalign(align, (uintptr_t)__tls_size ? (uintptr_t)__tls_size : 16);
    char *stack = tls ? stack_from_cache(stack_size) : NULL;
    if (tls && !stack)
        stack = stack_new(stack_size);
    if (!stack) {
        free(tls);
        return EAGAIN;
    }
    _init_tls(tls);
    t->stack = stack;
    t->stack_size = stack_size;
    t->tls = tls;
    memset(t->ctx, 0, sizeof t->ctx);
    t->ctx[0] = (uintptr_t)tls;                           /* x19, for port_thread_start */
    t->ctx[11] = (uintptr_t)port_thread_start;            /* x30 */
    t->ctx[12] = (uintptr_t)stack + SCHED_GUARD_SIZE + stack_size; /* sp */
    __asm__ volatile("mrs %0, fpcr" : "=r"(t->ctx[22]));  /* the creator's rounding mode */
    return 0;
}

void port_thread_free(struct duet_thread *t)
{
    free(t->tls);
    if (cached < STACK_CACHE) {
        cache[cached].stack = t->stack;
        cache[cached++].size = t->stack_size;
        return;
    }
    mmu_unguard_page((uintptr_t)t->stack);
    free(t->stack);
}

_Noreturn void port_deadlock(void)
{
    crash("deadlock: every thread is blocked and nothing can wake one", NULL);
}
