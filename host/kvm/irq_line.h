/* Shared peripheral interrupts into the in-kernel vGIC via KVM_IRQ_LINE. */
#ifndef DUET_IRQ_LINE_H
#define DUET_IRQ_LINE_H

/* Sets SPI `intid` (32..) high or low. 0, or -1 with errno. */
int irq_line(int vm_fd, unsigned intid, int level);
/* Raises and lowers it: an edge the vGIC latches (the guest configures it edge-triggered). */
int irq_pulse(int vm_fd, unsigned intid);

#endif
