/*
 * Is [p, p+len) memory a call may read (or write)? Asked of the MMU itself
 * (AT S1E1R/W), page by page, so a bad pointer from a program is EFAULT, as
 * on Linux, instead of a crash: unmapped pages, guard pages, read-only code.
 */
#ifndef DUET_UACCESS_H
#define DUET_UACCESS_H

#include <stddef.h>

int uaccess_ok(const void *p, size_t len, int write);

#endif
