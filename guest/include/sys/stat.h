/* picolibc's <sys/stat.h> declares lstat only for a few systems; Duet has
 * it (guest/posix/paths.c: no symlinks, so it is stat). */
#ifndef DUET_SYS_STAT_H
#define DUET_SYS_STAT_H
#include_next <sys/stat.h>

int lstat(const char *__restrict path, struct stat *__restrict buf);
#endif
