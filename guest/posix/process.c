/*
 * One program, one address space: the process calls POSIX programs make,
 * answered the way a system without processes must (ENOSYS for fork/exec,
 * a single user root, no asynchronous signals).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "duet/hypercall.h"
#include "duet/vfs.h"
#include "sysret.h"

pid_t getppid(void) { return 0; }
uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }
int setuid(uid_t u) { return u == 0 ? 0 : (int)sys_ret(-EPERM); }
int setgid(gid_t g) { return g == 0 ? 0 : (int)sys_ret(-EPERM); }
pid_t getpgrp(void) { return 1; }
pid_t setsid(void) { return (pid_t)sys_ret(-EPERM); }  /* already a session leader */

pid_t fork(void) { return (pid_t)sys_ret(-ENOSYS); }
pid_t vfork(void) { return (pid_t)sys_ret(-ENOSYS); }
int execve(const char *p, char *const a[], char *const e[])
{
    (void)p; (void)a; (void)e;
    return (int)sys_ret(-ENOSYS);
}
int execv(const char *p, char *const a[]) { return execve(p, a, NULL); }
int execvp(const char *p, char *const a[]) { return execve(p, a, NULL); }
pid_t waitpid(pid_t pid, int *status, int options)
{
    (void)pid; (void)status; (void)options;
    return (pid_t)sys_ret(-ECHILD);  /* there are never children */
}
pid_t wait(int *status) { return waitpid(-1, status, 0); }
int pipe(int fds[2]) { (void)fds; return (int)sys_ret(-ENOSYS); }

/* No shell: system(NULL) says so (0), a command cannot run. */
int system(const char *cmd) { return cmd ? (int)sys_ret(-ENOSYS) : 0; }

int uname(struct utsname *u)
{
    memset(u, 0, sizeof *u);
    strcpy(u->sysname, "Duet");
    strcpy(u->nodename, "duet");
    snprintf(u->release, sizeof u->release, "abi-%d", DUET_ABI_VERSION);
    strcpy(u->version, "Duet unikernel");
    strcpy(u->machine, "aarch64");
    return 0;
}

int gethostname(char *name, size_t len)
{
    if (len < sizeof "duet")
        return (int)sys_ret(-ENAMETOOLONG);
    strcpy(name, "duet");
    return 0;
}

long sysconf(int name)
{
    switch (name) {
    case _SC_PAGESIZE: return 4096;
    case _SC_NPROCESSORS_CONF:
    case _SC_NPROCESSORS_ONLN: return 1;
    case _SC_OPEN_MAX: return 256;
    case _SC_CLK_TCK: return 100;
    case _SC_ARG_MAX: return 4096;
    case _SC_HOST_NAME_MAX: return 64;
    case _SC_LINE_MAX: return 2048;
    default: return sys_ret(-EINVAL);
    }
}

int getrlimit(int res, struct rlimit *r)
{
    if (!r)
        return (int)sys_ret(-EFAULT);
    r->rlim_cur = r->rlim_max = res == RLIMIT_NOFILE ? 256 : RLIM_INFINITY;
    return 0;
}

int setrlimit(int res, const struct rlimit *r)
{
    (void)res;
    return r ? 0 : (int)sys_ret(-EFAULT);  /* nothing to limit against: accepted */
}

/* Signals: handlers are recorded and run only by raise(); nothing arrives
 * asynchronously. abort() and fatal defaults end in the crash report. */
static struct sigaction actions[NSIG];

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    if (sig <= 0 || sig >= NSIG || ((sig == SIGKILL || sig == SIGSTOP) && act))
        return (int)sys_ret(-EINVAL);
    if (old)
        *old = actions[sig];
    if (act)
        actions[sig] = *act;
    return 0;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    (void)how; (void)set;
    if (old)
        memset(old, 0, sizeof *old);
    return 0;
}

int raise(int sig)
{
    if (sig <= 0 || sig >= NSIG)
        return (int)sys_ret(-EINVAL);
    void (*h)(int) = actions[sig].sa_handler;
    if (h == SIG_IGN)
        return 0;
    if (h == SIG_DFL) {
        if (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT)
            return 0;  /* ignored by default */
        return kill(getpid(), sig);  /* the crash report (syscalls.c) */
    }
    h(sig);
    return 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr h)
{
    struct sigaction act = { 0 }, old;
    act.sa_handler = h;
    if (sigaction(sig, &act, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

int ioctl(int fd, unsigned long request, ...)
{
    struct file *f = fd_get(fd);
    if (!f)
        return (int)sys_ret(-EBADF);
    if (!f->ops->ioctl)
        return (int)sys_ret(-ENOTTY);
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return (int)sys_ret(f->ops->ioctl(f, request, arg));
}
