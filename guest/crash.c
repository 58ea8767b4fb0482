/*
 * Crash reports: what went wrong, decoded from ESR_EL1, with the registers
 * and a frame-pointer backtrace, printed straight to the platform console
 * (stdio may be the thing that broke), then halt with the crash status.
 */
#include <stdio.h>
#include <string.h>
#include "duet/exceptions.h"
#include "duet/hypercall.h"
#include "duet/layout.h"
#include "duet/platform.h"
#include "sched/scheduler.h"

void (*exception_irq_handler)(struct exc_frame *f);

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
    static char line[160];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        platform_console_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static const char *ec_name(unsigned ec)
{
    switch (ec) {
    case 0x00: return "undefined instruction";
    case 0x01: return "WFI/WFE trapped";
    case 0x07: return "FP/SIMD access trapped";
    case 0x0e: return "illegal execution state";
    case 0x15: return "SVC";
    case 0x18: return "system register access trapped";
    case 0x20: return "instruction abort from a lower EL";
    case 0x21: return "instruction abort";
    case 0x22: return "misaligned PC";
    case 0x24: return "data abort from a lower EL";
    case 0x25: return "data abort";
    case 0x26: return "misaligned SP";
    case 0x2c: return "floating-point exception";
    case 0x2f: return "SError";
    case 0x3c: return "BRK instruction";
    default: return "unknown exception class";
    }
}

/* A plain-words explanation of the common faults, or NULL. */
static const char *diagnose(const struct exc_frame *f)
{
    unsigned ec = (unsigned)(f->esr >> 26) & 0x3f;
    unsigned dfsc = (unsigned)f->esr & 0x3f;
    int is_write = (f->esr >> 6) & 1;
    int perm = (dfsc & 0x3c) == 0x0c;      /* permission fault, any level */
    if (ec == 0x25 || ec == 0x21) {
        if (in_guard_page(f->far))
            return "stack overflow (hit the guard page below the stack)";
        const struct duet_thread *t = sched_guard_owner(f->far);
        if (t) {
            static char why[80];
            snprintf(why, sizeof why, "stack overflow of thread '%s' (hit its guard page)",
                     t->name);
            return why;
        }
        if (f->far < 4096)
            return "NULL pointer dereference";
        if (ec == 0x21 && perm)
            return "executing memory that is not executable (W^X)";
        if (ec == 0x25 && perm && is_write)
            return "write to read-only memory (W^X)";
        if ((dfsc & 0x3c) == 0x04)
            return "access to unmapped memory";
        if (dfsc == 0x21)
            return "misaligned access";
    }
    if (ec == 0x00)
        return "undefined instruction";
    if (ec == 0x26)
        return "misaligned stack pointer";
    if (ec == 0x3c && (f->esr & 0xffff) == 0x3e8)
        return "assertion or abort";
    return NULL;
}

static void backtrace(uint64_t fp, uint64_t pc)
{
    out("backtrace:\n  #0 0x%016llx\n", (unsigned long long)pc);
    for (int depth = 1; depth < 32 && fp; depth++) {
        /* Follow frame records only inside our own image's RAM, 16-aligned. */
        if ((fp & 15) || fp < (uintptr_t)__image_start || fp + 16 > guest_ram_end ||
            in_guard_page(fp) || sched_guard_owner(fp))
            break;
        const uint64_t *rec = (const uint64_t *)(uintptr_t)fp;
        if (!rec[1])
            break;
        out("  #%d 0x%016llx\n", depth, (unsigned long long)rec[1]);
        if (rec[0] <= fp)
            break; /* frames grow upwards as we walk: anything else is corrupt */
        fp = rec[0];
    }
}

_Static_assert(sizeof(struct exc_frame) == sizeof(struct duet_crash_frame) &&
               __builtin_offsetof(struct exc_frame, elr) ==
               __builtin_offsetof(struct duet_crash_frame, elr), "exc_frame is the ABI's crash frame");

_Noreturn void crash(const char *why, const struct exc_frame *f)
{
    if (f)
        platform_crash_frame(f);
    fflush(stdout);
    out("\n*** Duet guest crash: %s\n", why);
    const struct duet_thread *self = sched_self();
    out("thread: '%s' (id %u, %u running)\n", self->name, self->id, sched_thread_count());
    if (f) {
        unsigned ec = (unsigned)(f->esr >> 26) & 0x3f;
        const char *d = diagnose(f);
        out("exception: %s (EC 0x%02x)%s%s\n", ec_name(ec), ec, d ? ": " : "", d ? d : "");
        out("pc  0x%016llx  far 0x%016llx  esr 0x%08llx  spsr 0x%08llx\n",
            (unsigned long long)f->elr, (unsigned long long)f->far,
            (unsigned long long)f->esr, (unsigned long long)f->spsr);
        for (int i = 0; i < 31; i += 2) {
            if (i == 30)
                out("x30 0x%016llx  sp  0x%016llx\n", (unsigned long long)f->x[30],
                    (unsigned long long)f->sp);
            else
                out("x%-2d 0x%016llx  x%-2d 0x%016llx\n", i, (unsigned long long)f->x[i],
                    i + 1, (unsigned long long)f->x[i + 1]);
        }
        backtrace(f->x[29], f->elr);
    } else {
        uint64_t fp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
        backtrace(fp, (uint64_t)(uintptr_t)__builtin_return_address(0));
    }
    platform_halt(DUET_STATUS_CRASH);
}

void exception_entry(unsigned kind, struct exc_frame *f)
{
    unsigned type = kind & 3, source = kind >> 2;
    if (type == EXC_IRQ && source <= 1 && exception_irq_handler) {
        exception_irq_handler(f);
        return;
    }
    if (type == EXC_SYNC && platform_exception(f))
        return;
    static const char *const types[] = { "synchronous exception", "unexpected IRQ",
                                         "unexpected FIQ", "SError" };
    if (source == 1 && type == EXC_SYNC)
        crash("synchronous exception inside an exception handler", f);
    crash(types[type], f);
}
