/*
 * apps/dirtest: a --dir share at /data. Modes:
 *   basic       write, read back, stat, mkdir, readdir, rename, unlink
 *   escape      what must be refused: symlinks out, a FIFO, a device node,
 *               a symlink loop, over-long names (the test makes them on the host)
 *   ro          a read-only share refuses every change
 *   fsync-crash writes /data/durable, fsyncs, then crashes
 *   raw         hypercalls with paths the guest's VFS would never send
 *   raw-badptr  a path outside guest RAM: the host stops the guest
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "duet/hypercall.h"
#include "../../platforms/duet/hypercall.h"

static int failures;
#define CHECK(name, cond) do { int e_ = errno; if (cond) printf("ok %s\n", name); else { \
    failures++; printf("FAIL %s (line %d, errno %d %s)\n", name, __LINE__, e_, strerror(e_)); } } while (0)

static void basic(void)
{
    int fd = open("/data/hello.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK("create in the share", fd >= 0);
    CHECK("write", write(fd, "from the guest\n", 15) == 15);
    char buf[64] = "";
    CHECK("pread back", pread(fd, buf, sizeof buf, 0) == 15 && !memcmp(buf, "from the guest\n", 15));
    CHECK("fsync", fsync(fd) == 0);
    struct stat st;
    CHECK("fstat", fstat(fd, &st) == 0 && st.st_size == 15 && S_ISREG(st.st_mode));
    close(fd);
    fd = open("/data/host.txt", O_RDONLY);
    CHECK("read a host file", fd >= 0 && read(fd, buf, sizeof buf) > 0 && !strncmp(buf, "from the host", 13));
    close(fd);
    CHECK("mkdir", mkdir("/data/sub", 0755) == 0 && stat("/data/sub", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK("rename", rename("/data/hello.txt", "/data/sub/moved.txt") == 0 &&
          access("/data/sub/moved.txt", F_OK) == 0 && access("/data/hello.txt", F_OK) == -1);
    DIR *d = opendir("/data");
    int n = 0, saw_host = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        n++;
        saw_host |= !strcmp(e->d_name, "host.txt");
    }
    if (d)
        closedir(d);
    CHECK("readdir", saw_host && n >= 2);
    CHECK("unlink", unlink("/data/sub/moved.txt") == 0);
    CHECK("rmdir", rmdir("/data/sub") == 0);
    CHECK("missing -> ENOENT", open("/data/nope", O_RDONLY) == -1 && errno == ENOENT);
    CHECK("rename across file systems -> EXDEV", rename("/data/host.txt", "/tmp/x") == -1 && errno == EXDEV);
    FILE *f = fopen("/data/stdio.txt", "w");
    CHECK("stdio", f && fprintf(f, "%d\n", 42) == 3 && fclose(f) == 0);
}

static void escape(void)
{
    char buf[8];
    CHECK("symlink out -> EACCES", open("/data/out", O_RDONLY) == -1 && errno == EACCES);
    CHECK("absolute symlink -> EACCES", open("/data/abs", O_RDONLY) == -1 && errno == EACCES);
    CHECK("through a symlinked dir out -> EACCES",
          open("/data/outdir/passwd", O_RDONLY) == -1 && errno == EACCES);
    CHECK("create through a symlink out -> EACCES",
          open("/data/outdir/new", O_CREAT | O_WRONLY, 0644) == -1 && errno == EACCES);
    CHECK("a FIFO -> EACCES", open("/data/fifo", O_RDONLY) == -1 && errno == EACCES);
    CHECK("a device node -> EACCES", open("/data/null", O_WRONLY) == -1 && errno == EACCES);
    CHECK("a symlink loop -> ELOOP", open("/data/loop", O_RDONLY) == -1 && errno == ELOOP);
    CHECK("a symlink inside is followed", open("/data/inside", O_RDONLY) >= 0);
    char name[300];
    memset(name, 'n', sizeof name);
    memcpy(name, "/data/", 6);
    name[sizeof name - 1] = '\0';
    CHECK("a 293-byte name -> ENAMETOOLONG", open(name, O_CREAT | O_WRONLY, 0644) == -1 &&
          errno == ENAMETOOLONG);
    CHECK("../ stays in the guest's /", open("/data/../etc/passwd", O_RDONLY) == -1 && errno == ENOENT);
    (void)buf;
}

static void ro(void)
{
    CHECK("ro: create -> EROFS", open("/data/new", O_CREAT | O_WRONLY, 0644) == -1 && errno == EROFS);
    CHECK("ro: write open -> EROFS", open("/data/host.txt", O_WRONLY) == -1 && errno == EROFS);
    CHECK("ro: mkdir -> EROFS", mkdir("/data/d", 0755) == -1 && errno == EROFS);
    CHECK("ro: unlink -> EROFS", unlink("/data/host.txt") == -1 && errno == EROFS);
    CHECK("ro: rename -> EROFS", rename("/data/host.txt", "/data/y") == -1 && errno == EROFS);
    CHECK("ro: read works", open("/data/host.txt", O_RDONLY) >= 0);
}

static int64_t raw_stat(const char *path, size_t len)
{
    struct duet_fs_stat st;
    struct duet_hc_fs a = { .op = DUET_FS_STAT, .path = (uintptr_t)path, .path_len = (uint32_t)len,
                            .buf = (uintptr_t)&st, .len = sizeof st };
    duet_hypercall(DUET_HC_FS, &a);
    return a.ret;
}

static void raw(void)
{
    CHECK("raw ..: EACCES", raw_stat("../etc", 6) == DUET_EACCES);
    CHECK("raw a/../..: EACCES", raw_stat("host.txt/../..", 14) == DUET_EACCES ||
          raw_stat("host.txt/../..", 14) == DUET_ENOTDIR);
    CHECK("raw absolute: EACCES", raw_stat("/etc/passwd", 11) == DUET_EACCES);
    CHECK("raw NUL inside: EINVAL", raw_stat("host.txt\0x", 10) == DUET_EINVAL);
    static char longp[5000];
    memset(longp, 'a', sizeof longp);
    CHECK("raw 5000-byte path: ENAMETOOLONG", raw_stat(longp, sizeof longp) == DUET_ENAMETOOLONG);
    struct duet_hc_fs a = { .op = DUET_FS_PREAD, .handle = 63, .len = 1 };
    char b;
    a.buf = (uintptr_t)&b;
    duet_hypercall(DUET_HC_FS, &a);
    CHECK("raw bad handle: EBADF", a.ret == DUET_EBADF);
    struct duet_hc_fs c = { .op = 99 };
    duet_hypercall(DUET_HC_FS, &c);
    CHECK("raw bad op: EINVAL", c.ret == DUET_EINVAL);
    struct duet_hc_fs s = { .op = DUET_FS_INFO, .share = 7 };
    duet_hypercall(DUET_HC_FS, &s);
    CHECK("raw bad share: ENODEV", s.ret == DUET_ENODEV);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "basic";
    if (!strcmp(mode, "basic")) basic();
    else if (!strcmp(mode, "escape")) escape();
    else if (!strcmp(mode, "ro")) ro();
    else if (!strcmp(mode, "raw")) raw();
    else if (!strcmp(mode, "raw-badptr")) {
        raw_stat((const char *)0x7000000000ULL, 8);
        printf("FAIL the host let a path outside RAM through\n");
        return 1;
    } else if (!strcmp(mode, "fsync-crash")) {
        int fd = open("/data/durable", O_CREAT | O_WRONLY | O_TRUNC, 0644);
        write(fd, "durable", 7);
        fsync(fd);
        *(volatile int *)0 = 1;  /* crash with the file still open */
    }
    printf("dirtest %s: %d failure(s)\n", mode, failures);
    return failures;
}
