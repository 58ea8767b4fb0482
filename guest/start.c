/*
 * C entry of the guest (from boot.S, MMU on): TLS, the platform, RAM and the
 * heap from the device tree, time, the stack-protector canary, argv from
 * /chosen/bootargs, constructors, then main() and exit().
 */
#include <libfdt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "duet/exceptions.h"
#include "duet/guest.h"
#include "duet/irq.h"
#include "duet/hypercall.h"
#include "duet/layout.h"
#include "duet/memmap.h"
#include "duet/platform.h"
#include "duet/time.h"

#define MAX_ARGS 128

extern int main(int argc, char **argv);
extern void __libc_init_array(void);
extern void env_init(const void *fdt);  /* posix/env.c */
extern void _init_tls(void *tls);
extern void _set_tls(void *tls);
extern char __tls_size[], __tls_align[];
extern uintptr_t __stack_chk_guard;

const void *guest_fdt;
static char tls_block[512] __attribute__((aligned(64)));

/* Where the device tree is: x0, or (QEMU bare ELF boots pass 0) RAM's start. */
static const void *find_fdt(const void *x0)
{
    const void *cand[] = { x0, (const void *)(uintptr_t)DUET_RAM_BASE };
    for (unsigned i = 0; i < 2; i++)
        if (cand[i] && (uintptr_t)cand[i] >= DUET_RAM_BASE &&
            (uintptr_t)cand[i] < guest_ram_end && fdt_check_header(cand[i]) == 0)
            return cand[i];
    return NULL;
}

/* RAM's end from /memory, capped at what the MMU maps. */
static void memory_from_fdt(const void *fdt)
{
    int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", sizeof "memory");
    int len = 0;
    const fdt64_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
    if (reg && len >= 16) {
        uint64_t end = fdt64_to_cpu(reg[0]) + fdt64_to_cpu(reg[1]);
        if (end < guest_ram_end)
            guest_ram_end = end;
    }
    heap_init(guest_ram_end);
}

/* Not itself protected: it changes the canary its own epilogue would check. */
__attribute__((no_stack_protector)) static void canary_from_fdt(const void *fdt)
{
    int node = fdt_path_offset(fdt, "/chosen"), len = 0;
    const uint8_t *seed = node >= 0 ? fdt_getprop(fdt, node, "rng-seed", &len) : NULL;
    uintptr_t g = 0;
    if (seed && len >= (int)sizeof g)
        memcpy(&g, seed, sizeof g);
    else
        g = (uintptr_t)(counter_read() * 0x9e3779b97f4a7c15ULL); /* better than nothing */
    g &= ~(uintptr_t)0xff; /* a zero low byte stops string overflows at the canary */
    __stack_chk_guard = g;
}

/* Called by code built with -fstack-protector when a canary was overwritten. */
_Noreturn void __stack_chk_fail(void)
{
    crash("stack smashing detected (stack protector)", NULL);
}

static int args_from_fdt(const void *fdt, char **argv)
{
    int node = fdt_path_offset(fdt, "/chosen"), len = 0;
    const char *bootargs = node >= 0 ? fdt_getprop(fdt, node, "bootargs", &len) : NULL;
    argv[0] = "app";
    if (!bootargs || len <= 0 || bootargs[len - 1])
        return 1;
    int n = args_split(bootargs, MAX_ARGS - 2, argv + 1);
    if (n < 0)
        crash("out of memory splitting the arguments", NULL);
    return n + 1;
}

/* x0: the device tree (boot.S), ram_hint: unused here (mmu_init had it),
 * entry_count: the virtual counter at the first instruction. */
__attribute__((no_stack_protector)) _Noreturn void guest_start(const void *x0, uint64_t ram_hint,
                                                               uint64_t entry_count)
{
    if ((uintptr_t)__tls_size > sizeof tls_block || (uintptr_t)__tls_align > 64)
        crash("TLS block larger than the guest reserves", NULL);
    _init_tls(tls_block);
    _set_tls(tls_block);

    const void *fdt = find_fdt(x0);
    guest_fdt = fdt;
    platform_init(fdt);
    if (!fdt)
        crash("no device tree at x0 or at the start of RAM", NULL);
    memory_from_fdt(fdt);
    time_init();
    if (irq_init(fdt) == 0) {
        timer_init_lazy();
        irq_local_enable();
    }
    canary_from_fdt(fdt);

    static char *argv[MAX_ARGS];
    int argc = args_from_fdt(fdt, argv);
    argv[argc] = NULL;
    env_init(fdt);
    __libc_init_array();
    (void)ram_hint;
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen >= 0 && fdt_getprop(fdt, chosen, DUET_FDT_BOOT_TIMES, NULL))
        platform_boot_times(entry_count, counter_read());
    exit(main(argc, argv));
}
