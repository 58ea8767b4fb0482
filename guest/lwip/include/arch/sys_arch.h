/*
 * lwIP's OS types for `uses: sockets` apps (NO_SYS=0): semaphores, mutexes,
 * mailboxes and threads are Duet's own (<semaphore.h>, <pthread.h>), see
 * guest/lwip/sys/sys_arch.c.
 */
#ifndef DUET_LWIP_SYS_ARCH_H
#define DUET_LWIP_SYS_ARCH_H

#include "duet/thread_types.h"

typedef struct { struct duet_sem sem; int valid; } sys_sem_t;
typedef struct { struct duet_mutex mutex; int valid; } sys_mutex_t;
typedef struct {
    void **slots;
    unsigned size, head, count;
    struct duet_sem items, space;   /* waiting for a message / for room */
    int valid;
} sys_mbox_t;
typedef struct duet_thread *sys_thread_t;

#define sys_sem_valid(s)         ((s)->valid)
#define sys_sem_set_invalid(s)   ((s)->valid = 0)
#define sys_mutex_valid(m)       ((m)->valid)
#define sys_mutex_set_invalid(m) ((m)->valid = 0)
#define sys_mbox_valid(b)        ((b)->valid)
#define sys_mbox_set_invalid(b)  ((b)->valid = 0)

#endif
