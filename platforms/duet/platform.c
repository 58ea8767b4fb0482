/* The duet platform: the console, halt and wall clock are Duet hypercalls. */
#include "duet/layout.h"
#include "duet/platform.h"
#include "hypercall.h"

void platform_init(const void *fdt)
{
    (void)fdt; /* the window is at DUET_HC_BASE by ABI; the DT node documents it */
}

void platform_console_write(const char *buf, size_t len)
{
    struct duet_hc_console_write a = { .data = (uint64_t)(uintptr_t)buf, .len = len };
    duet_hypercall(DUET_HC_CONSOLE_WRITE, &a);
}

_Noreturn void platform_halt(int status)
{
    struct duet_hc_halt a = { .status = status };
    for (;;)
        duet_hypercall(DUET_HC_HALT, &a); /* the host never resumes us after this */
}

void platform_crash_frame(const struct exc_frame *f)
{
    /* struct exc_frame is struct duet_crash_frame (crash.c checks the layout). */
    duet_hypercall(DUET_HC_CRASH_FRAME, (void *)(uintptr_t)f);
}

uint64_t platform_walltime_ns(void)
{
    struct duet_hc_walltime a = { 0 };
    duet_hypercall(DUET_HC_WALLTIME, &a);
    return a.nsecs;
}

void platform_boot_times(uint64_t entry_count, uint64_t main_count)
{
    struct duet_hc_boot_times a = { .entry_count = entry_count, .main_count = main_count,
                                    .table_pages = mmu_table_pages() };
    duet_hypercall(DUET_HC_BOOT_TIMES, &a);
}

int platform_exception(struct exc_frame *f)
{
    (void)f;
    return 0;
}
