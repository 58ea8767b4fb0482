/* The core file: made before the sandbox, filled and named after a crash (core_dump.h). */
#define _GNU_SOURCE /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "debug/core_dump.h"
#include "duet/hypercall.h"
#include "lib/errmsg.h"
#include "lib/guest_mem.h"
#include "lib/io_full.h"
#include "kvm/vm.h"
#if defined(__aarch64__)
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "duet/kvm_regs.h"
#endif

int core_prepare(struct core_file *c, const char *path, const char *image, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->dir_fd = c->fd = -1;
    struct stat st;
    char dir[512];
    if (!*path || strlen(path) >= sizeof dir)
        return errmsg(err, errlen, "--core: the path is empty or too long");
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        const char *base = strrchr(image, '/') ? strrchr(image, '/') + 1 : image;
        snprintf(c->name, sizeof c->name, "core.%.200s.%d", base, (int)getpid());
        snprintf(dir, sizeof dir, "%s", path);
        c->in_dir = 1;
    } else if (stat(path, &st) == 0 || errno != ENOENT) {
        return errmsg(err, errlen, "--core=%s: exists already (cores never replace a file; "
                      "give a new name or a directory)", path);
    } else {
        const char *slash = strrchr(path, '/');
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
                 slash ? path : ".");
        snprintf(c->name, sizeof c->name, "%s", slash ? slash + 1 : path);
        if (!c->name[0])
            return errmsg(err, errlen, "--core=%s: no file name", path);
    }
    c->dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c->dir_fd < 0)
        return errmsg(err, errlen, "--core: directory %s: %s", dir, strerror(errno));
    c->fd = openat(c->dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (c->fd < 0) {
        int e = errno;
        core_discard(c);
        return errmsg(err, errlen, "--core: cannot make a file in %s: %s%s", dir, strerror(e),
                      e == EOPNOTSUPP ? " (that file system has no O_TMPFILE)" : "");
    }
    snprintf(c->shown, sizeof c->shown, "%s%s%s", dir, "/", c->name);
    return 0;
}

#if defined(__aarch64__)
static int get(struct vm *vm, uint64_t id, void *val)
{
    struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)val };
    return ioctl(vm->vcpu_fd, KVM_GET_ONE_REG, &r);
}

static int read_regs(struct vm *vm, struct core_regs *r)
{
    uint64_t pstate;
    for (unsigned i = 0; i < 31; i++)
        if (get(vm, DUET_REG_X(i), &r->x[i]) < 0)
            return -1;
    if (get(vm, DUET_REG_PC, &r->pc) < 0 || get(vm, DUET_REG_PSTATE, &pstate) < 0 ||
        get(vm, pstate & 1 ? DUET_REG_SP_EL1 : DUET_REG_SP, &r->sp) < 0)
        return -1;
    r->pstate = pstate;
    for (unsigned i = 0; i < 32; i++)
        if (get(vm, DUET_REG_V(i), r->v[i]) < 0)
            return -1;
    return get(vm, DUET_REG_FPSR, &r->fpsr) < 0 || get(vm, DUET_REG_FPCR, &r->fpcr) < 0 ? -1 : 0;
}
#else
static int read_regs(struct vm *vm, struct core_regs *r)
{
    (void)vm; (void)r;
    errno = ENOSYS;
    return -1;
}
#endif

/* Names the unnamed file; linkat never replaces a name that exists. */
static int name_it(struct core_file *c)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", c->fd);
    for (int tries = 0; tries < 100; tries++) {
        if (linkat(c->fd, "", c->dir_fd, c->name, AT_EMPTY_PATH) == 0 ||
            (errno == ENOENT || errno == EPERM ? /* no CAP_DAC_READ_SEARCH: through /proc */
             linkat(AT_FDCWD, proc, c->dir_fd, c->name, AT_SYMLINK_FOLLOW) == 0 : 0))
            return 0;
        if (errno != EEXIST || !c->in_dir)
            return -1;
        size_t n = strlen(c->name);
        char *dot = strrchr(c->name, '-');
        if (tries && dot)
            n = (size_t)(dot - c->name);
        snprintf(c->name + n, sizeof c->name - n, "-%d", tries + 1);
    }
    return -1;
}

int core_write(struct core_file *c, struct vm *vm, char *err, size_t errlen)
{
    static uint8_t head[CORE_HEADERS_MAX];
    struct core_regs r;
    memset(&r, 0, sizeof r);
    if (read_regs(vm, &r) < 0)
        return errmsg(err, errlen, "core: reading the vCPU's registers: %s", strerror(errno));
    const struct guest_mem *m = vm->mem;
    size_t n = core_headers(head, sizeof head, &r, 11 /* SIGSEGV */, m->base, m->size);
    int rc = n ? pwrite_full(c->fd, head, n, 0) : -ENOSPC;
    if (!rc)
        rc = pwrite_full(c->fd, m->host, m->size, n);
    if (rc)
        return errmsg(err, errlen, "core: writing: %s", strerror(-rc));
    if (name_it(c) < 0)
        return errmsg(err, errlen, "core: naming it %s: %s", c->name, strerror(errno));
    const char *slash = strrchr(c->shown, '/');
    size_t keep = slash ? (size_t)(slash - c->shown) + 1 : 0;
    snprintf(c->shown + keep, sizeof c->shown - keep, "%s", c->name);
    return 0;
}

void core_discard(struct core_file *c)
{
    if (c->fd >= 0)
        close(c->fd);
    if (c->dir_fd >= 0)
        close(c->dir_fd);
    c->fd = c->dir_fd = -1;
}
