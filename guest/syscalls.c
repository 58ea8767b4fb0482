/*
 * The OS glue picolibc links against: exit, the heap, abort, and the few
 * file calls a C program expects (only the console exists; the rest fail
 * with a proper errno instead of crashing).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
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

ssize_t write(int fd, const void *buf, size_t len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    console_flush_all();
    platform_console_write(buf, len);
    return (ssize_t)len;
}

ssize_t read(int fd, void *buf, size_t len)
{
    (void)buf; (void)len;
    if (fd == 0)
        return 0; /* console input: end of file */
    errno = EBADF;
    return -1;
}

int open(const char *path, int flags, ...)
{
    (void)path; (void)flags;
    errno = ENOENT; /* no file system */
    return -1;
}

int close(int fd)
{
    if (fd >= 0 && fd <= 2)
        return 0;
    errno = EBADF;
    return -1;
}

off_t lseek(int fd, off_t off, int whence)
{
    (void)fd; (void)off; (void)whence;
    errno = ESPIPE;
    return -1;
}

int fstat(int fd, struct stat *st)
{
    if (fd < 0 || fd > 2) {
        errno = EBADF;
        return -1;
    }
    st->st_mode = S_IFCHR;
    return 0;
}

int isatty(int fd) { return fd >= 0 && fd <= 2; }
