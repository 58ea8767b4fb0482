/*
 * port_switch(from, to): saves what AAPCS64 says a callee keeps (x19-x30,
 * sp, d8-d15, FPCR/FPSR) plus TPIDR_EL0 (the thread's TLS, hence its errno)
 * into from[], loads to[] and returns into the other thread. The layout is
 * struct duet_thread.ctx (SCHED_CTX_WORDS = 24 words).
 */
    .section .text.port_switch, "ax"
    .global port_switch
port_switch:
    stp     x19, x20, [x0, #0]
    stp     x21, x22, [x0, #16]
    stp     x23, x24, [x0, #32]
    stp     x25, x26, [x0, #48]
    stp     x27, x28, [x0, #64]
    stp     x29, x30, [x0, #80]
    mov     x2, sp
    mrs     x3, tpidr_el0
    stp     x2, x3, [x0, #96]
    stp     d8, d9, [x0, #112]
    stp     d10, d11, [x0, #128]
    stp     d12, d13, [x0, #144]
    stp     d14, d15, [x0, #160]
    mrs     x2, fpcr
    mrs     x3, fpsr
    stp     x2, x3, [x0, #176]

    ldp     x19, x20, [x1, #0]
    ldp     x21, x22, [x1, #16]
    ldp     x23, x24, [x1, #32]
    ldp     x25, x26, [x1, #48]
    ldp     x27, x28, [x1, #64]
    ldp     x29, x30, [x1, #80]
    ldp     x2, x3, [x1, #96]
    mov     sp, x2
    msr     tpidr_el0, x3
    ldp     d8, d9, [x1, #112]
    ldp     d10, d11, [x1, #128]
    ldp     d12, d13, [x1, #144]
    ldp     d14, d15, [x1, #160]
    ldp     x2, x3, [x1, #176]
    msr     fpcr, x2
    msr     fpsr, x3
    ret

/* A new thread's first return lands here: x19 holds its TLS block. */
    .section .text.port_thread_start, "ax"
    .global port_thread_start
port_thread_start:
    mov     x0, x19
    bl      _set_tls
    mov     x29, xzr                /* ends backtraces */
    bl      sched_thread_main       /* never returns */
1:  wfi
    b       1b

/*
 * mmu_replace_entry(slot, desc): break-before-make of one live translation
 * entry (a 2 MiB block becoming a table of pages): invalid, TLBs flushed,
 * then the new entry. Touches no memory but the slot in between, so it may
 * run on a stack inside the very block it splits. IRQs masked by the caller.
 */
    .section .text.mmu_replace_entry, "ax"
    .global mmu_replace_entry
mmu_replace_entry:
    str     xzr, [x0]
    dsb     ish
    tlbi    vmalle1is
    dsb     ish
    isb
    str     x1, [x0]
    dsb     ish
    isb
    ret
