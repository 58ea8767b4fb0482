/* select(2): picolibc's fd_set sized for the guest's whole fd table
 * (VFS_FD_MAX), over poll() (guest/posix/select.c). */
#ifndef DUET_SYS_SELECT_H
#define DUET_SYS_SELECT_H

#ifndef FD_SETSIZE
#define FD_SETSIZE 256
#endif
#include_next <sys/select.h>

#endif
