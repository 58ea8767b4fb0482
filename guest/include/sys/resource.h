/* picolibc's <sys/resource.h> has getrusage; programs also expect the
 * rlimit calls (guest/posix/process.c: nothing is limited, all accepted). */
#ifndef DUET_SYS_RESOURCE_H
#define DUET_SYS_RESOURCE_H
#include_next <sys/resource.h>

typedef unsigned long rlim_t;
struct rlimit {
    rlim_t rlim_cur;
    rlim_t rlim_max;
};
#define RLIM_INFINITY (~(rlim_t)0)
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NOFILE 7
#define RLIMIT_AS 9

int getrlimit(int resource, struct rlimit *rlim);
int setrlimit(int resource, const struct rlimit *rlim);
#endif
