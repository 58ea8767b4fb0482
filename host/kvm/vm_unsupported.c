/*
 * Builds of duet for machines other than aarch64 (the native build on
 * x86_64) keep the tool modes and the image checks, but cannot run a guest.
 */
#if !defined(__aarch64__)
#include <stdio.h>
#include <string.h>
#include "kvm/vm.h"

int vm_open(struct vm *vm, struct guest_mem *mem)
{
    memset(vm, 0, sizeof *vm);
    vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = vm->gic_fd = vm->bench_efd = -1;
    vm->mem = mem;
    snprintf(vm->err, sizeof vm->err, "this duet was built for a non-arm64 machine and cannot "
             "run guests (use build/host/duet on arm64 KVM, or ./build.py run, which boots the lab)");
    return -1;
}

int vm_create_gic(struct vm *vm) { (void)vm; return -1; }
int vm_map_readonly(struct vm *vm, uint32_t s, uint64_t g, const void *h, uint64_t n)
{
    (void)vm; (void)s; (void)g; (void)h; (void)n;
    return -1;
}
int vm_create_vcpu(struct vm *vm) { (void)vm; return -1; }
int vm_forward_hvc_floor(struct vm *vm) { (void)vm; return -1; }
int vm_bench_ioeventfd(struct vm *vm) { (void)vm; return -1; }
int vm_set_boot_regs(struct vm *vm, uint64_t e, uint64_t d, uint64_t s)
{
    (void)vm; (void)e; (void)d; (void)s;
    return -1;
}
int vm_get_reg(struct vm *vm, uint64_t id, uint64_t *val) { (void)vm; (void)id; (void)val; return -1; }
void vm_close(struct vm *vm) { (void)vm; }
int vm_guest_clock(struct vm *vm, uint64_t *c, uint64_t *f) { (void)vm; (void)c; (void)f; return -1; }
#endif
