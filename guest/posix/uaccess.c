/* Pointer checks for calls that take buffers from programs (duet/uaccess.h). */
#include <stdint.h>
#include "duet/uaccess.h"

static int page_ok(uintptr_t va, int write)
{
    uint64_t par, daif;
    /* No interrupt between the translation and reading its result. */
    __asm__ volatile("mrs %0, daif\n msr daifset, #2" : "=r"(daif));
    if (write)
        __asm__ volatile("at s1e1w, %0" ::"r"(va));
    else
        __asm__ volatile("at s1e1r, %0" ::"r"(va));
    __asm__ volatile("isb\n mrs %0, par_el1" : "=r"(par));
    __asm__ volatile("msr daif, %0" ::"r"(daif));
    return !(par & 1);
}

int uaccess_ok(const void *p, size_t len, int write)
{
    uintptr_t a = (uintptr_t)p;
    if (!len)
        return 1;
    if (!a || a + len < a)
        return 0;
    for (uintptr_t pg = a & ~(uintptr_t)4095; pg < a + len; pg += 4096)
        if (!page_ok(pg, write))
            return 0;
    return 1;
}
