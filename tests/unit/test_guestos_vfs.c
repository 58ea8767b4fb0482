/* The guest's path normalization, RAM file system and fd table, built
 * natively from guest/fs/ under ASan + UBSan (ENOSPC is an e2e case). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include "check.h"
#include "duet/vfs.h"

const struct file_ops console_file_ops;  /* fdtable.c's fds 0-2: unused here */

static void test_normalize(void)
{
    char out[VFS_PATH_MAX];
    CHECK(vfs_normalize("/", "a/b", out, sizeof out) == 0); CHECK_STR(out, "/a/b");
    CHECK(vfs_normalize("/x/y", "../z/./w/", out, sizeof out) == 0); CHECK_STR(out, "/x/z/w");
    CHECK(vfs_normalize("/x", "/abs//p", out, sizeof out) == 0); CHECK_STR(out, "/abs/p");
    CHECK(vfs_normalize("/", "../../..", out, sizeof out) == 0); CHECK_STR(out, "/");
    CHECK(vfs_normalize("/a", ".", out, sizeof out) == 0); CHECK_STR(out, "/a");
    CHECK(vfs_normalize("/", "", out, sizeof out) == -ENOENT);
    CHECK(vfs_normalize("/", "abc", out, 4) == -ENAMETOOLONG);  /* "/abc" + NUL > 4 */
    char name[300];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    CHECK(vfs_normalize("/", name, out, sizeof out) == -ENAMETOOLONG);
    static char huge[VFS_PATH_MAX + 10];
    memset(huge, 'a', sizeof huge - 1);
    CHECK(vfs_normalize("/", huge, out, sizeof out) == -ENAMETOOLONG);
}

static ssize_t rd(struct vnode *n, char *buf, size_t len, off_t off)
{
    return n->ops->read(n, buf, len, off);
}

static void test_ramfs_files(void)
{
    struct vnode *root = ramfs_new(), *f, *g;
    CHECK(root && S_ISDIR(root->mode));
    CHECK(root->ops->create(root, "f", 1, 0644, &f) == 0);
    CHECK(root->ops->create(root, "f", 1, 0644, &g) == -EEXIST);
    CHECK(f->ops->write(f, "abc", 3, 10000) == 3);  /* a hole of 10000 bytes */
    struct stat st;
    CHECK(f->ops->getattr(f, &st) == 0 && st.st_size == 10003 && st.st_blocks == 8);
    char buf[16] = "xxxx";
    CHECK(rd(f, buf, 4, 0) == 4 && !memcmp(buf, "\0\0\0\0", 4));
    CHECK(rd(f, buf, 16, 10000) == 3 && !memcmp(buf, "abc", 3));
    CHECK(rd(f, buf, 16, 20000) == 0);
    CHECK(f->ops->truncate(f, 10001) == 0 && rd(f, buf, 16, 10000) == 1);
    CHECK(f->ops->truncate(f, 10003) == 0 && rd(f, buf, 3, 10000) == 3 &&
          !memcmp(buf, "a\0\0", 3));  /* grown back: zeros, not the old bytes */
    /* Small appends: the index grows by doubling; whole pages and partial ones. */
    static char page[4096];
    memset(page, 'p', sizeof page);
    for (int i = 0; i < 300; i++)
        CHECK(f->ops->write(f, page, i % 3 ? sizeof page : 100, 20480 + (off_t)i * 4096) > 0);
    CHECK(f->ops->getattr(f, &st) == 0 && st.st_blocks == (1 + 300) * 8);
    CHECK(rd(f, buf, 2, 20480 + 299 * 4096 + 98) == 2 && !memcmp(buf, "pp", 2));
    CHECK(rd(f, buf, 2, 20480 + 4096 + 4094) == 2 && !memcmp(buf, "pp", 2));
    CHECK(rd(f, buf, 2, 20480 + 100) == 2 && !memcmp(buf, "\0\0", 2));  /* a partial page: zeros after */
    CHECK(f->ops->truncate(f, 8192) == 0 && f->ops->getattr(f, &st) == 0 && st.st_blocks == 0);
    CHECK(f->ops->truncate(f, 10003) == 0 && rd(f, buf, 3, 10000) == 3 && !memcmp(buf, "\0\0\0", 3));
    CHECK(f->ops->write(f, "a", 1, 10000) == 1);
    /* Removed while held: readable until the last reference goes. */
    CHECK(root->ops->unlink(root, "f", 1) == 0);
    CHECK(root->ops->lookup(root, "f", 1, &g) == -ENOENT);
    CHECK(rd(f, buf, 1, 10000) == 1 && buf[0] == 'a');
    vnode_put(f);  /* frees it: ASan reports a leak or a use after free */
    ramfs_free(root);
}

static void test_ramfs_dirs(void)
{
    struct vnode *root = ramfs_new(), *d, *x, *n;
    CHECK(root->ops->mkdir(root, "d", 1, 0755) == 0);
    CHECK(root->ops->mkdir(root, "d", 1, 0755) == -EEXIST);
    CHECK(root->ops->lookup(root, "d", 1, &d) == 0);
    CHECK(d->ops->create(d, "x", 1, 0644, &x) == 0);
    vnode_put(x);
    CHECK(root->ops->rmdir(root, "d", 1) == -ENOTEMPTY);
    CHECK(root->ops->unlink(root, "d", 1) == -EISDIR);
    CHECK(d->ops->rmdir(d, "x", 1) == -ENOTDIR);
    /* rename over an existing file replaces it; into itself is refused. */
    CHECK(root->ops->create(root, "y", 1, 0644, &x) == 0);
    CHECK(x->ops->write(x, "Y", 1, 0) == 1);
    vnode_put(x);
    CHECK(root->ops->rename(root, "y", 1, d, "x", 1) == 0);
    CHECK(root->ops->lookup(root, "y", 1, &x) == -ENOENT);
    CHECK(d->ops->lookup(d, "x", 1, &x) == 0);
    char c = 0;
    CHECK(rd(x, &c, 1, 0) == 1 && c == 'Y');
    vnode_put(x);
    CHECK(root->ops->rename(root, "d", 1, d, "sub", 3) == -EINVAL);
    CHECK(root->ops->mkdir(root, "e", 1, 0755) == 0);
    CHECK(root->ops->rename(root, "e", 1, root, "d", 1) == -ENOTEMPTY);
    long cookie = 0;
    struct dirent ent;
    int count = 0;
    while (d->ops->readdir(d, &cookie, &ent) == 1)
        count++;
    CHECK(count == 1 && !strcmp(ent.d_name, "x") && ent.d_type == DT_REG);
    CHECK(root->ops->lookup(root, "nope", 4, &n) == -ENOENT);
    vnode_put(d);
    ramfs_free(root);
}

static void test_fdtable(void)
{
    struct vnode *root = ramfs_new(), *f;
    CHECK(root->ops->create(root, "f", 1, 0644, &f) == 0);
    struct file *file = file_new(&vnode_file_ops, O_RDWR, f);
    int fd = fd_install(file, 0, 0);
    CHECK(fd == 3);  /* 0-2 are the console */
    CHECK(fd_dup(fd, 10, 1) == 10 && fd_getfd(10) == FD_CLOEXEC && fd_get(10) == file);
    CHECK(fd_close(fd) == 0 && fd_get(10) == file && file->refs == 1);
    CHECK(fd_close(fd) == -EBADF);
    CHECK(fd_dup(10, VFS_FD_MAX, 0) == -EBADF);
    int n = 0;
    while (fd_install(file, 0, 0) >= 0)
        n++;
    CHECK(n == VFS_FD_MAX - 4);  /* all but 0-2 and 10 */
    CHECK(fd_install(file, 0, 0) == -EMFILE);
    for (int i = 3; i < VFS_FD_MAX; i++)
        fd_close(i);
    CHECK(fd_get(10) == NULL);
    ramfs_free(root);
}

int main(void)
{
    RUN_TEST(test_normalize);
    RUN_TEST(test_ramfs_files);
    RUN_TEST(test_ramfs_dirs);
    RUN_TEST(test_fdtable);
    return CHECK_EXIT();
}
