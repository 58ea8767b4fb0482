/*
 * The OS glue picolibc links against: exit, the heap, abort. Files and the
 * rest of POSIX are in guest/fs/ and guest/posix/.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>
#include "duet/exceptions.h"
#include "duet/guest.h"
#include "duet/layout.h"
#include "duet/platform.h"

static uintptr_t heap_cur = (uintptr_t)__heap_start, heap_end = (uintptr_t)__heap_start;

void heap_init(uint64_t end)
{
    heap_end = (uintptr_t)end;
}

void *sbrk(ptrdiff_t incr)
{
    uintptr_t old = heap_cur;
    if (incr < 0 ? (uintptr_t)-incr > old - (uintptr_t)__heap_start
                 : (uintptr_t)incr > heap_end - old) {
        errno = ENOMEM; /* malloc then returns NULL: exhaustion is not a crash */
        return (void *)-1;
    }
    heap_cur += incr;
    return (void *)old;
}

_Noreturn void _exit(int status)
{
    console_flush_all();
    platform_halt(status);
}

int getpid(void) { return 1; }

int kill(int pid, int sig)
{
    if (pid == 1 && sig == SIGABRT)
        crash("abort() called", NULL);
    if (pid == 1 && sig)
        crash("killed by a signal", NULL);
    errno = ESRCH;
    return -1;
}
