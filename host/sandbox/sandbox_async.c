/*
 * sandbox_start / sandbox_wait (sandbox.h): the filter installed from a
 * short-lived thread while the guest boots. In the lab the install costs
 * 1.5 ms warm and 10 ms in a fresh boot (the kernel's BPF checker and JIT
 * run for the first time); the guest takes longer than that to reach its
 * first exit to us, so the wait is usually nothing.
 *
 * Why it is safe: until sandbox_wait returns, the run loop does nothing
 * with what the guest did (it waits right after KVM_RUN returns), so no
 * guest input reaches unfiltered host code. The thread is a bare clone
 * sharing the process's TLS: it makes its calls with raw `svc`, so it never
 * touches errno or anything else of the main thread's.
 */
#define _GNU_SOURCE /* clone */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include "sandbox/sandbox_install.h"

#if defined(__aarch64__)

static long raw3(long nr, long a, long b, long c)
{
    register long x8 __asm__("x8") = nr, x0 __asm__("x0") = a, x1 __asm__("x1") = b,
                  x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = 8; /* rt_sigprocmask's sigsetsize; ignored by seccomp */
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
}

static struct sock_fprog install_prog;
static _Alignas(16) char install_stack[16384];

static int install_thread(void *arg)
{
    struct sandbox_install *s = arg;
    /* No signal may run a handler on this stack: block them all first. */
    uint64_t all = ~0ULL;
    raw3(__NR_rt_sigprocmask, SIG_BLOCK, (long)&all, 0);
    long rc = raw3(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SANDBOX_SECCOMP_FLAGS, (long)&install_prog);
    __atomic_store_n(&s->result, rc, __ATOMIC_RELEASE);
    return 0; /* glibc's clone then calls exit(2): the kernel clears s->word and wakes the waiter */
}

int sandbox_start(struct sandbox_install *s, struct sandbox_policy *p)
{
    p->install_word = &s->word;
    if (sandbox_prepare(p, &install_prog) < 0)
        return -1;
    s->result = 0;
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    if (clone(install_thread, install_stack + sizeof install_stack, flags, s, &s->word, NULL,
              &s->word) < 0)
        return -1;
    return 0;
}

int sandbox_wait(struct sandbox_install *s)
{
    int tid;
    /* Shared (not FUTEX_PRIVATE): the kernel's wake at the thread's end is. */
    while ((tid = __atomic_load_n(&s->word, __ATOMIC_ACQUIRE)) != 0)
        syscall(__NR_futex, &s->word, FUTEX_WAIT, tid, NULL, NULL, 0);
    return sandbox_result(__atomic_load_n(&s->result, __ATOMIC_ACQUIRE));
}

#else /* elsewhere duet runs no guest: install in place */

int sandbox_start(struct sandbox_install *s, struct sandbox_policy *p)
{
    s->word = 0;
    s->result = 0;
    p->install_word = NULL;
    return sandbox_enter(p);
}

int sandbox_wait(struct sandbox_install *s)
{
    (void)s;
    return 0;
}

#endif
