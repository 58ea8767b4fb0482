/*
 * The SMCCC filter (Linux >= 6.4): DUET_HVC_FLOOR goes to userspace as
 * KVM_EXIT_HYPERCALL instead of KVM answering NOT_SUPPORTED, so the exit
 * benchmark can put an HVC that reaches the host beside the MMIO floor.
 * Older kernels have no filter: nothing happens and the guest sees -1.
 * Debian 12's uAPI headers (6.1) predate the filter: its ABI is spelled
 * out here, from Linux's arch/arm64/include/uapi/asm/kvm.h.
 */
#if defined(__aarch64__)
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "duet/hypercall.h"
#include "kvm/vm_internal.h"

#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL 0
#define KVM_ARM_VM_SMCCC_FILTER 0
#define KVM_SMCCC_FILTER_FWD_TO_USER 2
struct kvm_smccc_filter {
    uint32_t base;
    uint32_t nr_functions;
    uint8_t action;
    uint8_t pad[15];
};
#endif

int vm_forward_hvc_floor(struct vm *vm)
{
    struct kvm_smccc_filter filter = {
        .base = DUET_HVC_FLOOR, .nr_functions = 1, .action = KVM_SMCCC_FILTER_FWD_TO_USER,
    };
    struct kvm_device_attr attr = {
        .group = KVM_ARM_VM_SMCCC_CTRL, .attr = KVM_ARM_VM_SMCCC_FILTER,
        .addr = (uint64_t)(uintptr_t)&filter,
    };
    if (ioctl(vm->vm_fd, KVM_HAS_DEVICE_ATTR, &attr) < 0)
        return 0; /* no filter on this kernel: the HVC stays in KVM */
    if (ioctl(vm->vm_fd, KVM_SET_DEVICE_ATTR, &attr) < 0)
        return vm_fail(vm, "KVM_SET_DEVICE_ATTR (SMCCC filter for 0x%x): %s",
                       DUET_HVC_FLOOR, strerror(errno));
    vm->hvc_floor_forwarded = 1;
    return 0;
}
#endif
