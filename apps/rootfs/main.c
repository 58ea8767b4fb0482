/* apps/rootfs: the app's rootfs/ folder, read-only at / over the RAM file
 * system. Every line "ok NAME" or "FAIL NAME"; exits with the failures. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond) do { \
        int e_ = errno; \
        if (cond) printf("ok %s\n", name); \
        else { failures++; printf("FAIL %s (line %d, errno %d %s)\n", name, __LINE__, e_, strerror(e_)); } \
    } while (0)

static const char config[] = "name = duet\ncolor = blue\n";

static int pattern(unsigned i) { return (int)((i * 7 + i / 251) & 255); }

/* Is name listed in dir? */
static int listed(const char *dir, const char *name, unsigned char type)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;
    while (d && (e = readdir(d)))
        found += !strcmp(e->d_name, name) && e->d_type == type;
    if (d)
        closedir(d);
    return found;
}

static void reads(void)
{
    char buf[256] = { 0 };
    int fd = open("/etc/config", O_RDONLY);
    CHECK("open shipped file", fd >= 0);
    CHECK("read it whole", read(fd, buf, sizeof buf) == (ssize_t)strlen(config) && !strcmp(buf, config));
    CHECK("read at its end: 0", read(fd, buf, sizeof buf) == 0);
    CHECK("lseek SEEK_END", lseek(fd, 0, SEEK_END) == (off_t)strlen(config));
    close(fd);
    FILE *f = fopen("/etc/config", "r");
    CHECK("fopen + fgets", f && fgets(buf, sizeof buf, f) && !strcmp(buf, "name = duet\n"));
    if (f)
        fclose(f);
    struct stat st;
    CHECK("stat: size and mode kept", stat("/etc/config", &st) == 0 && S_ISREG(st.st_mode) &&
          st.st_size == (off_t)strlen(config) && (st.st_mode & 0777) == 0644);
    CHECK("stat: an executable's mode kept", stat("/bin/tool", &st) == 0 && (st.st_mode & 0777) == 0755);
    CHECK("stat: a directory", stat("/usr/share", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK("missing file: ENOENT", open("/etc/nothing", O_RDONLY) == -1 && errno == ENOENT);
    CHECK("a file is no directory: ENOTDIR", open("/etc/config/x", O_RDONLY) == -1 && errno == ENOTDIR);

    static unsigned char big[10000];
    fd = open("/usr/share/doc/pattern.bin", O_RDONLY);
    int same = fd >= 0 && read(fd, big, sizeof big) == (ssize_t)sizeof big;
    for (unsigned i = 0; same && i < sizeof big; i++)
        same = big[i] == pattern(i);
    CHECK("a file over three pages", same);
    unsigned char b[3];
    CHECK("pread across a page boundary", pread(fd, b, 3, 4095) == 3 && b[0] == pattern(4095) &&
          b[1] == pattern(4096) && b[2] == pattern(4097));
    CHECK("lseek + read", lseek(fd, 9999, SEEK_SET) == 9999 && read(fd, b, 3) == 1 &&
          b[0] == pattern(9999));
    close(fd);
    fd = open("/usr/config-link", O_RDONLY);
    memset(buf, 0, sizeof buf);
    CHECK("a symlink inside the tree: the same file", fd >= 0 && read(fd, buf, sizeof buf) > 0 &&
          !strcmp(buf, config));
    close(fd);
}

static void lists(void)
{
    CHECK("ls /: shipped etc", listed("/", "etc", DT_DIR));
    CHECK("ls /: tmp", listed("/", "tmp", DT_DIR));
    CHECK("ls /etc: config", listed("/etc", "config", DT_REG));
    CHECK("ls /usr/share/doc: pattern.bin", listed("/usr/share/doc", "pattern.bin", DT_REG));
    int n = 0;
    DIR *d = opendir("/usr");
    while (d && readdir(d))
        n++;
    CHECK("ls /usr: two entries", n == 2);
    if (d)
        closedir(d);
}

static void writes(void)
{
    CHECK("write open: EROFS", open("/etc/config", O_WRONLY) == -1 && errno == EROFS);
    CHECK("read-write open: EROFS", open("/etc/config", O_RDWR) == -1 && errno == EROFS);
    CHECK("O_TRUNC: EROFS", open("/etc/config", O_WRONLY | O_TRUNC) == -1 && errno == EROFS);
    CHECK("O_CREAT|O_EXCL on a shipped file: EEXIST",
          open("/etc/config", O_WRONLY | O_CREAT | O_EXCL, 0644) == -1 && errno == EEXIST);
    CHECK("unlink: EROFS", unlink("/etc/config") == -1 && errno == EROFS);
    CHECK("rename: EROFS", rename("/etc/config", "/etc/c2") == -1 && errno == EROFS);
    CHECK("rename over it: EROFS", creat("/tmp/rfs-x", 0644) >= 0 &&
          rename("/tmp/rfs-x", "/etc/config") == -1 && errno == EROFS);
    CHECK("rmdir a shipped dir: EROFS", rmdir("/usr/share/doc") == -1 && errno == EROFS);
    CHECK("truncate: EROFS", truncate("/etc/config", 0) == -1 && errno == EROFS);
    CHECK("mkdir over a shipped dir: EEXIST", mkdir("/etc", 0755) == -1 && errno == EEXIST);

    int fd = open("/etc/local.conf", O_WRONLY | O_CREAT, 0600);
    CHECK("a new file in a shipped dir", fd >= 0 && write(fd, "mine\n", 5) == 5);
    close(fd);
    char buf[16] = { 0 };
    fd = open("/etc/local.conf", O_RDONLY);
    CHECK("read it back", fd >= 0 && read(fd, buf, sizeof buf) == 5 && !strcmp(buf, "mine\n"));
    close(fd);
    CHECK("ls /etc: both", listed("/etc", "config", DT_REG) && listed("/etc", "local.conf", DT_REG));
    CHECK("a new dir deep in shipped ones", mkdir("/usr/share/doc/new", 0700) == 0 &&
          listed("/usr/share/doc", "new", DT_DIR) && listed("/usr/share/doc", "pattern.bin", DT_REG));
    struct stat st;
    CHECK("the made dir keeps the shipped mode", stat("/usr/share", &st) == 0 &&
          (st.st_mode & 0777) == 0755);
    CHECK("rename the new file", rename("/etc/local.conf", "/usr/share/doc/new/l") == 0 &&
          stat("/usr/share/doc/new/l", &st) == 0 && st.st_size == 5);
    CHECK("unlink it", unlink("/usr/share/doc/new/l") == 0 && rmdir("/usr/share/doc/new") == 0);
    CHECK("the shipped file is still there", stat("/usr/share/doc/pattern.bin", &st) == 0 &&
          st.st_size == 10000);
    fd = open("/tmp/rfs-t", O_RDWR | O_CREAT, 0644);
    CHECK("/tmp is writable", fd >= 0 && write(fd, "t", 1) == 1);
    close(fd);
    CHECK("chdir into a shipped dir, relative open", chdir("/etc") == 0 &&
          (fd = open("config", O_RDONLY)) >= 0 && close(fd) == 0);
}

/* "poke": a store into the archive's memory, which the guest maps read-only
 * (and the host's memslot is read-only too): a crash, never a change. */
static int poke(void)
{
    struct stat st;
    if (stat("/etc/config", &st) < 0)  /* maps the archive */
        return 1;
    const char *where = getenv("ROOTFS_AT");
    volatile char *p = (volatile char *)(uintptr_t)strtoull(where ? where : "0", NULL, 0);
    printf("poking %p\n", (void *)p);
    fflush(stdout);
    *p = 1;
    printf("still alive\n");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "poke"))
        return poke();
    reads();
    lists();
    writes();
    printf("rootfs: %d failure(s)\n", failures);
    return failures;
}
