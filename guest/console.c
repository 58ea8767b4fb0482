/*
 * stdin/stdout/stderr for picolibc's tinystdio, on the platform console.
 * Output is buffered per line: a console write is a VM exit, so one exit per
 * line instead of one per byte. stdout and stderr share the buffer, so their
 * output stays in the order it was written.
 */
#include <stdio.h>
#include "duet/platform.h"

static char buf[256];
static size_t used;

static int console_flush(FILE *f)
{
    (void)f;
    if (used) {
        platform_console_write(buf, used);
        used = 0;
    }
    return 0;
}

static int console_put(char c, FILE *f)
{
    buf[used++] = c;
    if (c == '\n' || used == sizeof buf)
        console_flush(f);
    return (unsigned char)c;
}

static int console_get(FILE *f)
{
    (void)f;
    return EOF; /* no console input yet */
}

static FILE console = FDEV_SETUP_STREAM(console_put, console_get, console_flush, _FDEV_SETUP_RW);

FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;

void console_flush_all(void)
{
    console_flush(&console);
}
