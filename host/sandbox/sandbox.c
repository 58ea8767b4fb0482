/*
 * A plain-BPF seccomp filter (no libseccomp needed), built per run from
 * what setup opened (sandbox.h): check the architecture, then KVM_RUN on
 * the vCPU first (the exit path's hot call: 9 instructions), then each
 * allowed call with its descriptors, requests or flags pinned where BPF can
 * see them (it cannot read memory: paths, structs and buffers stay
 * unchecked), and trap everything else into a handler that names the call.
 *
 * The calls (docs/ARCHITECTURE.md "The sandbox" has the list per device):
 *   always       ioctl write clock_gettime close munmap exit_group
 *   block        pread64 pwrite64 fdatasync
 *   net thread   read futex ppoll exit madvise rt_sigprocmask
 *   --verbose    mincore          --gdb  ppoll rt_sigreturn brk
 *   --dir        sandbox_files.c  --core linkat
 *
 * Debugging a kill: run with --no-sandbox to confirm, then look the number
 * up (ausyscall NUMBER, or <asm/unistd.h>) and add it here with a reason.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/vhost.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "duet/hypercall.h"
#include "sandbox/sandbox.h"

#if defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64
#elif defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#else
#error "sandbox.c: add this architecture's AUDIT_ARCH"
#endif

#define ALLOW(name) { __NR_##name, #name }

/* Only with --dir shares (host/devices/dir): every path goes through openat2
 * beneath a share's root, so no plain open/openat is allowed even then. */
const struct sandbox_syscall sandbox_files_allowed[] = {
    ALLOW(openat2),        /* paths, confined by RESOLVE_BENEATH */
    ALLOW(fstat),          /* what a path is (only files and dirs open) */
    ALLOW(newfstatat),     /* fstat, as glibc may make it */
    ALLOW(fcntl),          /* clearing O_NONBLOCK after a checked open */
    ALLOW(getdents64),     /* readdir */
    ALLOW(lseek),          /* readdir's cookie */
    ALLOW(ftruncate),
    ALLOW(fsync),
    ALLOW(mkdirat),
    ALLOW(unlinkat),
#ifdef __NR_renameat
    ALLOW(renameat),       /* x86_64's; arm64 has only renameat2 */
#endif
    ALLOW(renameat2),
};
const unsigned sandbox_files_allowed_count =
    sizeof sandbox_files_allowed / sizeof sandbox_files_allowed[0];

void sandbox_policy_init(struct sandbox_policy *p)
{
    memset(p, 0, sizeof *p);
    p->vcpu_fd = p->vm_fd = p->core_dir_fd = -1;
}

void sandbox_fds_add(struct sandbox_fds *s, int fd)
{
    if (fd >= 0 && s->n < SANDBOX_FDS_MAX)
        s->fd[s->n++] = fd;
}

static void on_sigsys(int sig, siginfo_t *info, void *uctx)
{
    (void)sig; (void)uctx;
    /* Async-signal-safe: format by hand, write(2) only, then _exit(2). */
    char msg[160] = "duet: sandbox: forbidden system call ";
    size_t n = strlen(msg);
    char digits[24];
    int d = 0;
    long nr = info->si_syscall;
    do digits[d++] = (char)('0' + nr % 10); while ((nr /= 10) && d < 20);
    while (d)
        msg[n++] = digits[--d];
    const char *tail = info->si_syscall == __NR_ioctl
        ? " (an ioctl request or descriptor outside the list; run with --no-sandbox to debug)\n"
        : " (or its arguments are outside the list; run with --no-sandbox to debug)\n";
    memcpy(msg + n, tail, strlen(tail));
    n += strlen(tail);
    ssize_t ignored = write(STDERR_FILENO, msg, n);
    (void)ignored;
    /* The raw call: a sanitizer's _exit wrapper would make calls of its own. */
    syscall(__NR_exit_group, DUET_STATUS_HOST_ERROR);
}

#define STMT(code, k) ((struct sock_filter)BPF_STMT((code), (k)))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP((code), (k), (jt), (jf)))
/* The low 32 bits of an argument (little-endian): fds, requests and flags are ints. */
#define ARG_LO(i) ((unsigned)(offsetof(struct seccomp_data, args) + 8 * (i)))
#define MAX_FILTER (400 + SANDBOX_FILES_RULES_MAX)
#define ANY 0xffffffffu /* "no argument check" */

struct build {
    struct sock_filter f[MAX_FILTER];
    unsigned n;
    const char *names[64];
    unsigned nnames;
};

static void emit(struct build *b, struct sock_filter s)
{
    if (b->n < MAX_FILTER)
        b->f[b->n] = s;
    b->n++;
}

static void named(struct build *b, const char *name)
{
    for (unsigned i = 0; i < b->nnames; i++)
        if (!strcmp(b->names[i], name))
            return;
    if (b->nnames < sizeof b->names / sizeof b->names[0])
        b->names[b->nnames++] = name;
}

/*
 * With the accumulator holding a call number or an ioctl request: if it is
 * one of keys[0..nkeys-1], allow when argument `arg` is one of vals[0..n-1],
 * else trap; if not, fall through to the next rule, accumulator untouched.
 * The keys share one argument check (the first key's path is no longer than
 * a lone key's): fewer instructions, and the kernel JIT-compiles the filter
 * at every boot. Nothing is emitted when vals is empty: the calls stay
 * forbidden. 1 if a rule was emitted.
 */
static int rules_in(struct build *b, const unsigned *keys, unsigned nkeys, unsigned arg,
                    const unsigned *vals, unsigned n)
{
    if (n == 0 || nkeys == 0)
        return 0;
    for (unsigned k = 0; k < nkeys; k++) /* to the argument load; the last falls past the check */
        emit(b, JUMP(BPF_JMP | BPF_JEQ | BPF_K, keys[k], (unsigned char)(nkeys - 1 - k),
                     k + 1 < nkeys ? 0 : (unsigned char)(1 + n + 2)));
    emit(b, STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(arg)));
    for (unsigned i = 0; i < n; i++) /* to the ALLOW after the TRAP */
        emit(b, JUMP(BPF_JMP | BPF_JEQ | BPF_K, vals[i], (unsigned char)(n - i), 0));
    emit(b, STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
    emit(b, STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    return 1;
}

/* One key: its argument checked as rules_in does, or (arg ANY) always allowed. */
static int rule_in(struct build *b, unsigned key, unsigned arg, const unsigned *vals, unsigned n)
{
    if (arg != ANY)
        return rules_in(b, &key, 1, arg, vals, n);
    emit(b, JUMP(BPF_JMP | BPF_JEQ | BPF_K, key, 0, 1));
    emit(b, STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    return 1;
}

static void call_any(struct build *b, long nr, const char *name)
{
    rule_in(b, (unsigned)nr, ANY, NULL, 0);
    named(b, name);
}

static void call_fds(struct build *b, long nr, const char *name, unsigned arg,
                     const struct sandbox_fds *s)
{
    if (rule_in(b, (unsigned)nr, arg, (const unsigned *)s->fd, s->n))
        named(b, name);
}

static void call_vals(struct build *b, long nr, const char *name, unsigned arg,
                      const unsigned *vals, unsigned n)
{
    if (rule_in(b, (unsigned)nr, arg, vals, n))
        named(b, name);
}

/* ioctl: the request, then the descriptor it may go to. KVM_RUN first. */
static void ioctls(struct build *b, const struct sandbox_policy *p)
{
    unsigned start = b->n;
    emit(b, JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 0)); /* jf patched below */
    emit(b, STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)));
    unsigned vcpu = (unsigned)p->vcpu_fd, vm = (unsigned)p->vm_fd;
    unsigned nv = p->vcpu_fd >= 0, nm = p->vm_fd >= 0;
    /* KVM_GET/SET_ONE_REG: a stop's PC, cores, gdb; KVM_SET_GUEST_DEBUG: gdb. */
    const unsigned on_vcpu[] = { (unsigned)KVM_RUN, (unsigned)KVM_GET_ONE_REG,
                                 (unsigned)KVM_SET_ONE_REG, (unsigned)KVM_SET_GUEST_DEBUG };
    rules_in(b, on_vcpu, p->features & SANDBOX_GDB ? 4 : 3, 0, &vcpu, nv);
    rule_in(b, (unsigned)KVM_IRQ_LINE, 0, &vm, nm);        /* DUET_HC_IRQ_PULSE */
    /* virtio-net DRIVER_OK and reset: hand vhost-net the rings and the tap */
    static const unsigned long vhost[] = {
        VHOST_SET_FEATURES, VHOST_SET_VRING_NUM, VHOST_SET_VRING_BASE, VHOST_SET_VRING_ADDR,
        VHOST_SET_VRING_KICK, VHOST_SET_VRING_CALL, VHOST_NET_SET_BACKEND };
    for (unsigned i = 0; i < sizeof vhost / sizeof vhost[0]; i++)
        rule_in(b, (unsigned)vhost[i], 0, (const unsigned *)p->vhost.fd, p->vhost.n);
    rule_in(b, (unsigned)TUNSETOFFLOAD, 0, (const unsigned *)p->taps.fd, p->taps.n);
    emit(b, STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP)); /* any other request */
    b->f[start].jf = (unsigned char)(b->n - start - 1);
    named(b, "ioctl");
}

static void build_filter(struct build *b, const struct sandbox_policy *p)
{
    b->n = b->nnames = 0;
    emit(b, STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
    emit(b, JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0));
    emit(b, STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    emit(b, STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
    ioctls(b, p);
    unsigned threads = p->features & SANDBOX_THREADS, gdb = p->features & SANDBOX_GDB;
    call_fds(b, __NR_write, "write", 0, &p->writes);     /* console, messages, net thread */
    call_fds(b, __NR_read, "read", 0, &p->reads);        /* net thread, gdb */
    if (threads || gdb) { /* the net thread's 4 descriptors, gdb's 1 */
        emit(b, JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ppoll, 0, 4));
        emit(b, STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)));
        emit(b, JUMP(BPF_JMP | BPF_JGT | BPF_K, 4, 1, 0));
        emit(b, STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
        emit(b, STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
        named(b, "ppoll");
    }
    if (p->features & SANDBOX_FILES) { /* shares open files as they go: any descriptor */
        call_any(b, __NR_pread64, "pread64");
        call_any(b, __NR_pwrite64, "pwrite64");
    } else {
        call_fds(b, __NR_pread64, "pread64", 0, &p->files);
        call_fds(b, __NR_pwrite64, "pwrite64", 0, &p->files);
    }
    call_fds(b, __NR_fdatasync, "fdatasync", 0, &p->syncs);
    static const unsigned clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC }; /* vDSO fallback */
    call_vals(b, __NR_clock_gettime, "clock_gettime", 0, clocks, 2);
    if (threads) {
        /* pthread mutexes, conditions and joins: plain waits and wakes, private or
         * not, with or without a realtime clock; no requeue, no PI. */
        emit(b, JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_futex, 0, 7));
        emit(b, STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)));
        emit(b, STMT(BPF_ALU | BPF_AND | BPF_K, ~(unsigned)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)));
        emit(b, JUMP(BPF_JMP | BPF_JEQ | BPF_K, FUTEX_WAIT, 3, 0));
        emit(b, JUMP(BPF_JMP | BPF_JEQ | BPF_K, FUTEX_WAKE, 2, 0));
        emit(b, JUMP(BPF_JMP | BPF_JEQ | BPF_K, FUTEX_WAIT_BITSET, 1, 0));
        emit(b, STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
        emit(b, STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
        named(b, "futex");
        static const unsigned dontneed[] = { MADV_DONTNEED }; /* a joined thread's stack */
        call_vals(b, __NR_madvise, "madvise", 2, dontneed, 1);
        call_any(b, __NR_exit, "exit");                        /* a thread's end */
        call_any(b, __NR_rt_sigprocmask, "rt_sigprocmask");    /* glibc blocks signals there */
    }
    call_any(b, __NR_close, "close");                          /* teardown, shares */
    call_any(b, __NR_munmap, "munmap");                        /* teardown */
    call_any(b, __NR_exit_group, "exit_group");
    if (p->features & SANDBOX_COUNTS)
        call_any(b, __NR_mincore, "mincore");                  /* guest pages touched */
    if (gdb) {
        call_any(b, __NR_rt_sigreturn, "rt_sigreturn");        /* its SIGIO handler */
        call_any(b, __NR_brk, "brk");                          /* free() of the stub may trim */
    }
    if (p->features & SANDBOX_FILES) {
        b->n = sandbox_files_rules(b->f, b->n);  /* the same calls, arguments pinned */
        for (unsigned i = 0; i < sandbox_files_allowed_count; i++)
            named(b, sandbox_files_allowed[i].name);
    }
    if (p->core_dir_fd >= 0) { /* --core: linkat, with the core directory as newdirfd only */
        unsigned dir = (unsigned)p->core_dir_fd;
        call_vals(b, __NR_linkat, "linkat", 2, &dir, 1);
    }
    emit(b, STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
}

unsigned sandbox_calls(const struct sandbox_policy *p, const char **names, unsigned max)
{
    static struct build b;
    build_filter(&b, p);
    for (unsigned i = 0; i < b.nnames && i < max; i++)
        names[i] = b.names[i];
    return b.nnames;
}

int sandbox_enter(const struct sandbox_policy *p)
{
    static struct build b;
    build_filter(&b, p);
    if (b.n > MAX_FILTER) {
        errno = E2BIG;
        return -1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    if (sigaction(SIGSYS, &sa, NULL) < 0)
        return -1;
    struct sock_fprog prog = { .len = (unsigned short)b.n, .filter = b.f };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -1;
    /* TSYNC: the net backend threads, already running, get the filter too. */
    /*
     * SPEC_ALLOW: without it seccomp also turns on the Speculative Store
     * Bypass mitigation for the process, a cost on every kernel entry and
     * exit of the run loop. That mitigation protects a process from
     * untrusted code running inside it; duet runs none (the guest runs in
     * its own VM, behind stage-2), so it buys nothing here.
     */
    long rc = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
                      SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_SPEC_ALLOW, &prog);
    if (rc > 0) { /* the id of a thread that could not be synchronised */
        errno = ESRCH;
        return -1;
    }
    return (int)rc;
}
