/* The console behind fds 0-2: output to the platform's console, input at
 * end of file (no console input yet). */
#include <errno.h>
#include <string.h>
#include "duet/guest.h"
#include "duet/platform.h"
#include "duet/vfs.h"
static ssize_t console_read(struct file *f, void *buf, size_t len)
{
    (void)f; (void)buf; (void)len;
    return 0;  /* console input: end of file */
}

static ssize_t console_write(struct file *f, const void *buf, size_t len)
{
    (void)f;
    console_flush_all();
    platform_console_write(buf, len);
    return (ssize_t)len;
}

static int console_fstat(struct file *f, struct stat *st)
{
    (void)f;
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFCHR | 0620;
    return 0;
}

static int console_isatty(struct file *f) { (void)f; return 1; }

const struct file_ops console_file_ops = {
    .read = console_read, .write = console_write, .fstat = console_fstat,
    .isatty = console_isatty,
};

