/*
 * The seccomp sandbox the host enters after setup, before the first KVM_RUN:
 * from then on a hostile guest that subverts the host can only make the few
 * system calls the run loop and its devices need.
 */
#ifndef DUET_SANDBOX_H
#define DUET_SANDBOX_H

/*
 * Sets no_new_privs and installs the allowlist. A call outside it ends the
 * host at once with "duet: sandbox: forbidden system call N (name)" and
 * status 113 (DUET_STATUS_HOST_ERROR). 0, or -1 with errno set.
 */
int sandbox_enter(unsigned features);
#define SANDBOX_FILES 1u  /* --dir shares: sandbox_files_allowed too */

/* --gdb: the filter also allows ioctl KVM_SET_GUEST_DEBUG. Before sandbox_enter(). */
void sandbox_allow_guest_debug(void);

/* --core: the filter also allows linkat into directory dir_fd only (core_dump.h). */
void sandbox_allow_core_link(int dir_fd);

/* The allowlist, for `duet sandbox-list`-style reporting and tests. */
struct sandbox_syscall { long nr; const char *name; };
extern const struct sandbox_syscall sandbox_allowed[];
extern const unsigned sandbox_allowed_count;
extern const struct sandbox_syscall sandbox_files_allowed[];
extern const unsigned sandbox_files_allowed_count;

/* sandbox_files_allowed as BPF with arguments pinned (sandbox_files.c),
 * appended at f[n] while the accumulator holds the call number. The new n. */
struct sock_filter;
#define SANDBOX_FILES_RULES_MAX 64
unsigned sandbox_files_rules(struct sock_filter *f, unsigned n);

#endif
