/* Creating the VM and its memory: /dev/kvm, KVM_CREATE_VM, the RAM slot. */
#if defined(__aarch64__)
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "duet/memmap.h"
#include "kvm/vm_internal.h"

_Static_assert(DUET_RAM_BASE + DUET_RAM_MAX <= (1ULL << DUET_IPA_BITS) &&
               DUET_ROOTFS_BASE + DUET_ROOTFS_MAX <= (1ULL << DUET_IPA_BITS),
               "guest addresses beyond DUET_IPA_BITS");

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

    /* Every guest address (RAM up to DUET_RAM_MAX, the rootfs window) lies
     * below 64 GiB: ask for that IPA size first, with no query (one system
     * call fewer per boot, and a 4 KiB stage-2 root instead of the default
     * 40 bits' 8 KiB). A host that refuses it (a smaller IPA limit, or a
     * kernel without IPA sizes) gets the query and its answer. */
    uint64_t top = mem->base + mem->size;
    if (top <= (1ULL << DUET_IPA_BITS)) {
        vm->ipa_bits = DUET_IPA_BITS;
        do
            vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(DUET_IPA_BITS));
        while (vm->vm_fd < 0 && errno == EINTR);
    }
    if (vm->vm_fd < 0) {
        /* 0 from the cap means the 40-bit default. */
        int ipa = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
        vm->ipa_bits = ipa > 0 ? (unsigned)ipa : 40;
        if (vm->ipa_bits < 64 && top > (1ULL << vm->ipa_bits))
            return vm_fail(vm, "guest RAM ends at 0x%llx, beyond this host's %u-bit IPA space",
                           (unsigned long long)top, vm->ipa_bits);
        unsigned long type = ipa > 0 ? KVM_VM_TYPE_ARM_IPA_SIZE(vm->ipa_bits) : 0;
        do
            vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, type);
        while (vm->vm_fd < 0 && errno == EINTR);
    }
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
