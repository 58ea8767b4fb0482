/* The large-rootfs case (tools/duetbuild/testrun.py makes the app folder in
 * build/ with a 52 MiB rootfs): without arguments it prints like hello and
 * touches no file, so its boot must cost what hello's does; "touch" reads
 * the marker at the end of the big file and lists /data. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "touch")) {
        printf("Hello from Duet (big rootfs)\n");
        return 0;
    }
    char buf[16] = { 0 };
    int fd = open("/data/blob", O_RDONLY);
    off_t end = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
    if (fd < 0 || end < 8 || pread(fd, buf, 8, end - 8) != 8)
        return 1;
    printf("blob: %lld bytes, ends with %s\n", (long long)end, buf);
    DIR *d = opendir("/data");
    struct dirent *e;
    while (d && (e = readdir(d)))
        printf("ls /data: %s\n", e->d_name);
    return 0;
}
