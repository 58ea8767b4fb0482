/* crash_rewind(): see crash_regs.h. */
#if defined(__aarch64__)
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "debug/crash_regs.h"
#include "duet/kvm_regs.h"
#include "kvm/vm.h"

static int vm_set_reg(struct vm *vm, uint64_t id, uint64_t val)
{
    struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };
    return ioctl(vm->vcpu_fd, KVM_SET_ONE_REG, &r);
}

int crash_rewind(struct vm *vm, const struct duet_crash_frame *f)
{
    unsigned mode = (unsigned)f->spsr & 0x1f;
    /* AArch64 EL0t (0), EL1t (4), EL1h (5) only: never hand KVM another EL. */
    if (mode != 0 && mode != 4 && mode != 5)
        return -1;
    for (unsigned i = 0; i < 31; i++)
        if (vm_set_reg(vm, DUET_REG_X(i), f->x[i]) < 0)
            return -1;
    uint64_t sp_id = mode == 5 ? DUET_REG_SP_EL1 : DUET_REG_SP;
    if (vm_set_reg(vm, sp_id, f->sp) < 0 || vm_set_reg(vm, DUET_REG_PC, f->elr) < 0 ||
        vm_set_reg(vm, DUET_REG_PSTATE, f->spsr & 0xffffffffULL) < 0)
        return -1;
    return 0;
}
#else
#include "debug/crash_regs.h"
int crash_rewind(struct vm *vm, const struct duet_crash_frame *f)
{
    (void)vm; (void)f;
    return -1;
}
#endif
