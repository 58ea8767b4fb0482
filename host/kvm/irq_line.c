/* KVM_IRQ_LINE for SPIs: callable from any thread (the vGIC is in the kernel). */
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "duet/kvm_irq.h"
#include "kvm/irq_line.h"

int irq_line(int vm_fd, unsigned intid, int level)
{
    struct duet_irq i = { DUET_IRQ_TYPE_SPI, 0, intid };
    struct kvm_irq_level l = { .irq = duet_irq_pack(i), .level = (uint32_t)level };
    return ioctl(vm_fd, KVM_IRQ_LINE, &l);
}

int irq_pulse(int vm_fd, unsigned intid)
{
    return irq_line(vm_fd, intid, 1) < 0 ? -1 : irq_line(vm_fd, intid, 0);
}
