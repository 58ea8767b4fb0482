/* The vCPU: creation, KVM_ARM_VCPU_INIT, and registers through ONE_REG. */
#if defined(__aarch64__)
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include "duet/kvm_regs.h"
#include "kvm/vm_internal.h"

int vm_create_vcpu(struct vm *vm)
{
    vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
    if (vm->vcpu_fd < 0)
        return vm_fail(vm, "KVM_CREATE_VCPU: %s", strerror(errno));
    int size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size <= 0)
        return vm_fail(vm, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
    vm->run_size = (size_t)size;
    void *run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
    if (run == MAP_FAILED)
        return vm_fail(vm, "mapping the vCPU run structure: %s", strerror(errno));
    vm->run = run;

    struct kvm_vcpu_init init;
    memset(&init, 0, sizeof init);
    if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init) < 0)
        return vm_fail(vm, "KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
    init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
    if (ioctl(vm->vcpu_fd, KVM_ARM_VCPU_INIT, &init) < 0)
        return vm_fail(vm, "KVM_ARM_VCPU_INIT (target %u, PSCI 0.2): %s",
                       init.target, strerror(errno));
    /* No GIC (the bare-KVM floor of `duet floor`): nothing to finish. */
    return vm->gic_fd >= 0 ? vm_finish_gic(vm) : 0;
}

static int set_reg(struct vm *vm, const char *name, uint64_t id, uint64_t val)
{
    struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };
    if (ioctl(vm->vcpu_fd, KVM_SET_ONE_REG, &r) < 0)
        return vm_fail(vm, "KVM_SET_ONE_REG %s (id 0x%llx): %s", name,
                       (unsigned long long)id, strerror(errno));
    return 0;
}

int vm_get_reg(struct vm *vm, uint64_t id, uint64_t *val)
{
    struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)val };
    if (ioctl(vm->vcpu_fd, KVM_GET_ONE_REG, &r) < 0)
        return vm_fail(vm, "KVM_GET_ONE_REG 0x%llx: %s", (unsigned long long)id, strerror(errno));
    return 0;
}

int vm_guest_clock(struct vm *vm, uint64_t *count, uint64_t *freq)
{
    /* TIMER_CNT is the guest's CNTVCT_EL0 (Linux's swapped encoding). */
    if (vm_get_reg(vm, DUET_REG_TIMER_CNT, count) < 0)
        return -1;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(*freq));
    return 0;
}

/*
 * PSTATE is not set: KVM_ARM_VCPU_INIT resets the vCPU as for a warm reset
 * to EL1, i.e. EL1 with SP_EL1 (EL1h) and debug/SError/IRQ/FIQ masked
 * (0x3c5), which is how an OS expects to start: one ioctl fewer per boot.
 */
int vm_set_boot_regs(struct vm *vm, uint64_t entry, uint64_t dtb, uint64_t sp)
{
    if (set_reg(vm, "pc", DUET_REG_PC, entry) ||
        set_reg(vm, "x0", DUET_REG_X(0), dtb) ||
        set_reg(vm, "sp_el1", DUET_REG_SP_EL1, sp))
        return -1;
    return 0;
}
#endif
