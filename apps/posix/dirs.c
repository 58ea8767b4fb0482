/* Directories: mkdir, readdir, rmdir, chdir/getcwd, relative paths,
 * openat, realpath, rename of a directory. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

static int count_entries(const char *path, const char *want, int *found)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        n++;
        if (want && !strcmp(e->d_name, want))
            *found = 1;
    }
    closedir(d);
    return n;
}

void test_dirs(void)
{
    struct stat st;
    CHECK("mkdir", mkdir("/data", 0755) == 0 && stat("/data", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK("mkdir existing -> EEXIST", mkdir("/data", 0755) == -1 && errno == EEXIST);
    CHECK("mkdir missing parent -> ENOENT", mkdir("/no/such", 0755) == -1 && errno == ENOENT);
    CHECK("mkdir nested", mkdir("/data/sub", 0755) == 0);
    close(open("/data/f1", O_CREAT | O_WRONLY, 0644));
    close(open("/data/f2", O_CREAT | O_WRONLY, 0644));
    int found = 0;
    CHECK("readdir lists entries", count_entries("/data", "f2", &found) == 3 && found);
    CHECK("opendir a file -> ENOTDIR", !opendir("/data/f1") && errno == ENOTDIR);
    CHECK("rmdir non-empty -> ENOTEMPTY", rmdir("/data") == -1 && errno == ENOTEMPTY);
    CHECK("rmdir a file -> ENOTDIR", rmdir("/data/f1") == -1 && errno == ENOTDIR);
    CHECK("unlink a dir -> EISDIR", unlink("/data/sub") == -1 && errno == EISDIR);

    char cwd[PATH_MAX];
    CHECK("getcwd /", getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/"));
    CHECK("chdir", chdir("/data/sub") == 0 && getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/data/sub"));
    CHECK("relative create", close(open("rel.txt", O_CREAT | O_WRONLY, 0644)) == 0 &&
          stat("/data/sub/rel.txt", &st) == 0);
    CHECK("..", stat("../f1", &st) == 0 && S_ISREG(st.st_mode));
    char *rp = realpath("../sub/./rel.txt", NULL);
    CHECK("realpath", rp && !strcmp(rp, "/data/sub/rel.txt"));
    free(rp);
    CHECK("getcwd too small -> ERANGE", !getcwd(cwd, 4) && errno == ERANGE);
    CHECK("chdir a file -> ENOTDIR", chdir("/data/f1") == -1 && errno == ENOTDIR);
    CHECK("chdir /", chdir("/") == 0);

    int dfd = open("/data", O_RDONLY | O_DIRECTORY);
    CHECK("open O_DIRECTORY", dfd >= 0);
    int f = openat(dfd, "sub/rel.txt", O_RDONLY);
    CHECK("openat relative to a dir fd", f >= 0);
    close(f);
    CHECK("fstatat", fstatat(dfd, "f1", &st, 0) == 0 && S_ISREG(st.st_mode));
    CHECK("unlinkat", unlinkat(dfd, "f2", 0) == 0 && access("/data/f2", F_OK) == -1);
    CHECK("O_DIRECTORY on a file -> ENOTDIR",
          openat(dfd, "f1", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR);
    close(dfd);

    CHECK("rename a directory", rename("/data/sub", "/data/moved") == 0 &&
          stat("/data/moved/rel.txt", &st) == 0);
    CHECK("rename a dir into itself -> EINVAL",
          rename("/data", "/data/moved/inner") == -1 && errno == EINVAL);
    CHECK("unlink, rmdir", unlink("/data/moved/rel.txt") == 0 && rmdir("/data/moved") == 0);
    CHECK("rmdir / -> EBUSY", rmdir("/") == -1 && errno == EBUSY);
    FILE *t = tmpfile();
    CHECK("tmpfile", t && fputs("x", t) >= 0);
    if (t)
        fclose(t);
    char tmpl[] = "/tmp/mkstemp-XXXXXX";
    int m = mkstemp(tmpl);
    CHECK("mkstemp", m >= 0 && strncmp(tmpl, "/tmp/mkstemp-", 13) == 0 && access(tmpl, F_OK) == 0);
    close(m);
    CHECK("remove", remove(tmpl) == 0);
}
