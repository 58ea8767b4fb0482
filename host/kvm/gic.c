/*
 * The in-kernel vGIC: KVM_CREATE_DEVICE for GICv3 (v2 where v3 is missing),
 * placed at the addresses of memmap.h. Interrupts then reach the guest
 * without the host: the virtual timer directly, devices by KVM_IRQ_LINE.
 */
#if defined(__aarch64__)
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "duet/memmap.h"
#include "kvm/vm_internal.h"

static int set_attr(struct vm *vm, uint32_t group, uint64_t attr, const void *val)
{
    struct kvm_device_attr a = {
        .group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)val,
    };
    return ioctl(vm->gic_fd, KVM_SET_DEVICE_ATTR, &a);
}

static int create(struct vm *vm, uint32_t type)
{
    struct kvm_create_device cd = { .type = type };
    if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd) < 0)
        return -1;
    vm->gic_fd = (int)cd.fd;
    return 0;
}

int vm_create_gic(struct vm *vm)
{
    if (create(vm, KVM_DEV_TYPE_ARM_VGIC_V3) == 0) {
        uint64_t dist = DUET_GICD_BASE, redist = DUET_GICR_BASE;
        vm->gic_version = 3;
        if (set_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist) < 0 ||
            set_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist) < 0)
            return vm_fail(vm, "GICv3 addresses: %s", strerror(errno));
        return 0;
    }
    int v3_errno = errno;
    if (create(vm, KVM_DEV_TYPE_ARM_VGIC_V2) == 0) {
        uint64_t dist = DUET_GICD_BASE, cpu = DUET_GICC_BASE;
        vm->gic_version = 2;
        if (set_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, &dist) < 0 ||
            set_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, &cpu) < 0)
            return vm_fail(vm, "GICv2 addresses: %s", strerror(errno));
        return 0;
    }
    return vm_fail(vm, "no in-kernel GIC: GICv3 (%s) and GICv2 (%s) both refused",
                   strerror(v3_errno), strerror(errno));
}

/* Called once every vCPU exists: the vGIC sizes itself from them. */
int vm_finish_gic(struct vm *vm)
{
    uint32_t nr_irqs = 128; /* 32 private + 96 SPIs: room for a device each */
    if (set_attr(vm, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs) < 0)
        return vm_fail(vm, "vGIC: setting %u interrupts: %s", nr_irqs, strerror(errno));
    if (set_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL) < 0)
        return vm_fail(vm, "vGICv%d init: %s", vm->gic_version, strerror(errno));
    return 0;
}
#endif
