/*
 * What a platform provides to the guest OS: a console, a halt, a wall clock.
 * platforms/duet implements them with hypercalls, platforms/qemu-virt with
 * the PL011 UART and semihosting. Apps never call these directly.
 */
#ifndef DUET_PLATFORM_H
#define DUET_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* Called once, MMU on, before anything else below. */
void platform_init(const void *fdt);

/* Writes all of buf; safe to call from a crash handler. */
void platform_console_write(const char *buf, size_t len);

/* Stops the guest; status 0..111 is the app's, 112 a crash (DUET_STATUS_CRASH). */
_Noreturn void platform_halt(int status);

/* Hands the boot milestones (virtual counter values) to whoever asked. */
void platform_boot_times(uint64_t entry_count, uint64_t main_count);

struct exc_frame;
/* A chance to handle an exception the platform itself caused; 1 if handled. */
int platform_exception(struct exc_frame *f);

/* Hands the crashing context to the host (debugger, core dump), if it wants it. */
void platform_crash_frame(const struct exc_frame *f);

/* Nanoseconds since the Unix epoch at the moment of the call, or 0 if unknown. */
uint64_t platform_walltime_ns(void);

#endif
