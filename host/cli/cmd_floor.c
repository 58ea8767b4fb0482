/*
 * `duet floor`: the bare-KVM boot floor. Creates a VM, its RAM slot and one
 * vCPU, runs two instructions (a store to the hypercall window) and times
 * everything up to that first exit: what no VMM on this host can beat. The
 * boot benchmark compares `duet run hello` against it, in the same boot.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/commands.h"
#include "duet/kvm_regs.h"
#include "duet/memmap.h"
#include "kvm/vm.h"

#if defined(__aarch64__)
#include <sys/ioctl.h>
#include <linux/kvm.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One boot to the first exit; returns milliseconds, or -1. */
static double floor_once(void)
{
    static const uint32_t code[] = {
        0xf9000001, /* str x1, [x0]: exits to the host as MMIO */
        0x14000000, /* b . */
    };
    double t0 = now_ms();
    struct guest_mem mem = { 0 };
    struct vm vm;
    if (gmem_alloc(&mem, DUET_RAM_BASE, DUET_RAM_MIN) < 0)
        return -1;
    memcpy(mem.host, code, sizeof code);
    int ok = vm_open(&vm, &mem) == 0 && vm_create_vcpu(&vm) == 0 &&
             vm_set_boot_regs(&vm, DUET_RAM_BASE, DUET_HC_BASE, DUET_RAM_BASE + DUET_RAM_MIN) == 0;
    if (ok) {
        int r;
        do
            r = ioctl(vm.vcpu_fd, KVM_RUN, 0);
        while (r < 0 && errno == EINTR);
        ok = r == 0 && vm.run->exit_reason == KVM_EXIT_MMIO &&
             vm.run->mmio.phys_addr == DUET_HC_BASE;
        if (!ok && r < 0)
            snprintf(vm.err, sizeof vm.err, "KVM_RUN: %s", strerror(errno));
        else if (!ok)
            snprintf(vm.err, sizeof vm.err, "first exit was reason %u, not the MMIO store",
                     vm.run->exit_reason);
    }
    double t = now_ms() - t0;
    if (!ok)
        fprintf(stderr, "duet floor: %s\n", vm.err);
    vm_close(&vm);
    gmem_free(&mem);
    return ok ? t : -1;
}

int cmd_floor(int argc, char **argv)
{
    long n = 1;
    if (argc == 3 && !strcmp(argv[1], "--repeat")) {
        char *end;
        n = strtol(argv[2], &end, 10);
        if (*end || n < 1 || n > 100000) {
            fprintf(stderr, "duet floor: --repeat wants 1..100000\n");
            return DUET_STATUS_USAGE;
        }
    } else if (argc != 1) {
        fprintf(stderr, "usage: duet floor [--repeat N]\n");
        return DUET_STATUS_USAGE;
    }
    for (long i = 0; i < n; i++) {
        double ms = floor_once();
        if (ms < 0)
            return DUET_STATUS_HOST_ERROR;
        printf("floor_ms %.3f\n", ms);
    }
    return 0;
}
#else
int cmd_floor(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "duet floor: needs arm64 KVM (/dev/kvm on an arm64 host)\n");
    return DUET_STATUS_HOST_ERROR;
}
#endif
