/*
 * The EL1 vector table. Every entry saves a full frame (struct exc_frame in
 * exceptions.h) on the exception stack (SP_EL1) and calls
 * exception_entry(kind, frame); if that returns (an interrupt was served),
 * the frame is restored and the guest resumes where it was.
 * kind = 4 * source + type; source 0: EL1 on SP_EL0 (normal code),
 * 1: EL1 on SP_EL1 (inside a handler), 2/3: lower EL; type 0 sync, 1 IRQ,
 * 2 FIQ, 3 SError.
 */
#define FRAME_SIZE 288   /* x0-x30, sp, elr, spsr, esr, far: 36 * 8 */

.macro ventry kind
    .balign 128
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x0, #\kind
    b       exception_save
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .global duet_vectors
duet_vectors:
    ventry 0
    ventry 1
    ventry 2
    ventry 3
    ventry 4
    ventry 5
    ventry 6
    ventry 7
    ventry 8
    ventry 9
    ventry 10
    ventry 11
    ventry 12
    ventry 13
    ventry 14
    ventry 15

exception_save:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    /* The interrupted SP: SP_EL0 for normal code, else this stack before the frame. */
    mrs     x1, sp_el0
    add     x2, sp, #FRAME_SIZE
    cmp     x0, #4
    csel    x1, x1, x2, lo
    stp     x30, x1, [sp, #240]
    mrs     x1, elr_el1
    mrs     x2, spsr_el1
    stp     x1, x2, [sp, #256]
    mrs     x1, esr_el1
    mrs     x2, far_el1
    stp     x1, x2, [sp, #272]
    mov     x1, sp
    /* A frame record linking to the interrupted code, for backtraces. */
    stp     x29, x30, [sp, #-16]!
    mov     x29, sp
    bl      exception_entry
    add     sp, sp, #16

    ldp     x1, x2, [sp, #256]
    msr     elr_el1, x1
    msr     spsr_el1, x2
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    add     sp, sp, #FRAME_SIZE
    eret
