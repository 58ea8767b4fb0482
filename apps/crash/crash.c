/*
 * Faults the guest OS must catch and name in its crash report (status 112):
 *   crash null | undef | stack-overflow | write-text | exec-data | misaligned-sp
 *         | stack-smash | assert | brk
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "duet/memmap.h"

static volatile int depth_limit = 1 << 30;

static int recurse(int n)
{
    volatile char pad[512];
    pad[0] = (char)n;
    return n < depth_limit ? recurse(n + 1) + pad[0] : 0;
}

static void smash(const char *src)
{
    char small[8];
    volatile size_t n = strlen(src) + 1; /* hidden from the compiler's bounds check */
    /* Deliberately past the end: the stack protector must notice. */
    memcpy(small, src, n);
    printf("copied %s\n", small);
}

static uint32_t data_code[4] = { 0xd65f03c0 }; /* ret: runnable bytes in .data */

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    printf("crash mode %s\n", mode);
    if (!strcmp(mode, "null"))
        return *(volatile int *)0;
    if (!strcmp(mode, "undef"))
        __asm__ volatile(".inst 0x00000000");
    if (!strcmp(mode, "stack-overflow"))
        return recurse(0);
    if (!strcmp(mode, "write-text"))
        *(volatile uint32_t *)(uintptr_t)&main = 0;
    if (!strcmp(mode, "exec-data"))
        ((void (*)(void))(uintptr_t)data_code)();
    if (!strcmp(mode, "misaligned-sp"))
        /* SCTLR_EL1.SA makes this fault on KVM; QEMU's TCG does not check it. */
        __asm__ volatile("mov x9, sp; sub x9, x9, #4; mov sp, x9; ldr x10, [sp]; add sp, sp, #4"
                         ::: "x9", "x10", "memory");
    if (!strcmp(mode, "stack-smash"))
        smash("this string is much longer than eight bytes");
    if (!strcmp(mode, "assert"))
        assert(argc == 12345);
    if (!strcmp(mode, "gic-store")) /* no handler here, so no vGIC: nothing answers */
        __asm__ volatile("str wzr, [%0]" :: "r"(DUET_GICD_BASE) : "memory");
    printf("no crash?\n");
    return 0;
}
