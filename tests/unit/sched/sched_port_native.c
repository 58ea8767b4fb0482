/*
 * The scheduler's port for native unit tests: ucontext stacks and a
 * simulated clock. Idling jumps the clock straight to the deadline, so
 * timeouts are exact and instant; an idle with an event to wait for calls
 * the test's hook (its "interrupt") instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>
#include <unistd.h>
#include "port.h"
#include "sched_port_native.h"

uint64_t sim_now;
unsigned idle_calls;
void (*idle_event_hook)(void);

uint64_t port_now(void) { return sim_now; }

void port_idle(uint64_t deadline, volatile int *event)
{
    idle_calls++;
    if (event && idle_event_hook) {
        idle_event_hook();
        return;
    }
    if (deadline == SCHED_FOREVER) {
        printf("port_idle: waiting forever for an event nobody sends\n");
        _exit(4);
    }
    if (deadline > sim_now)
        sim_now = deadline;
}

static void entry(void)
{
    sched_thread_main();
}

int port_thread_init(struct duet_thread *t, size_t stack_size)
{
    ucontext_t *uc = calloc(1, sizeof *uc);
    void *stack = malloc(stack_size);
    if (!uc || !stack || getcontext(uc) < 0) {
        free(uc);
        free(stack);
        return EAGAIN;
    }
    uc->uc_stack.ss_sp = stack;
    uc->uc_stack.ss_size = stack_size;
    uc->uc_link = NULL;
    makecontext(uc, entry, 0);
    t->ctx[0] = (uintptr_t)uc;
    t->ctx[1] = (uintptr_t)stack; /* t->stack stays NULL: no guard page natively */
    return 0;
}

void port_thread_free(struct duet_thread *t)
{
    free((void *)(uintptr_t)t->ctx[0]);
    free((void *)(uintptr_t)t->ctx[1]);
}

void port_switch(uint64_t *from, uint64_t *to)
{
    if (!from[0]) /* main's first switch: somewhere to save it */
        from[0] = (uintptr_t)calloc(1, sizeof(ucontext_t));
    swapcontext((ucontext_t *)(uintptr_t)from[0], (ucontext_t *)(uintptr_t)to[0]);
}

_Noreturn void port_deadlock(void)
{
    printf("deadlock detected\n");
    fflush(stdout);
    _exit(3);
}
