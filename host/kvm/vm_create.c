/* Creating the VM and its memory: /dev/kvm, KVM_CREATE_VM, the RAM slot. */
#if defined(__aarch64__)
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "kvm/vm_internal.h"

int vm_open(struct vm *vm, struct guest_mem *mem)
{
    memset(vm, 0, sizeof *vm);
    vm->vm_fd = vm->vcpu_fd = vm->gic_fd = vm->bench_efd = -1;
    vm->mem = mem;
    vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (vm->kvm_fd < 0)
        return vm_fail(vm, "cannot open /dev/kvm: %s%s", strerror(errno),
                       errno == ENOENT ? " (no KVM on this machine: run through ./build.py, "
                                         "which boots the lab)" : "");
    int api = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
    if (api != KVM_API_VERSION)
        return vm_fail(vm, "KVM API version %d, expected %d", api, KVM_API_VERSION);

    /* The IPA space must reach the top of RAM; 0 from the cap means the 40-bit default. */
    int ipa = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
    vm->ipa_bits = ipa > 0 ? (unsigned)ipa : 40;
    uint64_t top = mem->base + mem->size;
    if (vm->ipa_bits < 64 && top > (1ULL << vm->ipa_bits))
        return vm_fail(vm, "guest RAM ends at 0x%llx, beyond this host's %u-bit IPA space",
                       (unsigned long long)top, vm->ipa_bits);
    unsigned long type = 0;  /* default 40-bit IPA: enough for DUET_RAM_MAX */
    if (top > (1ULL << 40))
        type = KVM_VM_TYPE_ARM_IPA_SIZE(vm->ipa_bits);
    do
        vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, type);
    while (vm->vm_fd < 0 && errno == EINTR);
    if (vm->vm_fd < 0)
        return vm_fail(vm, "KVM_CREATE_VM: %s", strerror(errno));

    struct kvm_userspace_memory_region slot = {
        .slot = 0,
        .guest_phys_addr = mem->base,
        .memory_size = mem->size,
        .userspace_addr = (uint64_t)(uintptr_t)mem->host,
    };
    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
        return vm_fail(vm, "KVM_SET_USER_MEMORY_REGION (%llu MiB at 0x%llx): %s",
                       (unsigned long long)(mem->size >> 20),
                       (unsigned long long)mem->base, strerror(errno));
    return 0;
}

int vm_map_readonly(struct vm *vm, uint32_t slot, uint64_t gpa, const void *host, uint64_t size)
{
    if (vm->ipa_bits < 64 && gpa + size > (1ULL << vm->ipa_bits))
        return vm_fail(vm, "the rootfs would end at 0x%llx, beyond this host's %u-bit IPA space",
                       (unsigned long long)(gpa + size), vm->ipa_bits);
    if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) <= 0)
        return vm_fail(vm, "this host's KVM has no read-only memory slots (the app's rootfs "
                       "needs KVM_CAP_READONLY_MEM)");
    struct kvm_userspace_memory_region r = {
        .slot = slot,
        .flags = KVM_MEM_READONLY,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (uint64_t)(uintptr_t)host,
    };
    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
        return vm_fail(vm, "KVM_SET_USER_MEMORY_REGION (read-only, %llu KiB at 0x%llx): %s",
                       (unsigned long long)(size >> 10), (unsigned long long)gpa, strerror(errno));
    return 0;
}
#endif
