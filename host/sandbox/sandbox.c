/*
 * A plain-BPF seccomp filter (no libseccomp needed): check the architecture,
 * allow the listed system calls, allow ioctl only with the KVM requests the
 * run loop uses, trap everything else into a handler that names the call.
 *
 * Debugging a kill: run with --no-sandbox to confirm, then look the number
 * up (ausyscall NUMBER, or <asm/unistd.h>) and add it here with a reason.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/vhost.h>
#include <linux/seccomp.h>
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
const struct sandbox_syscall sandbox_allowed[] = {
    ALLOW(ioctl),          /* KVM_RUN and friends; requests filtered below */
    ALLOW(write),          /* the guest console, error messages */
    ALLOW(writev),         /* stdio may gather */
    ALLOW(read),           /* device backends */
    ALLOW(pread64),        /* block device reads */
    ALLOW(pwrite64),       /* block device writes */
    ALLOW(fdatasync),      /* block flush */
    ALLOW(clock_gettime),  /* wall clock hypercall, --stats; vDSO fallback */
    ALLOW(clock_nanosleep),
    ALLOW(munmap),         /* teardown */
    ALLOW(close),          /* teardown */
    ALLOW(exit_group),
    ALLOW(exit),
    ALLOW(rt_sigreturn),   /* return from the SIGSYS handler's caller path */
    ALLOW(rt_sigprocmask),
    ALLOW(futex),          /* stdio locks in the static libc */
    ALLOW(getpid),         /* abort() */
    ALLOW(gettid),         /* abort() */
    ALLOW(tgkill),         /* abort() */
    ALLOW(brk),            /* malloc inside stdio, if any */
    ALLOW(ppoll),          /* the network receive thread waits on its taps */
    ALLOW(madvise),        /* a joined thread's stack is given back */
    ALLOW(mincore),        /* duet run --verbose: guest RAM pages touched */
    ALLOW(set_robust_list), /* a new thread's first calls, should it start late */
    ALLOW(rseq),
};
const unsigned sandbox_allowed_count = sizeof sandbox_allowed / sizeof sandbox_allowed[0];

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

/* ioctl requests the run loop may make once sandboxed. */
static unsigned long allowed_ioctls[] = {
    KVM_RUN, KVM_GET_ONE_REG, KVM_SET_ONE_REG, KVM_IRQ_LINE,
    KVM_RUN, /* the gdb stub's slot: KVM_SET_GUEST_DEBUG with --gdb (else a repeat) */
    /* virtio-net DRIVER_OK and reset: hand vhost-net the rings and the tap */
    VHOST_SET_FEATURES, VHOST_SET_VRING_NUM, VHOST_SET_VRING_BASE, VHOST_SET_VRING_ADDR,
    VHOST_SET_VRING_KICK, VHOST_SET_VRING_CALL, VHOST_NET_SET_BACKEND, TUNSETOFFLOAD,
};

static int core_link_fd = -1;

void sandbox_allow_core_link(int dir_fd)
{
    core_link_fd = dir_fd;
}

void sandbox_allow_guest_debug(void)
{
    allowed_ioctls[4] = KVM_SET_GUEST_DEBUG;
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
        ? " (ioctl with a request outside the list; run with --no-sandbox to debug)\n"
        : " (run with --no-sandbox to debug)\n";
    memcpy(msg + n, tail, strlen(tail));
    n += strlen(tail);
    ssize_t ignored = write(STDERR_FILENO, msg, n);
    (void)ignored;
    /* The raw call: a sanitizer's _exit wrapper would make calls of its own. */
    syscall(__NR_exit_group, DUET_STATUS_HOST_ERROR);
}

#define STMT(code, k) ((struct sock_filter)BPF_STMT((code), (k)))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP((code), (k), (jt), (jf)))
#define MAX_FILTER (128 + SANDBOX_FILES_RULES_MAX)

static unsigned allow_list(struct sock_filter *f, unsigned n,
                           const struct sandbox_syscall *list, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        if (list[i].nr == __NR_ioctl)
            continue;
        f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)list[i].nr, 0, 1);
        f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    }
    return n;
}

int sandbox_enter(unsigned features)
{
    struct sock_filter f[MAX_FILTER];
    unsigned n = 0;
    f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0);
    f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    /* ioctl: jump to the request check at the end. */
    unsigned ioctl_jump = n++;
    n = allow_list(f, n, sandbox_allowed, sandbox_allowed_count);
    if (features & SANDBOX_FILES)
        n = sandbox_files_rules(f, n);  /* the same calls, arguments pinned */
    if (core_link_fd >= 0) { /* --core: linkat, with the core directory as newdirfd only */
        f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_linkat, 0, 3);
        f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2]));
        f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)core_link_fd, 0, 1);
        f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    }
    f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);
    unsigned ioctl_check = n;
    f[ioctl_jump] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl,
                         (unsigned char)(ioctl_check - ioctl_jump - 1), 0);
    /* The request is the low 32 bits of args[1] (little-endian). */
    f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1]));
    for (unsigned i = 0; i < sizeof allowed_ioctls / sizeof allowed_ioctls[0]; i++) {
        f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)allowed_ioctls[i], 0, 1);
        f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    }
    f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    if (sigaction(SIGSYS, &sa, NULL) < 0)
        return -1;
    struct sock_fprog prog = { .len = (unsigned short)n, .filter = f };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -1;
    /* TSYNC: the network receive thread, already running, gets the filter too. */
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
