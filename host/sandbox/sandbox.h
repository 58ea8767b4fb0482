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
int sandbox_enter(void);

/* The allowlist, for `duet sandbox-list`-style reporting and tests. */
struct sandbox_syscall { long nr; const char *name; };
extern const struct sandbox_syscall sandbox_allowed[];
extern const unsigned sandbox_allowed_count;

#endif
