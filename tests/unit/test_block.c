/* Block devices: option parsing, the file backend, and hostile hypercalls. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "devices/block/block_dev.h"
#include "hypercall/hypercall.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE 0x20000ULL

static struct guest_mem mem;
static struct block_dev dev;
static struct hc_ctx ctx;
static char path[] = "/tmp/duet-test-block-XXXXXX";

static void setup(int read_only)
{
    char err[256];
    if (!mem.host)
        gmem_alloc(&mem, RAM_BASE, RAM_SIZE);
    int fd = mkstemp(path);
    CHECK(fd >= 0 && ftruncate(fd, 16 * 512) == 0);
    close(fd);
    struct block_spec s;
    char arg[96];
    snprintf(arg, sizeof arg, "disk0=%s%s", path, read_only ? ",ro" : "");
    CHECK(block_spec_parse(&s, arg, err, sizeof err) == 0);
    CHECK(block_open(&dev, &s, err, sizeof err) == 0);
    memset(&ctx, 0, sizeof ctx);
    ctx.mem = &mem;
    ctx.blocks = &dev;
    ctx.nblocks = 1;
    ctx.vm_fd = -1;
}

static void teardown(void)
{
    block_close(&dev);
    unlink(path);
    strcpy(path, "/tmp/duet-test-block-XXXXXX");
}

static int64_t io(unsigned nr, uint32_t index, uint64_t sector, uint64_t data, uint64_t len,
                  enum hc_result *r)
{
    struct duet_hc_block_io a = { .index = index, .sector = sector, .data = data, .len = len };
    memcpy(mem.host, &a, sizeof a);
    *r = hc_dispatch(&ctx, 8ULL * nr, 8, 1, RAM_BASE);
    memcpy(&a, mem.host, sizeof a);
    return a.ret;
}

static void test_spec_parsing(void)
{
    struct block_spec s;
    char err[256];
    CHECK(block_spec_parse(&s, "d0=/a,b/c.img,ro,sector=4096", err, sizeof err) == 0);
    CHECK_STR(s.name, "d0");
    CHECK_STR(s.path, "/a,b/c.img");
    CHECK(s.read_only && s.sector_size == 4096);
    /* A comma that starts no option belongs to the path. */
    CHECK(block_spec_parse(&s, "d0=x,rw", err, sizeof err) == 0);
    CHECK_STR(s.path, "x,rw");
    const char *bad[] = { "", "=x", "d0", "d0=", "D0=x", "a-b=x", "waytoolongname_16=x",
                          "d0=x,sector=1024", "d0=x,ro,bogus", NULL };
    for (int i = 0; bad[i]; i++) {
        err[0] = 0;
        CHECK(block_spec_parse(&s, bad[i], err, sizeof err) == -1 && err[0]);
    }
}

static void test_open_refuses_partial_sectors(void)
{
    char err[256], arg[64];
    struct block_spec s;
    struct block_dev d;
    int fd = mkstemp(path);
    CHECK(fd >= 0 && ftruncate(fd, 1000) == 0);
    close(fd);
    snprintf(arg, sizeof arg, "d=%s", path);
    CHECK(block_spec_parse(&s, arg, err, sizeof err) == 0);
    CHECK(block_open(&d, &s, err, sizeof err) == -1 && strstr(err, "not a multiple"));
    unlink(path);
    strcpy(path, "/tmp/duet-test-block-XXXXXX");
    CHECK(block_spec_parse(&s, "d=/nonexistent/x.img", err, sizeof err) == 0);
    CHECK(block_open(&d, &s, err, sizeof err) == -1 && strstr(err, "No such file"));
}

static void test_write_read_back(void)
{
    setup(0);
    enum hc_result r;
    memset(mem.host + 0x1000, 0x5a, 1024);
    CHECK(io(DUET_HC_BLOCK_WRITE, 0, 14, RAM_BASE + 0x1000, 1024, &r) == 1024 && r == HC_CONTINUE);
    memset(mem.host + 0x2000, 0, 1024);
    CHECK(io(DUET_HC_BLOCK_READ, 0, 14, RAM_BASE + 0x2000, 1024, &r) == 1024);
    CHECK(!memcmp(mem.host + 0x1000, mem.host + 0x2000, 1024));
    struct duet_hc_block_flush f = { .index = 0 };
    memcpy(mem.host + 0x100, &f, sizeof f);
    CHECK(hc_dispatch(&ctx, 8ULL * DUET_HC_BLOCK_FLUSH, 8, 1, RAM_BASE + 0x100) == HC_CONTINUE);
    memcpy(&f, mem.host + 0x100, sizeof f);
    CHECK(f.ret == 0);
    struct duet_hc_block_info i = { .index = 0 };
    memcpy(mem.host + 0x100, &i, sizeof i);
    hc_dispatch(&ctx, 8ULL * DUET_HC_BLOCK_INFO, 8, 1, RAM_BASE + 0x100);
    memcpy(&i, mem.host + 0x100, sizeof i);
    CHECK(i.ret == 0 && i.sectors == 16 && i.sector_size == 512 && !i.read_only);
    teardown();
}

static void test_hostile_requests(void)
{
    setup(0);
    enum hc_result r;
    uint64_t buf = RAM_BASE + 0x1000;
    CHECK(io(DUET_HC_BLOCK_READ, 0, 16, buf, 512, &r) == DUET_EINVAL);         /* past the end */
    CHECK(io(DUET_HC_BLOCK_READ, 0, 15, buf, 1024, &r) == DUET_EINVAL);        /* crosses it */
    CHECK(io(DUET_HC_BLOCK_READ, 0, UINT64_MAX, buf, 512, &r) == DUET_EINVAL); /* huge sector */
    CHECK(io(DUET_HC_BLOCK_READ, 0, UINT64_MAX / 512 + 1, buf, 512, &r) == DUET_EINVAL);
    CHECK(io(DUET_HC_BLOCK_READ, 0, 0, buf, 0, &r) == DUET_EINVAL);             /* empty */
    CHECK(io(DUET_HC_BLOCK_READ, 0, 0, buf, 513, &r) == DUET_EINVAL);           /* not sectors */
    CHECK(io(DUET_HC_BLOCK_READ, 0, 0, buf, ~0ULL - 511, &r) == DUET_EINVAL);   /* wraps */
    CHECK(io(DUET_HC_BLOCK_READ, 1, 0, buf, 512, &r) == DUET_ENODEV);
    CHECK(io(DUET_HC_BLOCK_READ, UINT32_MAX, 0, buf, 512, &r) == DUET_ENODEV);
    CHECK(r == HC_CONTINUE); /* errors, not faults: the guest goes on */
    /* A buffer outside guest RAM stops the guest, with a message. */
    io(DUET_HC_BLOCK_READ, 0, 0, RAM_BASE + RAM_SIZE - 256, 512, &r);
    CHECK(r == HC_FAULT && strstr(ctx.err, "outside guest RAM"));
    io(DUET_HC_BLOCK_WRITE, 0, 0, 0x1000, 512, &r);
    CHECK(r == HC_FAULT);
    teardown();
}

static void test_read_only(void)
{
    setup(1);
    enum hc_result r;
    CHECK(io(DUET_HC_BLOCK_WRITE, 0, 0, RAM_BASE + 0x1000, 512, &r) == DUET_EROFS);
    CHECK(io(DUET_HC_BLOCK_READ, 0, 0, RAM_BASE + 0x1000, 512, &r) == 512);
    teardown();
}

int main(void)
{
    RUN_TEST(test_spec_parsing);
    RUN_TEST(test_open_refuses_partial_sectors);
    RUN_TEST(test_write_read_back);
    RUN_TEST(test_hostile_requests);
    RUN_TEST(test_read_only);
    gmem_free(&mem);
    return CHECK_EXIT();
}
