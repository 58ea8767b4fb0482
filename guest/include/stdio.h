/* picolibc's <stdio.h>, plus what POSIX programs expect of it and picolibc
 * leaves out. No include guard of our own: include_next does the work. */
#include_next <stdio.h>

#ifndef FILENAME_MAX
#define FILENAME_MAX 4096  /* VFS_PATH_MAX: the longest path the guest takes */
#endif
#ifndef P_tmpdir
#define P_tmpdir "/tmp"
#endif
