/* The guest's boot-archive file system (guest/fs/rofs.c) and the overlay
 * of the RAM file system over it (overlay.c), natively under ASan + UBSan:
 * a good archive served as written, corrupt headers refused, corrupt nodes
 * EIO where they are reached, and random corruption never read outside. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "duet/rootfs.h"
#include "duet/vfs.h"

const struct file_ops console_file_ops;  /* fdtable.c's fds 0-2: unused here */

/* "/" = { a/ = { f = "hello", g = 5000 bytes }, z = "zz" }, breadth first. */
enum { N_ROOT, N_A, N_Z, N_F, N_G, NNODES };
#define NAMES "azfg"
#define DATA  8192

static unsigned char *archive(size_t *size)
{
    size_t total = DATA + 3 * DUET_ROOTFS_ALIGN;
    unsigned char *b = calloc(1, total);
    struct duet_rootfs_header h = { DUET_ROOTFS_MAGIC, DUET_ROOTFS_VERSION, NNODES, total,
                                    sizeof h, sizeof h + NNODES * sizeof(struct duet_rootfs_node),
                                    4 };
    memcpy(b, &h, sizeof h);
    struct duet_rootfs_node n[NNODES] = {
        [N_ROOT] = { DUET_ROOTFS_S_IFDIR | 0755, 0, 0, N_A, 2, 100, 0 },
        [N_A] = { DUET_ROOTFS_S_IFDIR | 0700, 1, 0, N_F, 2, 101, 0 },
        [N_Z] = { DUET_ROOTFS_S_IFREG | 0600, 1, 1, DUET_ROOTFS_ALIGN, 2, 102, 0 },
        [N_F] = { DUET_ROOTFS_S_IFREG | 0644, 1, 2, DATA, 5, 103, 0 },
        [N_G] = { DUET_ROOTFS_S_IFREG | 0755, 1, 3, DATA + DUET_ROOTFS_ALIGN, 5000, 104, 0 },
    };
    memcpy(b + h.nodes_off, n, sizeof n);
    memcpy(b + h.names_off, NAMES, 4);
    memcpy(b + DUET_ROOTFS_ALIGN, "zz", 2);
    memcpy(b + DATA, "hello", 5);
    for (unsigned i = 0; i < 5000; i++)
        b[DATA + DUET_ROOTFS_ALIGN + i] = (unsigned char)(i * 13);
    *size = total;
    return b;
}

static struct duet_rootfs_node *node(unsigned char *b, unsigned i)
{
    return (struct duet_rootfs_node *)(b + sizeof(struct duet_rootfs_header)) + i;
}

static int look(struct vnode *dir, const char *name, struct vnode **out)
{
    return dir->ops->lookup(dir, name, strlen(name), out);
}

static void test_good(void)
{
    size_t size;
    unsigned char *b = archive(&size);
    const char *why;
    struct vnode *root = rofs_new(b, size, &why), *a, *f, *g, *x;
    CHECK(root && !why && S_ISDIR(root->mode) && root->read_only);
    CHECK(look(root, "a", &a) == 0 && S_ISDIR(a->mode) && (a->mode & 0777) == 0700);
    CHECK(look(root, "nothing", &x) == -ENOENT && look(root, "", &x) == -ENOENT);
    CHECK(look(a, "f", &f) == 0 && S_ISREG(f->mode) && f->read_only);
    char buf[16] = { 0 };
    CHECK(f->ops->read(f, buf, sizeof buf, 0) == 5 && !strcmp(buf, "hello"));
    CHECK(f->ops->read(f, buf, 2, 3) == 2 && !memcmp(buf, "lo", 2));
    CHECK(f->ops->read(f, buf, 2, 5) == 0 && f->ops->read(f, buf, 2, 1 << 30) == 0);
    CHECK(f->ops->read(f, buf, 2, -1) == -EINVAL);
    CHECK(!f->ops->write && !f->ops->truncate && !root->ops->create && !root->ops->unlink);
    struct stat st;
    CHECK(f->ops->getattr(f, &st) == 0 && st.st_size == 5 && (st.st_mode & 0777) == 0644 &&
          st.st_mtim.tv_sec == 103 && st.st_dev != 0);
    CHECK(look(a, "g", &g) == 0);
    static unsigned char big[5000];
    CHECK(g->ops->read(g, big, sizeof big, 0) == 5000 && big[4999] == (unsigned char)(4999 * 13));
    long cookie = 0;
    struct dirent e;
    CHECK(root->ops->readdir(root, &cookie, &e) == 1 && !strcmp(e.d_name, "a") && e.d_type == DT_DIR);
    CHECK(root->ops->readdir(root, &cookie, &e) == 1 && !strcmp(e.d_name, "z") && e.d_type == DT_REG);
    CHECK(root->ops->readdir(root, &cookie, &e) == 0);
    cookie = -5;
    CHECK(root->ops->readdir(root, &cookie, &e) == 0);
    vnode_put(f);
    vnode_put(g);
    vnode_put(a);
    vnode_put(root);
    free(b);
}

static void refused(void (*corrupt)(unsigned char *b, size_t *size), const char *want)
{
    size_t size;
    unsigned char *b = archive(&size);
    corrupt(b, &size);
    const char *why = NULL;
    CHECK(rofs_new(b, size, &why) == NULL && why && strstr(why, want));
    free(b);
}

static struct duet_rootfs_header *hdr(unsigned char *b) { return (struct duet_rootfs_header *)b; }
static void c_magic(unsigned char *b, size_t *s) { (void)s; b[0] = 'X'; }
static void c_version(unsigned char *b, size_t *s) { (void)s; hdr(b)->version = 2; }
static void c_short(unsigned char *b, size_t *s) { (void)b; *s = 20; }
static void c_mapping(unsigned char *b, size_t *s) { (void)b; *s -= 1; }
static void c_tiny(unsigned char *b, size_t *s) { (void)s; hdr(b)->size = 8; }
static void c_nonodes(unsigned char *b, size_t *s) { (void)s; hdr(b)->nnodes = 0; }
static void c_manynodes(unsigned char *b, size_t *s) { (void)s; hdr(b)->nnodes = 0xffffffffu; }
static void c_nodesoff(unsigned char *b, size_t *s) { (void)s; hdr(b)->nodes_off = UINT64_MAX - 8; }
static void c_names(unsigned char *b, size_t *s) { (void)s; hdr(b)->names_size = UINT64_MAX; }
static void c_rootfile(unsigned char *b, size_t *s) { (void)s; node(b, 0)->mode = DUET_ROOTFS_S_IFREG; }
static void c_rootkids(unsigned char *b, size_t *s) { (void)s; node(b, 0)->count = UINT64_MAX; }

static void test_bad_headers(void)
{
    refused(c_magic, "magic");
    refused(c_version, "version");
    refused(c_short, "header");
    refused(c_mapping, "mapping");
    refused(c_tiny, "header");
    refused(c_nonodes, "node table");
    refused(c_manynodes, "node table");
    refused(c_nodesoff, "node table");
    refused(c_names, "name table");
    refused(c_rootfile, "root");
    refused(c_rootkids, "root");
    const char *why;
    CHECK(rofs_new(NULL, 4096, &why) == NULL && why);
}

/* One corrupt node: what reaches it gets EIO, the rest still works. */
static void bad_node(void (*corrupt)(struct duet_rootfs_node *n), unsigned which, const char *via)
{
    size_t size;
    unsigned char *b = archive(&size);
    corrupt(node(b, which));
    const char *why;
    struct vnode *root = rofs_new(b, size, &why), *a, *x;
    CHECK(root && look(root, "a", &a) == 0);
    CHECK(look(a, via, &x) == -EIO);
    long cookie = which == N_F ? 0 : 1;
    struct dirent e;
    CHECK(a->ops->readdir(a, &cookie, &e) == -EIO);
    CHECK(look(root, "z", &x) == 0);
    vnode_put(x);
    vnode_put(a);
    vnode_put(root);
    free(b);
}

static void n_data(struct duet_rootfs_node *n) { n->first = UINT64_MAX - 2; }
static void n_size(struct duet_rootfs_node *n) { n->count = 1ULL << 40; }
static void n_type(struct duet_rootfs_node *n) { n->mode = 0120777; }  /* a symlink */
static void n_empty(struct duet_rootfs_node *n) { n->name_off = 4; n->name_len = 0; }
static void n_long(struct duet_rootfs_node *n) { n->name_len = 256; }
static void n_nameoff(struct duet_rootfs_node *n) { n->name_off = UINT64_MAX; }

static void test_bad_nodes(void)
{
    bad_node(n_data, N_F, "f");
    bad_node(n_size, N_G, "g");
    bad_node(n_type, N_F, "f");
    bad_node(n_empty, N_G, "g");
    bad_node(n_long, N_F, "f");
    bad_node(n_nameoff, N_G, "g");
    /* A directory whose children lie past the node table. */
    size_t size;
    unsigned char *b = archive(&size);
    node(b, N_A)->first = NNODES - 1;
    const char *why;
    struct vnode *root = rofs_new(b, size, &why), *x;
    CHECK(root && look(root, "a", &x) == -EIO);
    vnode_put(root);
    free(b);
}

/* Everything reachable, each file read whole (bounded depth: links may loop). */
static void walk(struct vnode *dir, int depth)
{
    long cookie = 0;
    struct dirent e;
    static char buf[DATA];
    for (int i = 0; i < 64 && dir->ops->readdir(dir, &cookie, &e) == 1; i++) {
        struct vnode *n;
        if (look(dir, e.d_name, &n))
            continue;
        if (S_ISDIR(n->mode) && depth < 4)
            walk(n, depth + 1);
        else if (S_ISREG(n->mode))
            (void)n->ops->read(n, buf, sizeof buf, 0);
        vnode_put(n);
    }
}

static void test_random_corruption(void)
{
    srand(12);
    size_t size;
    int mounted = 0, refused_ = 0;
    for (int round = 0; round < 3000; round++) {
        unsigned char *b = archive(&size);
        size_t index = sizeof(struct duet_rootfs_header) + NNODES * sizeof(struct duet_rootfs_node) + 4;
        for (int k = 1 + rand() % 4; k > 0; k--)
            b[(size_t)rand() % index] ^= (unsigned char)(1 + rand() % 255);
        const char *why;
        struct vnode *root = rofs_new(b, size, &why);
        if (root) {
            mounted++;
            walk(root, 0);
            vnode_put(root);
        } else
            refused_++;
        free(b);
    }
    /* Both kinds happened; what counts most is that ASan saw no access outside. */
    CHECK(mounted > 100 && refused_ > 100);
}

static void test_overlay(void)
{
    size_t size;
    unsigned char *b = archive(&size);
    const char *why;
    struct vnode *ram = ramfs_new();
    vnode_hold(ram);  /* ours, to free the tree at the end */
    struct vnode *root = overlay_new(ram, rofs_new(b, size, &why)), *a, *f, *n, *x;
    CHECK(root && !root->read_only);
    CHECK(look(root, "a", &a) == 0 && S_ISDIR(a->mode) && !a->read_only);
    CHECK(look(a, "f", &f) == 0 && f->read_only);
    CHECK(a->ops->unlink(a, "f", 1) == -EROFS && a->ops->rmdir(root, "a", 1) == -EROFS);
    CHECK(a->ops->create(a, "f", 1, 0644, &x) == -EEXIST && a->ops->mkdir(root, "a", 1, 0755) == -EEXIST);
    CHECK(a->ops->create(a, "new", 3, 0644, &n) == 0 && n->ops->write(n, "xy", 2, 0) == 2);
    CHECK(a->ops->rename(a, "new", 3, a, "f", 1) == -EROFS);
    CHECK(a->ops->rename(a, "f", 1, a, "f2", 2) == -EROFS);
    /* a/ now lives in RAM too: listed once, with both kinds of entries. */
    long cookie = 0;
    struct dirent e;
    int seen_new = 0, seen_f = 0, seen_g = 0, entries = 0;
    while (a->ops->readdir(a, &cookie, &e) == 1) {
        entries++;
        seen_new += !strcmp(e.d_name, "new");
        seen_f += !strcmp(e.d_name, "f");
        seen_g += !strcmp(e.d_name, "g");
    }
    CHECK(entries == 3 && seen_new == 1 && seen_f == 1 && seen_g == 1);
    cookie = 0;
    entries = 0;
    while (root->ops->readdir(root, &cookie, &e) == 1)
        entries++;
    CHECK(entries == 2);  /* "a" in both, listed once, and "z" */
    struct stat st;
    CHECK(a->ops->getattr(a, &st) == 0 && (st.st_mode & 0777) == 0700);
    CHECK(a->ops->rename(a, "new", 3, root, "moved", 5) == 0 && look(root, "moved", &x) == 0);
    vnode_put(x);
    CHECK(root->ops->unlink(root, "moved", 5) == 0 && look(root, "moved", &x) == -ENOENT);
    CHECK(a->ops->unlink(a, "nothing", 7) == -ENOENT);
    vnode_put(n);
    vnode_put(f);
    vnode_put(a);
    vnode_put(root);
    ramfs_free(ram);
    free(b);
}

int main(void)
{
    RUN_TEST(test_good);
    RUN_TEST(test_bad_headers);
    RUN_TEST(test_bad_nodes);
    RUN_TEST(test_random_corruption);
    RUN_TEST(test_overlay);
    return CHECK_EXIT();
}
