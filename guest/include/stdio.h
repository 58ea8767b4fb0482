/* picolibc's <stdio.h>, plus what POSIX programs expect of it and picolibc
 * leaves out. No include guard of our own: include_next does the work. */
#include_next <stdio.h>

#ifndef FILENAME_MAX
#define FILENAME_MAX 4096  /* VFS_PATH_MAX: the longest path the guest takes */
#endif
#ifndef P_tmpdir
#define P_tmpdir "/tmp"
#endif

/* POSIX 2008's printf to an fd (guest/posix/dprintf.c). */
#ifndef DUET_DPRINTF_DECLARED
#define DUET_DPRINTF_DECLARED
#include <stdarg.h>
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vdprintf(int fd, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
#endif
