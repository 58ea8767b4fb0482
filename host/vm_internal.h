/* Helpers shared by the KVM files of the host (vm_kvm.c, vcpu_kvm.c, ...). */
#ifndef DUET_VM_INTERNAL_H
#define DUET_VM_INTERNAL_H

#include "vm.h"

/* Formats vm->err and returns -1, leaving errno as it was. */
int vm_fail(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void munmap_run(struct vm *vm);
int vm_finish_gic(struct vm *vm);

#endif
