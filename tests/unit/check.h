/*
 * A tiny unit-test harness for native host-side tests.
 * Each CHECK prints nothing on success; a test function reports one line,
 * "PASS name" or "FAIL name: where and why", which ./build.py test counts.
 */
#ifndef DUET_CHECK_H
#define DUET_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures_in_test;
static int check_tests_failed;

#define CHECK(cond) do { \
    if (!(cond)) { \
        if (!check_failures_in_test++) \
            printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
    } \
} while (0)

#define CHECK_EQ_U64(a, b) do { \
    unsigned long long check_a_ = (unsigned long long)(a); \
    unsigned long long check_b_ = (unsigned long long)(b); \
    if (check_a_ != check_b_) { \
        if (!check_failures_in_test++) \
            printf("  %s:%d: %s == 0x%llx, expected %s == 0x%llx\n", __FILE__, \
                   __LINE__, #a, check_a_, #b, check_b_); \
    } \
} while (0)

#define CHECK_STR(a, b) do { \
    const char *check_a_ = (a), *check_b_ = (b); \
    if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) { \
        if (!check_failures_in_test++) \
            printf("  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                   #a, check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)"); \
    } \
} while (0)

#define RUN_TEST(fn) do { \
    check_failures_in_test = 0; \
    fn(); \
    if (check_failures_in_test) { printf("FAIL %s\n", #fn); check_tests_failed++; } \
    else printf("PASS %s\n", #fn); \
} while (0)

#define CHECK_EXIT() (check_tests_failed ? 1 : 0)

#endif
