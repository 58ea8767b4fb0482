#define _GNU_SOURCE  /* AT_EMPTY_PATH */
/* The --dir system calls in the sandbox (sandbox_files.c): only with the feature, arguments pinned. */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "duet/hypercall.h"
#include "sandbox/sandbox.h"

static int dirfd_ = -1;

/* Runs fn in a child sandboxed with `features`; its exit status (or 1000 + signal). */
static int in_sandbox(unsigned features, void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDERR_FILENO); /* the kill message is expected */
        struct sandbox_policy p;
        sandbox_policy_init(&p);
        p.features = features;
        sandbox_fds_add(&p.writes, STDERR_FILENO); /* the kill message */
        if (sandbox_enter(&p) != 0)
            _exit(99);
        fn();
        syscall(SYS_exit_group, 7);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

static void openat2_beneath(void)
{
    struct open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_BENEATH };
    syscall(SYS_openat2, dirfd_, "x", &how, sizeof how);
}
static void openat2_cwd(void)
{
    struct open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_BENEATH };
    syscall(SYS_openat2, AT_FDCWD, "x", &how, sizeof how);
}
static void openat2_other_size(void)
{
    struct open_how how[2] = { { .flags = O_RDONLY } };
    syscall(SYS_openat2, dirfd_, "x", how, sizeof how);
}
static void openat_nofollow(void) { syscall(SYS_openat, dirfd_, "x", O_RDONLY | O_NOFOLLOW, 0); }
static void openat_follow(void) { syscall(SYS_openat, dirfd_, "x", O_RDONLY, 0); }
static void mkdirat_cwd(void) { syscall(SYS_mkdirat, AT_FDCWD, "x", 0755); }
static void mkdirat_dir(void) { syscall(SYS_mkdirat, dirfd_, "x", 0755); }
static void renameat2_flags(void) { syscall(SYS_renameat2, dirfd_, "x", dirfd_, "y", 1); }
static void renameat2_to_cwd(void) { syscall(SYS_renameat2, dirfd_, "x", AT_FDCWD, "y", 0); }
static void renameat2_plain(void) { syscall(SYS_renameat2, dirfd_, "x", dirfd_, "y", 0); }
static void getdents(void) { char b[512]; syscall(SYS_getdents64, dirfd_, b, sizeof b); }
static void fstat_as_glibc(void) { struct stat st; syscall(SYS_newfstatat, dirfd_, "", &st, AT_EMPTY_PATH); }
static void fcntl_getfl(void) { syscall(SYS_fcntl, dirfd_, F_GETFL); }
static void fcntl_dupfd(void) { syscall(SYS_fcntl, dirfd_, F_DUPFD, 0); }
static void path_stat(void) { struct stat st; syscall(SYS_newfstatat, dirfd_, "x", &st, 0); }

#define KILLED DUET_STATUS_HOST_ERROR
#define D SANDBOX_FILES

static void test_dir_calls_only_with_the_feature(void)
{
    CHECK(in_sandbox(0, getdents) == KILLED);
    CHECK(in_sandbox(0, openat2_beneath) == KILLED);
    CHECK(in_sandbox(0, mkdirat_dir) == KILLED);
    CHECK(in_sandbox(D, getdents) == 7);
}

static void test_dir_arguments_pinned(void)
{
    CHECK(in_sandbox(D, openat2_beneath) == 7);
    CHECK(in_sandbox(D, openat2_cwd) == KILLED);
    CHECK(in_sandbox(D, openat2_other_size) == KILLED);
    CHECK(in_sandbox(D, openat_nofollow) == KILLED);  /* only openat2, never openat */
    CHECK(in_sandbox(D, openat_follow) == KILLED);
    CHECK(in_sandbox(D, fstat_as_glibc) == 7);
    CHECK(in_sandbox(D, fcntl_getfl) == 7);
    CHECK(in_sandbox(D, fcntl_dupfd) == KILLED);
    CHECK(in_sandbox(D, mkdirat_dir) == 7);
    CHECK(in_sandbox(D, mkdirat_cwd) == KILLED);
    CHECK(in_sandbox(D, renameat2_plain) == 7);
    CHECK(in_sandbox(D, renameat2_flags) == KILLED);
    CHECK(in_sandbox(D, renameat2_to_cwd) == KILLED);
    CHECK(in_sandbox(D, path_stat) == KILLED);   /* fstat only, never a path */
}

static void test_dir_list_is_small(void) { CHECK(sandbox_files_allowed_count <= 13); }

int main(void)
{
    char tmp[] = "/tmp/duet-test-sbdir-XXXXXX";
    if (!mkdtemp(tmp))
        return 1;
    dirfd_ = open(tmp, O_RDONLY | O_DIRECTORY);
    RUN_TEST(test_dir_calls_only_with_the_feature);
    RUN_TEST(test_dir_arguments_pinned);
    RUN_TEST(test_dir_list_is_small);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    return system(cmd) == 0 ? CHECK_EXIT() : 1;
}
