/*
 * The seccomp sandbox the host enters after setup, before the first KVM_RUN:
 * from then on a hostile guest that subverts the host can only make the few
 * system calls the run loop and its devices need, on the descriptors they
 * were opened for.
 */
#ifndef DUET_SANDBOX_H
#define DUET_SANDBOX_H

#define SANDBOX_FDS_MAX 24

struct sandbox_fds { int fd[SANDBOX_FDS_MAX]; unsigned n; };

/* What the sandboxed process may do; built by cmd_run from what it set up. */
struct sandbox_policy {
    unsigned features;          /* SANDBOX_* below */
    int vcpu_fd;                /* KVM_RUN, KVM_GET/SET_ONE_REG (and KVM_SET_GUEST_DEBUG, --gdb) */
    int vm_fd;                  /* KVM_IRQ_LINE (-1: no vGIC, so none) */
    struct sandbox_fds writes;  /* write(2): console, stderr, the net thread's taps and eventfds */
    struct sandbox_fds reads;   /* read(2): the net thread's taps and eventfds, gdb's socket */
    struct sandbox_fds files;   /* pread64/pwrite64: block devices, the --core file */
    struct sandbox_fds syncs;   /* fdatasync: block devices */
    struct sandbox_fds vhost;   /* /dev/vhost-net: the ring hand-over at DRIVER_OK and reset */
    struct sandbox_fds taps;    /* TUNSETOFFLOAD at DRIVER_OK */
    int core_dir_fd;            /* --core: linkat into this directory only; -1 without */
};
#define SANDBOX_FILES   1u   /* --dir shares: sandbox_files_allowed, pread/pwrite on any fd */
#define SANDBOX_THREADS 2u   /* host threads run (the net thread backend): futex, ppoll, exit */
#define SANDBOX_GDB     4u   /* --gdb: KVM_SET_GUEST_DEBUG, ppoll, the SIGIO handler's return */
#define SANDBOX_COUNTS  8u   /* --verbose: mincore (guest pages touched) */

/* An empty policy: no fds, no features, core_dir_fd -1. */
void sandbox_policy_init(struct sandbox_policy *p);
/* Adds fd to a set (ignored when negative or the set is full: then it stays forbidden). */
void sandbox_fds_add(struct sandbox_fds *s, int fd);

/*
 * Sets no_new_privs and installs the filter for policy p. A call outside it
 * ends the host at once with "duet: sandbox: forbidden system call N" and
 * status 113 (DUET_STATUS_HOST_ERROR). 0, or -1 with errno set.
 */
int sandbox_enter(const struct sandbox_policy *p);

/* The calls policy p allows, by name, into names[0..max-1]; returns how many. */
unsigned sandbox_calls(const struct sandbox_policy *p, const char **names, unsigned max);

struct sandbox_syscall { long nr; const char *name; };
/* Only with --dir shares (host/devices/dir): every path goes through openat2. */
extern const struct sandbox_syscall sandbox_files_allowed[];
extern const unsigned sandbox_files_allowed_count;

/* sandbox_files_allowed as BPF with arguments pinned (sandbox_files.c),
 * appended at f[n] while the accumulator holds the call number. The new n. */
struct sock_filter;
#define SANDBOX_FILES_RULES_MAX 64
unsigned sandbox_files_rules(struct sock_filter *f, unsigned n);

#endif
