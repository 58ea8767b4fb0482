/* Host-directory shares: option parsing and path confinement on a real
 * temporary tree (symlinks out, a FIFO, a loop, over-long names, a
 * directory swapped for a symlink between two calls). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "devices/dir/dir_share.h"

static char top[64], root[96];
static struct dir_share d;

static void run(const char *fmt)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, root, root, root, root, root, root, root);
    if (system(cmd) != 0)
        abort();
}

static int open_rel(const char *rel, int flags)
{
    int fd = -1;
    int err = dir_open_path(&d, rel, strlen(rel), flags, 0644, &fd);
    if (!err)
        close(fd);
    return err;
}

static void test_spec(void)
{
    struct dir_spec s;
    char err[256];
    CHECK(dir_spec_parse(&s, "data=/srv/x,ro", err, sizeof err) == 0);
    CHECK_STR(s.name, "data"); CHECK_STR(s.path, "/srv/x"); CHECK(s.read_only);
    CHECK(dir_spec_parse(&s, "d=/a,b", err, sizeof err) == 0 && !strcmp(s.path, "/a,b") && !s.read_only);
    CHECK(dir_spec_parse(&s, "Bad=/x", err, sizeof err) == -1 && strstr(err, "share name"));
    CHECK(dir_spec_parse(&s, "noeq", err, sizeof err) == -1);
    CHECK(dir_spec_parse(&s, "d=", err, sizeof err) == -1 && strstr(err, "no host directory"));
    struct dir_share other;
    CHECK(dir_open(&other, &(struct dir_spec){ "x", "/nonexistent-duet", 0 }, err, sizeof err) == -1 &&
          strstr(err, "nonexistent-duet"));
}

static void test_confinement(void)
{
    CHECK(open_rel("f", O_RDONLY) == 0);
    CHECK(open_rel("sub/../f", O_RDONLY) == 0);       /* .. that stays inside is fine */
    CHECK(open_rel("../outside/secret", O_RDONLY) == -EACCES);
    CHECK(open_rel("out/secret", O_RDONLY) == -EACCES);  /* relative symlink out */
    CHECK(open_rel("abs", O_RDONLY) == -EACCES);         /* absolute symlink */
    CHECK(open_rel("/etc/passwd", O_RDONLY) == -EACCES);
    CHECK(open_rel("fifo", O_RDONLY) == -EACCES);        /* and it did not block */
    CHECK(open_rel("loop", O_RDONLY) == -ELOOP);
    CHECK(open_rel("in", O_RDONLY) == 0);                /* a symlink inside */
    CHECK(open_rel("out/new", O_RDWR | O_CREAT) == -EACCES);
    CHECK(dir_open_path(&d, "f\0x", 3, O_RDONLY, 0, &(int){ 0 }) == -EINVAL);
    static char longp[5000];
    memset(longp, 'a', sizeof longp);
    CHECK(dir_open_path(&d, longp, sizeof longp, O_RDONLY, 0, &(int){ 0 }) == -ENAMETOOLONG);
    char name[DUET_FS_NAME_MAX + 1];
    int pfd;
    CHECK(dir_open_parent(&d, "sub/..", 6, &pfd, name) == -EINVAL);
    CHECK(dir_open_parent(&d, "..", 2, &pfd, name) == -EINVAL);
    CHECK(dir_open_parent(&d, "/abs", 4, &pfd, name) == -EACCES);
    CHECK(dir_open_parent(&d, "out/x", 5, &pfd, name) == -EACCES);
    memset(longp, 'b', 300);
    CHECK(dir_open_parent(&d, longp, 300, &pfd, name) == -ENAMETOOLONG);
    CHECK(dir_open_parent(&d, "sub/new", 7, &pfd, name) == 0 && !strcmp(name, "new"));
    close(pfd);
}

/* The guest looked at sub, then the host's sub became a symlink out: the
 * next path through it is resolved afresh and refused. */
static void test_swapped_dir(void)
{
    CHECK(open_rel("sub", O_RDONLY | O_DIRECTORY) == 0);
    run("rmdir %s/sub && ln -s ../outside %s/sub");
    CHECK(open_rel("sub/secret", O_RDONLY) == -EACCES);
    CHECK(open_rel("sub", O_RDONLY | O_DIRECTORY) == -EACCES);
}

int main(void)
{
    strcpy(top, "/tmp/duet-test-dir-XXXXXX");
    if (!mkdtemp(top))
        return 1;
    snprintf(root, sizeof root, "%s/share", top);
    run("mkdir -p %s/sub %s/../outside && echo secret > %s/../outside/secret && echo hi > %s/f && "
        "ln -s ../outside %s/out && ln -s /etc/passwd %s/abs && ln -s f %s/in");
    run("ln -s loop %s/loop && mkfifo %s/fifo");
    char err[256];
    struct dir_spec s = { .name = "data" };
    strcpy(s.path, root);
    if (dir_open(&d, &s, err, sizeof err) < 0) {
        printf("FAIL test_dir: %s\n", err);
        return 1;
    }
    RUN_TEST(test_spec);
    RUN_TEST(test_confinement);
    RUN_TEST(test_swapped_dir);
    dir_close(&d);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", top);
    if (system(cmd) != 0)
        return 1;
    return CHECK_EXIT();
}
