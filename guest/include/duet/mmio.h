/*
 * Device register access for the guest. In asm on purpose: KVM (even for
 * its in-kernel vGIC) can only emulate accesses it can decode (ESR.ISV=1),
 * so no writeback or pair addressing, which the compiler picks for loops.
 */
#ifndef DUET_MMIO_H
#define DUET_MMIO_H

#include <stdint.h>

static inline uint32_t mmio_read32(uintptr_t a)
{
    uint32_t v;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return v;
}

static inline uint8_t mmio_read8(uintptr_t a)
{
    uint32_t v;
    __asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return (uint8_t)v;
}

static inline void mmio_write8(uintptr_t a, uint8_t v)
{
    __asm__ volatile("strb %w0, [%1]" :: "r"(v), "r"(a) : "memory");
}

static inline void mmio_write32(uintptr_t a, uint32_t v)
{
    __asm__ volatile("str %w0, [%1]" :: "r"(v), "r"(a) : "memory");
}

static inline void mmio_write64(uintptr_t a, uint64_t v)
{
    __asm__ volatile("str %0, [%1]" :: "r"(v), "r"(a) : "memory");
}

#endif
