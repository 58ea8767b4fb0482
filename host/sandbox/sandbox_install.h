/* Between sandbox.c (the filter) and sandbox_async.c (its install thread). */
#ifndef DUET_SANDBOX_INSTALL_H
#define DUET_SANDBOX_INSTALL_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include "sandbox/sandbox.h"

/*
 * TSYNC: threads already running (the net backend's; the run loop's, when
 * another thread installs) get the filter too.
 * SPEC_ALLOW: without it seccomp also turns on the Speculative Store
 * Bypass mitigation for the process, a cost on every kernel entry and
 * exit of the run loop. That mitigation protects a process from
 * untrusted code running inside it; duet runs none (the guest runs in
 * its own VM, behind stage-2), so it buys nothing here.
 */
#define SANDBOX_SECCOMP_FLAGS (SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_SPEC_ALLOW)

/* Builds p's filter into *prog (static storage), sets the SIGSYS handler and
 * no_new_privs: all but the seccomp call itself. 0, or -1 with errno set. */
int sandbox_prepare(const struct sandbox_policy *p, struct sock_fprog *prog);
/* The seccomp call's result (-errno, 0, or a thread id TSYNC could not
 * synchronise) as 0, or -1 with errno set. */
int sandbox_result(long rc);

#endif
