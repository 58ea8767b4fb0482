/* What every KVM file shares: the error of a VM and its teardown. The other
 * files in kvm/ call these; nothing here calls them back. */
#if defined(__aarch64__)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kvm/vm_internal.h"

int vm_fail(struct vm *vm, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(vm->err, sizeof vm->err, fmt, ap);
    va_end(ap);
    errno = saved;
    return -1;
}

void vm_close(struct vm *vm)
{
    if (vm->run)
        munmap(vm->run, vm->run_size);
    vm->run = NULL;
    int *fds[] = { &vm->gic_fd, &vm->vcpu_fd, &vm->vm_fd, &vm->kvm_fd, &vm->bench_efd };
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
}
#endif
