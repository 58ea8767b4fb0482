/*
 * The first instructions of a Duet guest, at EL1, MMU off.
 * The host (or QEMU) enters with x0 = device tree, and on Duet SP_EL1 = end
 * of RAM. Order matters: vectors first (a fault before them spins forever),
 * then stacks, FP/SIMD (C may use q registers), BSS, the MMU (with the MMU
 * off all memory is Device: unaligned accesses fault), and only then C.
 */
    .section .text.boot, "ax"
    .global _start
_start:
    mrs     x21, cntvct_el0         /* boot milestone: the first instruction */
    adr     x1, duet_vectors
    msr     vbar_el1, x1
    isb

    mov     x19, x0                 /* device tree */
    mov     x20, sp                 /* Duet: end of RAM (0 or junk elsewhere) */

    /* Exceptions use SP_EL1 on their own stack; everything else SP_EL0, so a
     * stack overflow still finds a good stack to report on. */
    ldr     x1, =__exc_stack_top
    mov     sp, x1
    msr     spsel, #0
    ldr     x1, =__stack_top
    mov     sp, x1

    mov     x1, #(3 << 20)          /* CPACR_EL1.FPEN: no FP/SIMD traps */
    msr     cpacr_el1, x1
    isb

#ifndef DUET_PLATFORM_DUET
    /* The Duet host hands over RAM zeroed (hypercall.h); elsewhere, clear BSS. */
    ldr     x1, =__bss_start        /* 16-aligned by the linker script */
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:
#endif
    mov     x0, x19
    mov     x1, x20
    bl      mmu_init                /* C with no libc calls, MMU still off */
    bl      mmu_enable

    mov     x0, x19
    mov     x1, x20
    mov     x2, x21
    mov     x29, xzr                /* ends frame-pointer backtraces */
    mov     x30, xzr
    bl      guest_start             /* never returns */
3:  wfi
    b       3b

/* Turns the MMU and caches on with the tables mmu_init() built. */
    .global mmu_enable
mmu_enable:
    ldr     x0, =mmu_mair
    ldr     x0, [x0]
    msr     mair_el1, x0
    ldr     x0, =mmu_tcr
    ldr     x0, [x0]
    msr     tcr_el1, x0
    ldr     x0, =mmu_ttbr0
    ldr     x0, [x0]
    msr     ttbr0_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x0, =mmu_sctlr
    ldr     x0, [x0]
    msr     sctlr_el1, x0
    isb
    ic      iallu
    dsb     nsh
    isb
    ret
