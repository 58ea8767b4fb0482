/*
 * DUET_HC_IRQ_PULSE: the host raises and lowers the test SPI through
 * KVM_IRQ_LINE, so the guest can time injection to handler (exitbench's
 * inject_irq row) and test its interrupt path end to end.
 */
#include "duet/kvm_irq.h"
#include "hypercall/hypercall.h"
#include "kvm/irq_line.h"

static enum hc_result irq_pulse_hc(struct hc_ctx *ctx, duet_gpa_t arg)
{
    struct duet_hc_irq_pulse a;
    if (hc_copy_in(ctx, "irq pulse", arg, &a, sizeof a))
        return HC_FAULT;
    if (a.intid != DUET_IRQ_TEST)
        a.ret = DUET_EINVAL; /* devices' SPIs belong to the devices */
    else if (ctx->vm_fd < 0 || irq_pulse(ctx->vm_fd, a.intid) < 0)
        a.ret = DUET_EIO;
    else
        a.ret = DUET_EOK;
    if (hc_copy_out(ctx, "irq pulse", arg + offsetof(struct duet_hc_irq_pulse, ret),
                    &a.ret, sizeof a.ret))
        return HC_FAULT;
    return HC_CONTINUE;
}

DUET_HYPERCALL(DUET_HC_IRQ_PULSE, "irq_pulse", irq_pulse_hc);
