/*
 * A hostile guest: each mode breaks the hypercall ABI in one way, bypassing
 * the guest OS's drivers. The host must stop it cleanly with a message and
 * status 112, or (storm, console flood) serve it and stay bounded; never
 * crash, hang or touch memory outside the guest's RAM.
 *
 *   hostile MODE      see the table at the bottom (net-* modes: net.c)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "duet/hypercall.h"
#include "duet/irq.h"
#include "duet/kvm_irq.h"
#include "duet/memmap.h"
#include "hostile.h"

static struct duet_hc_console_write cw;

static void console(uint64_t data, uint64_t len)
{
    cw.data = data;
    cw.len = len;
    store64(DUET_HC_ADDR(DUET_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)&cw);
}


static int ptr_outside(void) { console(0x1000, 16); return 0; }
static int ptr_null_struct(void) { store64(DUET_HC_ADDR(DUET_HC_CONSOLE_WRITE), 0); return 0; }
static int len_wraps(void) { console(DUET_RAM_BASE + 0x200000, ~0ULL - 0xff); return 0; }
static int len_crosses_end(void) { console(guest_ram_end - 16, 4096); return 0; }
static int unknown_nr(void) { store64(DUET_HC_ADDR(30), (uint64_t)(uintptr_t)&cw); return 0; } /* unassigned */
static int nr_past_window(void) { store64(DUET_HC_BASE + DUET_HC_SIZE - 8, 0); return 0; }

static int byte_store(void)
{
    __asm__ volatile("strb %w0, [%1]" :: "r"(1), "r"(DUET_HC_ADDR(DUET_HC_HALT)) : "memory");
    return 0;
}

static int word_store(void)
{
    __asm__ volatile("str %w0, [%1]" :: "r"(1), "r"(DUET_HC_ADDR(DUET_HC_HALT)) : "memory");
    return 0;
}

static int odd_offset(void)
{
    __asm__ volatile("strb %w0, [%1]" :: "r"(1), "r"(DUET_HC_BASE + 9) : "memory");
    return 0;
}

static void ignore_irq(unsigned intid, void *ctx)
{
    (void)intid; (void)ctx;
}

static int gic_scribble(void)
{
    /* The in-kernel vGIC must take any junk without the host noticing. A
     * handler first: an image that takes interrupts is one with a vGIC. */
    irq_register(DUET_IRQ_TEST, ignore_irq, NULL);
    /* Plain stores (asm): KVM cannot emulate writeback addressing on MMIO. */
    for (uint64_t off = 0x80; off < 0x1000; off += 4)
        __asm__ volatile("str %w0, [%1]" :: "r"(0xffffffffu), "r"(DUET_GICD_BASE + off) : "memory");
    __asm__ volatile("str wzr, [%0]" :: "r"(DUET_GICD_BASE) : "memory"); /* GICD_CTLR off */
    __asm__ volatile("str %w0, [%1]" :: "r"(0xffffffffu), "r"(DUET_GICR_BASE + 0x14) : "memory");
    return 0;
}

static int pair_store(void)
{
    /* stp cannot be decoded by KVM (no ISV): KVM_RUN fails with ENOSYS. */
    __asm__ volatile("stp %0, %0, [%1]" :: "r"(0ULL), "r"(DUET_HC_ADDR(DUET_HC_HALT)) : "memory");
    return 0;
}

static int window_read(void)
{
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)DUET_HC_ADDR(DUET_HC_WALLTIME);
    return (int)*p;
}

static int halt_status_out_of_range(void)
{
    static struct duet_hc_halt h = { .status = 200 };
    store64(DUET_HC_ADDR(DUET_HC_HALT), (uint64_t)(uintptr_t)&h);
    return 0;
}

static int stray_mmio(void)
{
    /* A redistributor frame for a vCPU that does not exist: no device there. */
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)(DUET_GICR_BASE + 5 * DUET_GICR_STRIDE);
    return (int)*p;
}

static int storm_n = 20000;

static int storm(void)
{
    static struct duet_hc_walltime w;
    for (int i = 0; i < storm_n; i++)
        store64(DUET_HC_ADDR(DUET_HC_WALLTIME), (uint64_t)(uintptr_t)&w);
    printf("storm survived, walltime %llu\n", (unsigned long long)w.nsecs);
    return 0;
}

static int console_flood(void)
{
    static char buf[65536];
    memset(buf, 'x', sizeof buf);
    for (int i = 0; i < 1024; i++)  /* 64 MiB: beyond the host's console bound */
        console((uint64_t)(uintptr_t)buf, sizeof buf);
    /* The console is closed to us now: report by exit status. */
    exit(cw.ret == DUET_ENOSPC ? 0 : 1);
}

static const struct { const char *name; int (*fn)(void); } modes[] = {
    { "ptr-outside", ptr_outside },
    { "ptr-null-struct", ptr_null_struct },
    { "len-wraps", len_wraps },
    { "len-crosses-end", len_crosses_end },
    { "unknown-nr", unknown_nr },
    { "nr-past-window", nr_past_window },
    { "byte-store", byte_store },
    { "word-store", word_store },
    { "pair-store", pair_store },
    { "odd-offset", odd_offset },
    { "gic-scribble", gic_scribble },
    { "window-read", window_read },
    { "halt-out-of-range", halt_status_out_of_range },
    { "stray-mmio", stray_mmio },
    { "storm", storm },
    { "console-flood", console_flood },
    { "net-old-hypercall", net_old_hypercall },     /* the retired per-frame send */
    { "virtio-unoffered", virtio_unoffered },       /* these want --net:net0=TAP */
    { "virtio-notify-early", virtio_notify_early },
    { "virtio-bad-lengths", virtio_bad_lengths },
    { "virtio-desc-outside", virtio_desc_outside },
    { "virtio-avail-jump", virtio_avail_jump },
    { "virtio-queue-size", virtio_queue_size },
    { "virtio-rings-outside", virtio_rings_outside },
    { "virtio-chain-loop", virtio_chain_loop },     /* with --net-backend=thread */
};

int main(int argc, char **argv)
{
    if (argc > 2)
        storm_n = atoi(argv[2]); /* storm N: a longer run, for memory measurements */
    for (size_t i = 0; argc > 1 && i < sizeof modes / sizeof modes[0]; i++) {
        if (!strcmp(argv[1], modes[i].name)) {
            int r = modes[i].fn();
            printf("hostile %s: still running (%d)\n", argv[1], r);
            return 0;
        }
    }
    fprintf(stderr, "usage: hostile MODE\n");
    return 3;
}
