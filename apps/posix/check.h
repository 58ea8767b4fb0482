/* One line per check: "ok NAME" or "FAIL NAME (errno: ...)"; main() exits
 * with the number of failures. */
#ifndef POSIX_CHECK_H
#define POSIX_CHECK_H
#include <errno.h>
#include <stdio.h>
#include <string.h>

extern int failures;
#define CHECK(name, cond) do { \
        int e_ = errno; \
        if (cond) printf("ok %s\n", name); \
        else { failures++; printf("FAIL %s (line %d, errno %d %s)\n", name, __LINE__, e_, strerror(e_)); } \
    } while (0)

void test_files(void);
void test_dirs(void);
void test_misc(void);
void test_enospc(void);
#endif
