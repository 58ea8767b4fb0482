/*
 * The seccomp sandbox, tested for real in forked children: calls allowed
 * only on the descriptors, requests and flags the policy names; KVM_RUN
 * decided first; the whole list for a guest with block + net no longer than
 * Solo5 hvt's 18 calls.
 */
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/kvm.h>
#include <linux/vhost.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "duet/hypercall.h"
#include "sandbox/sandbox.h"

static int vcpu, vm, block, other, tap, vhost;
static struct sandbox_policy policy;

/* Runs fn in a child sandboxed with `policy`; its exit status (or 1000 + signal). */
static int in_sandbox(void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDERR_FILENO); /* the kill message is expected */
        if (sandbox_enter(&policy) != 0)
            _exit(99);
        fn();
        syscall(SYS_exit_group, 7); /* not _exit: ASan's wrapper makes calls of its own */
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

/* A guest with one block device and one NIC on vhost-net (the default). */
static void block_and_vhost(void)
{
    sandbox_policy_init(&policy);
    policy.vcpu_fd = vcpu;
    policy.vm_fd = vm;
    sandbox_fds_add(&policy.writes, STDOUT_FILENO);
    sandbox_fds_add(&policy.writes, STDERR_FILENO);
    sandbox_fds_add(&policy.files, block);
    sandbox_fds_add(&policy.syncs, block);
    sandbox_fds_add(&policy.taps, tap);
    sandbox_fds_add(&policy.vhost, vhost);
}

/* The same NIC on duet's thread backend: its tap and eventfds, threads. */
static void block_and_thread(void)
{
    block_and_vhost();
    policy.vhost.n = 0;
    policy.features |= SANDBOX_THREADS;
    sandbox_fds_add(&policy.reads, tap);
    sandbox_fds_add(&policy.writes, tap);
}

static char buf[64];
static void write_console(void) { if (write(STDOUT_FILENO, "", 0) < 0) _exit(1); }
static void write_other(void) { if (write(other, "", 0) < 0) _exit(1); }
static void read_tap(void) { if (read(tap, buf, 0) < 0) _exit(1); }
static void pread_block(void) { if (pread(block, buf, 1, 0) < 0) _exit(1); }
static void pread_other(void) { if (pread(other, buf, 1, 0) < 0) _exit(1); }
static void sync_block(void) { fdatasync(block); }
/* The requests reach files that are not KVM's here: ENOTTY, but not killed. */
static void kvm_run_vcpu(void) { ioctl(vcpu, KVM_RUN, 0); }
static void kvm_run_other(void) { ioctl(other, KVM_RUN, 0); }
static void one_reg_vm(void) { ioctl(vm, KVM_GET_ONE_REG, 0); }
static void get_reg_vcpu(void) { ioctl(vcpu, KVM_GET_ONE_REG, 0); }
static void set_reg_vcpu(void) { ioctl(vcpu, KVM_SET_ONE_REG, 0); }
static void irq_line_vm(void) { ioctl(vm, KVM_IRQ_LINE, 0); }
static void vhost_on_vhost(void) { ioctl(vhost, VHOST_NET_SET_BACKEND, 0); }
static void vhost_on_tap(void) { ioctl(tap, VHOST_NET_SET_BACKEND, 0); }
static void guest_debug(void) { ioctl(vcpu, KVM_SET_GUEST_DEBUG, 0); }
static void foreign_ioctl(void) { ioctl(0, FIONREAD, 0); }
static void open_file(void) { open("/etc/hostname", O_RDONLY); }
static void do_fork(void) { fork(); }
static void get_pid(void) { syscall(SYS_getpid); }
static void clock_mono(void) { struct timespec t; syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t); }
static void clock_cpu(void) { struct timespec t; syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, &t); }
static int word;
static void futex_wake(void) { syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0); }
static void futex_requeue(void) { syscall(SYS_futex, &word, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &word, 0); }
static void madvise_free(void) { syscall(SYS_madvise, buf, 0, MADV_FREE); }
static void mincore_call(void) { unsigned char v; syscall(SYS_mincore, buf, 0, &v); }

#define KILLED DUET_STATUS_HOST_ERROR
#define ALIVE 7

static void test_descriptors_pinned(void)
{
    block_and_vhost();
    CHECK_EQ_U64(in_sandbox(write_console), ALIVE);
    CHECK_EQ_U64(in_sandbox(write_other), KILLED);
    CHECK_EQ_U64(in_sandbox(read_tap), KILLED);     /* vhost reads the tap, not duet */
    CHECK_EQ_U64(in_sandbox(pread_block), ALIVE);
    CHECK_EQ_U64(in_sandbox(pread_other), KILLED);
    CHECK_EQ_U64(in_sandbox(sync_block), ALIVE);
    block_and_thread();
    CHECK_EQ_U64(in_sandbox(read_tap), ALIVE);
}

static void test_ioctls_pinned(void)
{
    block_and_vhost();
    CHECK_EQ_U64(in_sandbox(kvm_run_vcpu), ALIVE);
    CHECK_EQ_U64(in_sandbox(kvm_run_other), KILLED);
    CHECK_EQ_U64(in_sandbox(one_reg_vm), KILLED);   /* a vCPU request on the VM */
    CHECK_EQ_U64(in_sandbox(irq_line_vm), ALIVE);
    CHECK_EQ_U64(in_sandbox(vhost_on_vhost), ALIVE);
    CHECK_EQ_U64(in_sandbox(vhost_on_tap), KILLED);
    CHECK_EQ_U64(in_sandbox(guest_debug), KILLED);  /* only with --gdb */
    CHECK_EQ_U64(in_sandbox(foreign_ioctl), KILLED);
    policy.features |= SANDBOX_GDB;
    CHECK_EQ_U64(in_sandbox(guest_debug), ALIVE);
    CHECK_EQ_U64(in_sandbox(kvm_run_vcpu), ALIVE);  /* the vCPU's requests share one check */
    CHECK_EQ_U64(in_sandbox(get_reg_vcpu), ALIVE);
    CHECK_EQ_U64(in_sandbox(set_reg_vcpu), ALIVE);
    CHECK_EQ_U64(in_sandbox(kvm_run_other), KILLED);
    policy.vm_fd = -1;                                /* no vGIC: nothing to inject into */
    CHECK_EQ_U64(in_sandbox(irq_line_vm), KILLED);
    block_and_thread();
    CHECK_EQ_U64(in_sandbox(vhost_on_vhost), KILLED); /* no vhost in this run */
}

static void test_flags_pinned(void)
{
    block_and_vhost();
    CHECK_EQ_U64(in_sandbox(clock_mono), ALIVE);
    CHECK_EQ_U64(in_sandbox(clock_cpu), KILLED);
    CHECK_EQ_U64(in_sandbox(futex_wake), KILLED);   /* no threads with vhost */
    CHECK_EQ_U64(in_sandbox(mincore_call), KILLED); /* only with --verbose */
    block_and_thread();
    CHECK_EQ_U64(in_sandbox(futex_wake), ALIVE);
    CHECK_EQ_U64(in_sandbox(futex_requeue), KILLED);
    CHECK_EQ_U64(in_sandbox(madvise_free), KILLED);
    policy.features |= SANDBOX_COUNTS;
    CHECK_EQ_U64(in_sandbox(mincore_call), ALIVE);
}

static void test_other_calls_killed(void)
{
    block_and_thread();
    CHECK_EQ_U64(in_sandbox(open_file), KILLED);
    CHECK_EQ_U64(in_sandbox(do_fork), KILLED);
    CHECK_EQ_U64(in_sandbox(get_pid), KILLED);
}

static int listed(const char *name)
{
    const char *names[64];
    unsigned n = sandbox_calls(&policy, names, 64);
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return 1;
    return 0;
}

/* Solo5 hvt's seccomp allowlist has 18 calls; a Duet guest with block + net fits in it. */
static void test_allowlist_is_small(void)
{
    const char *names[64];
    block_and_vhost();
    unsigned vhost_n = sandbox_calls(&policy, names, 64);
    block_and_thread();
    unsigned thread_n = sandbox_calls(&policy, names, 64);
    policy.features |= SANDBOX_COUNTS; /* --verbose too */
    unsigned verbose_n = sandbox_calls(&policy, names, 64);
    printf("     sandbox: block + vhost %u calls, block + thread %u, + --verbose %u\n",
           vhost_n, thread_n, verbose_n);
    CHECK(vhost_n <= 18 && thread_n <= 18 && verbose_n <= 18);
    CHECK(vhost_n < thread_n);
    CHECK(listed("ioctl") && listed("write") && listed("pread64") && listed("mincore"));
    block_and_vhost();
    CHECK(!listed("read") && !listed("futex") && !listed("ppoll"));
}

int main(void)
{
    vcpu = open("/dev/null", O_RDONLY);
    vm = open("/dev/null", O_RDONLY);
    tap = open("/dev/null", O_RDONLY);
    vhost = open("/dev/null", O_RDONLY);
    other = open("/dev/null", O_WRONLY);
    char path[] = "/tmp/duet-sandbox-XXXXXX";
    block = mkstemp(path);
    unlink(path);
    if (block < 0 || write(block, "x", 1) != 1)
        return 1;
    RUN_TEST(test_descriptors_pinned);
    RUN_TEST(test_ioctls_pinned);
    RUN_TEST(test_flags_pinned);
    RUN_TEST(test_other_calls_killed);
    RUN_TEST(test_allowlist_is_small);
    return CHECK_EXIT();
}
