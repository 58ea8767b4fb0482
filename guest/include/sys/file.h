/* flock(2): picolibc's <sys/file.h> has the LOCK_ names but not the call. */
#ifndef DUET_SYS_FILE_H
#define DUET_SYS_FILE_H
#include_next <sys/file.h>

int flock(int fd, int operation);
#endif
