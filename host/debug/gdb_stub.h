/*
 * `duet run --gdb=PORT` (127.0.0.1) or `--gdb=unix:PATH`: a gdb remote stub
 * on the one vCPU. The run loop calls in only when --gdb was given (vm->gdb
 * is NULL otherwise: a stub that is not asked for costs one NULL test on
 * the exits that are not hypercalls).
 *
 * Sandbox: gdb connects, and the stub serves the first stop, before seccomp
 * is entered; afterwards the stub only read()s and write()s its connected
 * socket (gdb_stub_fd) and ppoll()s it, and the sandbox grows by those, its
 * SIGIO handler's rt_sigreturn and one ioctl, KVM_SET_GUEST_DEBUG, only
 * when --gdb is given. The listening socket
 * is closed once gdb is connected, so a second gdb is refused by the kernel.
 */
#ifndef DUET_GDB_STUB_H
#define DUET_GDB_STUB_H

#include <stddef.h>
#include <stdint.h>

struct vm;
struct gdb_stub;

/* Listens on spec ("PORT" or "unix:PATH"). NULL with a reason in err. */
struct gdb_stub *gdb_stub_listen(const char *spec, char *err, size_t errlen);

/*
 * Waits for gdb, then serves it with the guest held before its first
 * instruction until gdb resumes it. 0, or -1 with a reason in err.
 */
int gdb_stub_attach(struct gdb_stub *g, struct vm *vm, char *err, size_t errlen);

/* What the run loop does after telling the stub about an event. */
enum { GDB_RUN_RESUME = -1 };

/* KVM_RUN returned EINTR: a Ctrl-C from gdb? GDB_RUN_RESUME or a final status. */
int gdb_stub_interrupted(struct gdb_stub *g);
/* KVM_EXIT_DEBUG: a breakpoint, watchpoint or step. */
int gdb_stub_debug_exit(struct gdb_stub *g);
/*
 * The guest is done: status 0..111 it exited (gdb gets W), 112 it crashed
 * (gdb gets the stop at the faulting instruction, then X on continue).
 * Returns the final status.
 */
int gdb_stub_guest_done(struct gdb_stub *g, int status);

void gdb_stub_close(struct gdb_stub *g);
/* The connected socket (for the sandbox's read/write lists), or -1. */
int gdb_stub_fd(const struct gdb_stub *g);

#endif
