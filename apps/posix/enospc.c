/* Filling the RAM file system: writes end in ENOSPC, nothing crashes, and
 * removing the file gives the memory back. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"

void test_enospc(void)
{
    static char block[65536];
    memset(block, 'z', sizeof block);
    int fd = open("/big", O_WRONLY | O_CREAT, 0644);
    long total = 0;
    ssize_t n;
    while ((n = write(fd, block, sizeof block)) > 0)
        total += n;
    CHECK("fill: ENOSPC", n == -1 && errno == ENOSPC);
    printf("filled %ld KiB before ENOSPC\n", total >> 10);
    CHECK("filled some", total > 1 << 20);
    close(fd);
    CHECK("unlink the full file", unlink("/big") == 0);
    fd = open("/again", O_WRONLY | O_CREAT, 0644);
    long again = 0;
    while (again < total / 2 && (n = write(fd, block, sizeof block)) > 0)
        again += n;
    CHECK("space came back", again >= total / 2);
    close(fd);
}
