/*
 * The mount table and path lookup. "/" is a RAM file system made on first
 * use (an app that never touches a file never pays for it), over the app's
 * shipped files if it has any (overlay.c, rofs.c); other file
 * systems mount at a path. A path is made absolute and normalized first
 * (path.c), then walked from the root of the mount with the longest prefix.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include "duet/vfs.h"

#define MOUNT_MAX 16

static struct mount {
    char path[64];      /* "/", "/data" */
    size_t len;
    struct vnode *root;
} mounts[MOUNT_MAX];
static int nmounts;
static char cwd[VFS_PATH_MAX] = "/";

/* The platform's own file systems (duet: --dir shares); none by default. */
__attribute__((weak)) void vfs_platform_mounts(struct vnode *root) { (void)root; }
/* The app's shipped files (guest/rootfs.c: the boot archive); none by default. */
__attribute__((weak)) struct vnode *vfs_platform_rootfs(void) { return NULL; }

void vnode_put(struct vnode *n)
{
    if (--n->refs <= 0 && n->ops->release)
        n->ops->release(n);
}

static int ensure_root(void)
{
    if (nmounts > 0 && mounts[0].len == 1)
        return 0;
    struct vnode *root = ramfs_new(), *shipped = root ? vfs_platform_rootfs() : NULL;
    if (shipped && !(root = overlay_new(root, shipped)))
        return -ENOSPC;  /* overlay_new let go of both */
    if (!root)
        return -ENOSPC;
    memmove(mounts + 1, mounts, (size_t)nmounts * sizeof mounts[0]);
    mounts[0] = (struct mount){ "/", 1, root };
    nmounts++;
    root->ops->mkdir(root, "tmp", 3, 01777);  /* programs expect /tmp */
    vfs_platform_mounts(root);
    return 0;
}

int vfs_mount(const char *path, struct vnode *root)
{
    size_t len = strlen(path);
    if (path[0] != '/' || len >= sizeof mounts[0].path)
        return -EINVAL;
    if (nmounts >= MOUNT_MAX)
        return -ENOSPC;
    for (int i = 0; i < nmounts; i++)
        if (mounts[i].len == len && !memcmp(mounts[i].path, path, len))
            return -EBUSY;
    mounts[nmounts++] = (struct mount){ "", len, root };
    memcpy(mounts[nmounts - 1].path, path, len + 1);
    vnode_hold(root);
    return 0;
}

const char *vfs_cwd(void) { return cwd; }

int vfs_chdir(struct vnode *dir, const char *abs_path)
{
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (strlen(abs_path) >= sizeof cwd)
        return -ENAMETOOLONG;
    strcpy(cwd, abs_path);
    return 0;
}

/* The directory a relative path starts from: the cwd or dirfd's path. */
static int base_of(int dirfd, const char *path, const char **base)
{
    *base = cwd;
    if (path[0] == '/' || dirfd == AT_FDCWD)
        return 0;
    struct file *f = fd_get(dirfd);
    if (!f)
        return -EBADF;
    if (!f->node || !S_ISDIR(f->node->mode) || !f->priv)
        return -ENOTDIR;
    *base = f->priv;  /* a directory fd keeps its absolute path (posix/dirs.c) */
    return 0;
}

/* Walks abs (normalized) from the deepest mount containing it. */
static int walk(const char *abs, struct vnode **out)
{
    int err = ensure_root();
    if (err)
        return err;
    const struct mount *m = &mounts[0];
    for (int i = 1; i < nmounts; i++) {
        const struct mount *c = &mounts[i];
        if (c->len > m->len && !strncmp(abs, c->path, c->len) &&
            (abs[c->len] == '/' || abs[c->len] == '\0'))
            m = c;
    }
    struct vnode *n = m->root;
    vnode_hold(n);
    const char *p = abs + (m->len == 1 ? 0 : m->len);
    while (*p) {
        size_t len;
        const char *c = vfs_component(&p, &len);
        if (len == 0)
            break;
        if (!S_ISDIR(n->mode)) {
            vnode_put(n);
            return -ENOTDIR;
        }
        struct vnode *next;
        err = n->ops->lookup(n, c, len, &next);
        vnode_put(n);
        if (err)
            return err;
        n = next;
    }
    *out = n;
    return 0;
}

int vfs_lookup(int dirfd, const char *path, struct vnode **out)
{
    const char *base;
    char abs[VFS_PATH_MAX];
    int err = path ? base_of(dirfd, path, &base) : -EFAULT;
    if (!err)
        err = vfs_normalize(base, path, abs, sizeof abs);
    return err ? err : walk(abs, out);
}

int vfs_parent(int dirfd, const char *path, struct vnode **dir, const char **name,
               size_t *len, char *buf)
{
    const char *base;
    int err = path ? base_of(dirfd, path, &base) : -EFAULT;
    if (!err)
        err = vfs_normalize(base, path, buf, VFS_PATH_MAX);
    if (err)
        return err;
    char *slash = strrchr(buf, '/');
    if (slash[1] == '\0')
        return -EBUSY;  /* "/" itself has no parent to change it in */
    *name = slash + 1;
    *len = strlen(slash + 1);
    for (int i = 1; i < nmounts; i++)
        if (!strcmp(buf, mounts[i].path))
            return -EBUSY;  /* a mount point is not removed or renamed */
    if (slash == buf)
        err = walk("/", dir);
    else {
        *slash = '\0';
        err = walk(buf, dir);
        *slash = '/';
    }
    if (!err && !S_ISDIR((*dir)->mode)) {
        vnode_put(*dir);
        return -ENOTDIR;
    }
    return err;
}
