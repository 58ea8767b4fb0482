/* POSIX unnamed semaphores for Duet guests (guest/sched/sem.c). */
#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H

#include <time.h>
#include "duet/thread_types.h"

typedef struct duet_sem sem_t;

#define SEM_VALUE_MAX 2147483647
#define SEM_FAILED    ((sem_t *)0)

int sem_init(sem_t *sem, int pshared, unsigned value);
int sem_destroy(sem_t *sem);
int sem_wait(sem_t *sem);
int sem_trywait(sem_t *sem);
int sem_timedwait(sem_t *sem, const struct timespec *abstime);
int sem_post(sem_t *sem);
int sem_getvalue(sem_t *sem, int *value);

#endif
