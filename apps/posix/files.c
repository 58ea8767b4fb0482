/* Files: create, read back through fds and stdio, sparse writes, seek,
 * truncate, dup, fcntl, unlink while open, rename over a file. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

static void test_stdio(void)
{
    FILE *f = fopen("/tmp/stdio.txt", "w");
    CHECK("fopen w", f != NULL);
    if (!f)
        return;
    fprintf(f, "line %d\n", 1);
    fputs("line 2\n", f);
    CHECK("fclose", fclose(f) == 0);
    char buf[64] = "";
    f = fopen("/tmp/stdio.txt", "r");
    CHECK("fopen r", f != NULL);
    if (!f)
        return;
    CHECK("fgets 1", fgets(buf, sizeof buf, f) && !strcmp(buf, "line 1\n"));
    CHECK("fgets 2", fgets(buf, sizeof buf, f) && !strcmp(buf, "line 2\n"));
    CHECK("fgets eof", !fgets(buf, sizeof buf, f) && feof(f));
    CHECK("fseek+ftell", fseek(f, 0, SEEK_END) == 0 && ftell(f) == 14);
    fclose(f);
    f = fopen("/tmp/stdio.txt", "a");
    fputs("line 3\n", f);
    fclose(f);
    struct stat st;
    CHECK("append mode", stat("/tmp/stdio.txt", &st) == 0 && st.st_size == 21);
    CHECK("fopen missing -> ENOENT", !fopen("/tmp/none", "r") && errno == ENOENT);
}

void test_files(void)
{
    int fd = open("/tmp/a.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("open O_CREAT", fd >= 3);
    CHECK("write", write(fd, "hello world", 11) == 11);
    char buf[32] = "";
    CHECK("pread", pread(fd, buf, 5, 6) == 5 && !memcmp(buf, "world", 5));
    CHECK("lseek SET", lseek(fd, 0, SEEK_SET) == 0);
    CHECK("read", read(fd, buf, sizeof buf) == 11 && !memcmp(buf, "hello world", 11));
    CHECK("read at eof", read(fd, buf, sizeof buf) == 0);
    CHECK("O_EXCL on existing -> EEXIST",
          open("/tmp/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 && errno == EEXIST);

    /* A hole: 1 MiB past the end, zeros in between, few blocks used. */
    CHECK("pwrite far", pwrite(fd, "X", 1, 1 << 20) == 1);
    struct stat st;
    CHECK("fstat size", fstat(fd, &st) == 0 && st.st_size == (1 << 20) + 1 && S_ISREG(st.st_mode));
    CHECK("sparse: holes take no blocks", st.st_blocks <= 16);
    CHECK("hole reads zeros", pread(fd, buf, 4, 4096) == 4 && !memcmp(buf, "\0\0\0\0", 4));
    CHECK("ftruncate shrink", ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
    CHECK("ftruncate grow zero-fills", ftruncate(fd, 8) == 0 &&
          pread(fd, buf, 8, 0) == 8 && !memcmp(buf, "hello\0\0\0", 8));
    CHECK("lseek END", lseek(fd, -3, SEEK_END) == 5);
    CHECK("lseek before 0 -> EINVAL", lseek(fd, -100, SEEK_SET) == -1 && errno == EINVAL);

    int d = dup(fd);
    CHECK("dup shares the position", d > fd && lseek(d, 0, SEEK_CUR) == 5);
    CHECK("dup2", dup2(fd, 20) == 20 && fcntl(20, F_GETFD) == 0);
    CHECK("F_SETFD/F_GETFD", fcntl(20, F_SETFD, FD_CLOEXEC) == 0 && fcntl(20, F_GETFD) == FD_CLOEXEC);
    CHECK("F_GETFL", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    CHECK("F_SETFL O_APPEND", fcntl(fd, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND));
    struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    CHECK("F_SETLK (no-op lock)", fcntl(fd, F_SETLK, &lk) == 0);
    CHECK("fsync", fsync(fd) == 0 && fdatasync(fd) == 0);
    close(d);
    close(20);

    /* Unlinked while open: the data lives until the last close. */
    CHECK("unlink open file", unlink("/tmp/a.txt") == 0);
    CHECK("stat after unlink -> ENOENT", stat("/tmp/a.txt", &st) == -1 && errno == ENOENT);
    CHECK("read after unlink", pread(fd, buf, 5, 0) == 5 && !memcmp(buf, "hello", 5));
    CHECK("close", close(fd) == 0);
    CHECK("close twice -> EBADF", close(fd) == -1 && errno == EBADF);
    CHECK("read bad fd -> EBADF", read(99, buf, 1) == -1 && errno == EBADF);

    int r = open("/tmp/r.txt", O_WRONLY | O_CREAT, 0600);
    CHECK("read on O_WRONLY -> EBADF", read(r, buf, 1) == -1 && errno == EBADF);
    close(r);
    r = open("/tmp/r.txt", O_RDONLY);
    CHECK("write on O_RDONLY -> EBADF", write(r, "x", 1) == -1 && errno == EBADF);
    close(r);
    int b = creat("/tmp/b.txt", 0644);
    write(b, "new", 3);
    close(b);
    CHECK("rename over existing", rename("/tmp/b.txt", "/tmp/r.txt") == 0 &&
          stat("/tmp/b.txt", &st) == -1 && stat("/tmp/r.txt", &st) == 0 && st.st_size == 3);
    CHECK("rename missing -> ENOENT", rename("/tmp/nope", "/tmp/x") == -1 && errno == ENOENT);
    CHECK("access F_OK", access("/tmp/r.txt", F_OK) == 0);
    CHECK("access missing", access("/tmp/none", R_OK) == -1 && errno == ENOENT);
    CHECK("truncate by path", truncate("/tmp/r.txt", 1) == 0 && stat("/tmp/r.txt", &st) == 0 &&
          st.st_size == 1);
    CHECK("open a dir for writing -> EISDIR", open("/tmp", O_WRONLY) == -1 && errno == EISDIR);
    CHECK("path through a file -> ENOTDIR", open("/tmp/r.txt/x", O_RDONLY) == -1 && errno == ENOTDIR);
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CHECK("name > 255 -> ENAMETOOLONG", open(longname, O_CREAT | O_WRONLY, 0644) == -1 &&
          errno == ENAMETOOLONG);
    CHECK("isatty(1)", isatty(1) == 1);
    CHECK("isatty(file) -> ENOTTY", (r = open("/tmp/r.txt", O_RDONLY)) >= 0 && !isatty(r) &&
          errno == ENOTTY);
    close(r);
    test_stdio();
}
