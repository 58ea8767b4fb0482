#define _GNU_SOURCE  /* AT_EMPTY_PATH */
/*
 * The --dir calls (sandbox_files_allowed) with the arguments BPF can see
 * pinned: no *at call may resolve relative to the working directory (dirfd
 * AT_FDCWD), openat2 only with the struct open_how dir_path.c passes (size
 * 24), newfstatat only as fstat (AT_EMPTY_PATH), fcntl only F_GETFL/F_SETFL,
 * renameat2 only with flags 0. Paths and open_how live in memory BPF cannot
 * read: dir_path.c confines those. This narrows what a subverted host can
 * do, it does not confine it: an absolute path ignores the dirfd, so
 * unlinkat(fd, "/x") still passes. Confining the process itself to the
 * shares would take Landlock (Linux >= 5.13), not seccomp.
 */
#include <fcntl.h>
#include <stddef.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include "sandbox/sandbox.h"

enum check_op { ARG_NE, ARG_EQ };
struct arg_check { unsigned arg; enum check_op op; unsigned value; };

#define STMT(code, k) ((struct sock_filter)BPF_STMT((code), (k)))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP((code), (k), (jt), (jf)))
/* The low 32 bits of an argument (little-endian): fds and flags are ints. */
#define ARG_LO(i) ((unsigned)(offsetof(struct seccomp_data, args) + 8 * (i)))
#define CWD ((unsigned)AT_FDCWD)

/* JEQ nr ? on : next rule;  per check: LD arg, J.. -> TRAP;  RET ALLOW;  RET TRAP.
 * A call that is not nr jumps over the rule with the accumulator untouched. */
static unsigned rule(struct sock_filter *f, unsigned n, long nr, const struct arg_check *c,
                     unsigned count)
{
    unsigned len = 2 * count + 2;
    f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, (unsigned char)len);
    unsigned trap = n + len - 1;
    for (unsigned i = 0; i < count; i++) {
        f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(c[i].arg));
        unsigned char to_trap = (unsigned char)(trap - n - 1);
        f[n] = c[i].op == ARG_NE ? JUMP(BPF_JMP | BPF_JEQ | BPF_K, c[i].value, to_trap, 0)
                                 : JUMP(BPF_JMP | BPF_JEQ | BPF_K, c[i].value, 0, to_trap);
        n++;
    }
    f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);
    return n;
}

unsigned sandbox_files_rules(struct sock_filter *f, unsigned n)
{
    static const struct arg_check openat2_c[] = {
        { 0, ARG_NE, CWD }, { 3, ARG_EQ, sizeof(struct open_how) } };
    static const struct arg_check fstatat_c[] = {
        { 0, ARG_NE, CWD }, { 3, ARG_EQ, AT_EMPTY_PATH } };
    static const struct arg_check dirfd_c[] = { { 0, ARG_NE, CWD } };
    static const struct arg_check rename_c[] = {
        { 0, ARG_NE, CWD }, { 2, ARG_NE, CWD }, { 4, ARG_EQ, 0 } };
    n = rule(f, n, __NR_openat2, openat2_c, 2);
    n = rule(f, n, __NR_newfstatat, fstatat_c, 2);
    n = rule(f, n, __NR_mkdirat, dirfd_c, 1);
    n = rule(f, n, __NR_unlinkat, dirfd_c, 1);
    n = rule(f, n, __NR_renameat2, rename_c, 3);
#ifdef __NR_renameat
    n = rule(f, n, __NR_renameat, rename_c, 2);
#endif
    /* fcntl: F_GETFL or F_SETFL only. */
    f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_fcntl, 0, 5);
    f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1));
    f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, F_GETFL, 1, 0);
    f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, F_SETFL, 0, 1);
    f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);
    static const long plain[] = { __NR_fstat, __NR_getdents64, __NR_lseek, __NR_ftruncate,
                                  __NR_fsync };
    for (unsigned i = 0; i < sizeof plain / sizeof plain[0]; i++)
        n = rule(f, n, plain[i], NULL, 0);
    return n;
}
