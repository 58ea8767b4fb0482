/*
 * The exit benchmark's ioeventfd row: a store to DUET_HC_BENCH_IOEVENTFD's
 * address that KVM completes itself, signalling an eventfd nobody reads (a
 * counter that saturates), so the guest resumes without an exit to us: what
 * a virtio QueueNotify costs with vhost or a device thread behind it. Set
 * up only on request (duet run --bench-exits): two system calls per boot.
 */
#if defined(__aarch64__)
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "duet/hypercall.h"
#include "kvm/vm_internal.h"

int vm_bench_ioeventfd(struct vm *vm)
{
    vm->bench_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (vm->bench_efd < 0)
        return vm_fail(vm, "eventfd for the ioeventfd bench: %s", strerror(errno));
    struct kvm_ioeventfd io = {
        .addr = DUET_HC_ADDR(DUET_HC_BENCH_IOEVENTFD),
        .len = 8,
        .fd = vm->bench_efd,
    };
    if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) < 0)
        return vm_fail(vm, "KVM_IOEVENTFD at 0x%llx: %s", (unsigned long long)io.addr,
                       strerror(errno));
    return 0;
}
#endif
