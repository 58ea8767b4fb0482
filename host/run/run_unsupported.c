/* The run loop of non-aarch64 builds: vm_open() has already refused. */
#if !defined(__aarch64__)
#include "run/run_loop.h"

int vm_run(struct vm *vm, struct hc_ctx *hc, struct run_stats *s, int c)
{
    (void)vm; (void)hc; (void)s; (void)c;
    return 113;
}
#endif
