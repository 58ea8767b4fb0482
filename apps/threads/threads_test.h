/* The parts of the threads app (one file per subject). */
#ifndef THREADS_TEST_H
#define THREADS_TEST_H

#include <stdint.h>
#include <time.h>

extern int failures;
void report(const char *name, int ok);
uint64_t now_ns(clockid_t clock);

void test_lifecycle(void);
void test_mutexes(void);
void test_conds(void);
void test_rwlock_sem_barrier(void);
void test_keys_tls(void);
void bench(void);

#endif
