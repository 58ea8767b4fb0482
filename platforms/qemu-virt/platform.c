/*
 * The qemu-virt platform: QEMU's virt board run directly (no Duet host).
 * Console on the PL011 UART, wall clock from the PL031 RTC, halt through
 * semihosting so QEMU exits with the guest's status (run QEMU with
 * -semihosting-config enable=on,target=native).
 */
#include <stdint.h>
#include "duet/exceptions.h"
#include "duet/mmio.h"
#include "duet/platform.h"

#define PL011_BASE   0x09000000UL
#define PL011_DR     0x00
#define PL011_FR     0x18
#define PL011_FR_TXFF (1u << 5)
#define PL031_BASE   0x09010000UL  /* RTC: seconds since the epoch */

#define SEMIHOSTING_HLT               0xd45e0000u  /* hlt #0xf000 */
#define PSCI_SYSTEM_OFF               0x84000008u
#define SEMIHOSTING_SYS_EXIT          0x18
#define SEMIHOSTING_EXIT_APP_EXIT     0x20026

void platform_init(const void *fdt)
{
    (void)fdt;
}

void platform_console_write(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        while (mmio_read32(PL011_BASE + PL011_FR) & PL011_FR_TXFF)
            ;
        mmio_write32(PL011_BASE + PL011_DR, (uint8_t)buf[i]);
    }
}

static uint64_t semihost(uint64_t op, uint64_t arg)
{
    register uint64_t x0 __asm__("x0") = op;
    register uint64_t x1 __asm__("x1") = arg;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

void platform_crash_frame(const struct exc_frame *f)
{
    (void)f; /* no host to debug us on a bare board */
}

_Noreturn void platform_halt(int status)
{
    /* AArch64 SYS_EXIT takes a block: reason, then the exit status. */
    static uint64_t block[2];
    block[0] = SEMIHOSTING_EXIT_APP_EXIT;
    block[1] = (uint64_t)(uint32_t)status;
    for (;;)
        semihost(SEMIHOSTING_SYS_EXIT, (uint64_t)(uintptr_t)block);
}

uint64_t platform_walltime_ns(void)
{
    return (uint64_t)mmio_read32(PL031_BASE) * 1000000000ULL;
}

void platform_boot_times(uint64_t entry_count, uint64_t main_count)
{
    (void)entry_count; (void)main_count; /* no host to tell */
}

/*
 * Under KVM (qemu -accel kvm) semihosting does not exist: the HLT is an
 * undefined instruction. Power off through PSCI instead (the status is lost).
 */
int platform_exception(struct exc_frame *f)
{
    unsigned ec = (unsigned)(f->esr >> 26) & 0x3f;
    if (ec != 0 || *(const uint32_t *)(uintptr_t)f->elr != SEMIHOSTING_HLT)
        return 0;
    register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
    for (;;)
        __asm__ volatile("hvc #0" : "+r"(x0) :: "memory");
}
