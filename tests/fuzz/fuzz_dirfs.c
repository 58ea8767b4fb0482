/*
 * libFuzzer target: DUET_HC_FS as a hostile guest drives it, against a real
 * share on disk that tempts it out (symlinks out, absolute and relative, a
 * FIFO, a loop) with a sibling folder "outside" that must never change.
 * Input: 2 KiB of guest RAM (paths, data), then 24-byte requests whose
 * addresses are folded into RAM. After each input the outside folder is
 * checked: one file, its bytes untouched; anything else is a crash.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "devices/dir/dir_share.h"
#include "hypercall/hypercall.h"

#define RAM_SIZE 0x4000ULL
#define DATA 2048
static char top[64], share[96], outside[96];

static void sh(const char *cmd)
{
    if (system(cmd) != 0)
        abort();
}

static void make_tree(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "rm -rf %s && mkdir -p %s/sub %s && echo secret > %s/secret && echo hi > %s/f && "
             "ln -s ../outside %s/out && ln -s %s/secret %s/abs && ln -s loop %s/loop && "
             "ln -s f %s/in && mkfifo %s/fifo",
             share, share, outside, outside, share, share, outside, share, share, share, share);
    sh(cmd);
}

static void check_outside(void)
{
    DIR *d = opendir(outside);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    char path[128], buf[16] = "";
    snprintf(path, sizeof path, "%s/secret", outside);
    FILE *f = fopen(path, "r");
    size_t got = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    if (n != 1 || got != 7 || memcmp(buf, "secret\n", 7))
        abort();  /* the guest reached outside its share */
}

static void open_share(struct dir_share *dir)
{
    struct dir_spec spec = { .name = "data" };
    strcpy(spec.path, share);
    char err[256];
    if (dir_open(dir, &spec, err, sizeof err) < 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct guest_mem mem;
    static struct dir_share dir;
    static unsigned runs;
    if (!mem.host) {
        gmem_alloc(&mem, DUET_RAM_BASE, RAM_SIZE);
        strcpy(top, "/tmp/fuzz-dirfs-XXXXXX");
        if (!mkdtemp(top))
            abort();
        snprintf(share, sizeof share, "%s/share", top);
        snprintf(outside, sizeof outside, "%s/outside", top);
        make_tree();
        open_share(&dir);
    }
    if (++runs % 64 == 0) {  /* ops remove things: start afresh now and then */
        dir_close(&dir);
        make_tree();
        open_share(&dir);
    }
    dir.spec.read_only = size > 0 && (data[0] & 0x80);
    size_t ram = size < DATA ? size : DATA;
    memset(mem.host, 0, RAM_SIZE);
    memcpy(mem.host, data, ram);
    struct hc_ctx ctx = { .mem = &mem, .vm_fd = -1, .console_fd = -1, .dirs = &dir, .ndirs = 1 };
    const duet_gpa_t argp = DUET_RAM_BASE + 0x3000;
    for (size_t off = ram; off + 24 <= size; off += 24) {
        const uint8_t *r = data + off;
        struct duet_hc_fs a;
        memset(&a, 0, sizeof a);
        a.op = r[0] % (DUET_FS_OP_MAX + 1);
        a.share = r[1] & 0x40 ? 1 : 0;  /* now and then a share that does not exist */
        a.handle = (int8_t)r[2] % (DUET_FS_HANDLES + 2);
        a.flags = r[3];
        a.mode = 0600 | (r[4] & 0177);
        uint16_t p1, p2, b;
        memcpy(&p1, r + 5, 2);
        memcpy(&p2, r + 7, 2);
        memcpy(&b, r + 9, 2);
        a.path = DUET_RAM_BASE + p1 % DATA;
        a.path_len = r[11] % 64 + (r[12] & 0x80 ? 4000 : 0);
        a.path2 = DUET_RAM_BASE + p2 % DATA;
        a.path2_len = r[12] % 64;
        a.buf = DUET_RAM_BASE + 0x2000 + b % 0x800;
        a.len = r[13] % 0x900;
        memcpy(&a.offset, r + 16, 8);
        a.offset %= 1 << 20;
        if (r[14] & 1)  /* sometimes a pointer that leaves RAM */
            a.path = DUET_RAM_BASE + RAM_SIZE - (r[15] % 8);
        memcpy((char *)mem.host + 0x3000, &a, sizeof a);
        enum hc_result res = hc_dispatch(&ctx, 8ULL * DUET_HC_FS, 8, 1, argp);
        if (res == HC_FAULT && !ctx.err[0])
            abort();  /* every fault says why */
        if (res != HC_CONTINUE)
            break;
    }
    for (int i = 0; i < DUET_FS_HANDLES; i++)
        if (dir.fds[i] >= 0) {
            close(dir.fds[i]);
            dir.fds[i] = -1;
        }
    check_outside();
    return 0;
}
