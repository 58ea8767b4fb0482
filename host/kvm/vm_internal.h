/* Helpers shared by the KVM files of the host. Calls go one way:
 * vm_create.c, vcpu.c, gic.c, run_loop.c -> vm.c (errors, teardown);
 * vcpu.c -> gic.c (the vGIC is finished once the vCPU exists). */
#ifndef DUET_VM_INTERNAL_H
#define DUET_VM_INTERNAL_H

#include "kvm/vm.h"

/* Formats vm->err and returns -1, leaving errno as it was. */
int vm_fail(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vm_finish_gic(struct vm *vm);  /* gic.c */

#endif
