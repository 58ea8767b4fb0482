/* The hypercall dispatcher and handlers, fed fake guest RAM and hostile arguments. */
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
#include "check.h"
#include "hypercall/hypercall.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE 0x10000ULL

static struct guest_mem mem;
static struct hc_ctx ctx;

static void setup(void)
{
    if (!mem.host)
        gmem_alloc(&mem, RAM_BASE, RAM_SIZE);
    memset(mem.host, 0, RAM_SIZE);
    memset(&ctx, 0, sizeof ctx);
    ctx.mem = &mem;
    ctx.console_fd = open("/dev/null", O_WRONLY);
    ctx.console_left = UINT64_MAX;
    ctx.vm_fd = -1;
}

static enum hc_result call(unsigned nr, uint64_t arg)
{
    return hc_dispatch(&ctx, 8ULL * nr, 8, 1, arg);
}

static void test_gmem_bounds(void)
{
    setup();
    CHECK(gmem_ptr(&mem, RAM_BASE, RAM_SIZE) == mem.host);
    CHECK(gmem_ptr(&mem, RAM_BASE + RAM_SIZE, 0) != NULL);
    CHECK(gmem_ptr(&mem, RAM_BASE + RAM_SIZE, 1) == NULL);
    CHECK(gmem_ptr(&mem, RAM_BASE - 1, 1) == NULL);
    CHECK(gmem_ptr(&mem, RAM_BASE + 8, ~0ULL) == NULL);          /* length wraps */
    CHECK(gmem_ptr(&mem, ~0ULL - 4, 8) == NULL);                 /* address wraps */
    CHECK(gmem_ptr(&mem, RAM_BASE + RAM_SIZE - 4, 8) == NULL);   /* crosses the end */
    close(ctx.console_fd);
}

static void test_console_write(void)
{
    setup();
    struct duet_hc_console_write a = { .data = RAM_BASE + 0x100, .len = 5 };
    memcpy(mem.host + 0x100, "hello", 5);
    memcpy(mem.host + 0x40, &a, sizeof a);
    CHECK(call(DUET_HC_CONSOLE_WRITE, RAM_BASE + 0x40) == HC_CONTINUE);
    memcpy(&a, mem.host + 0x40, sizeof a);
    CHECK(a.ret == 5);
    CHECK(ctx.count[DUET_HC_CONSOLE_WRITE] == 1);
    close(ctx.console_fd);
}

static void test_console_write_hostile(void)
{
    uint64_t bad_data[][2] = {
        { 0, 1 }, { RAM_BASE + RAM_SIZE - 2, 3 }, { RAM_BASE, ~0ULL },
        { ~0ULL, 2 }, { RAM_BASE + 0x10, ~0ULL - 0xf },
    };
    for (size_t i = 0; i < sizeof bad_data / sizeof bad_data[0]; i++) {
        setup();
        struct duet_hc_console_write a = { .data = bad_data[i][0], .len = bad_data[i][1] };
        memcpy(mem.host + 0x40, &a, sizeof a);
        CHECK(call(DUET_HC_CONSOLE_WRITE, RAM_BASE + 0x40) == HC_FAULT);
        CHECK(strstr(ctx.err, "outside guest RAM") != NULL);
        close(ctx.console_fd);
    }
    setup(); /* the struct itself outside RAM, or straddling its end */
    CHECK(call(DUET_HC_CONSOLE_WRITE, 0x1000) == HC_FAULT);
    CHECK(call(DUET_HC_CONSOLE_WRITE, RAM_BASE + RAM_SIZE - 8) == HC_FAULT);
    close(ctx.console_fd);
}

static void test_console_bound(void)
{
    setup();
    int saved = dup(STDERR_FILENO), devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO); /* the bound's note is expected */
    ctx.console_left = 3;
    struct duet_hc_console_write a = { .data = RAM_BASE + 0x100, .len = 5 };
    memcpy(mem.host + 0x40, &a, sizeof a);
    CHECK(call(DUET_HC_CONSOLE_WRITE, RAM_BASE + 0x40) == HC_CONTINUE);
    memcpy(&a, mem.host + 0x40, sizeof a);
    CHECK(a.ret == DUET_ENOSPC);
    CHECK(ctx.console_left == 0);
    CHECK(call(DUET_HC_CONSOLE_WRITE, RAM_BASE + 0x40) == HC_CONTINUE); /* still served */
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(devnull);
    close(ctx.console_fd);
}

static void test_walltime_and_halt(void)
{
    setup();
    CHECK(call(DUET_HC_WALLTIME, RAM_BASE + 3) == HC_CONTINUE); /* unaligned is fine */
    struct duet_hc_walltime w;
    memcpy(&w, mem.host + 3, sizeof w);
    CHECK(w.nsecs > 1600000000ULL * 1000000000ULL);
    struct duet_hc_halt h = { .status = 42 };
    memcpy(mem.host + 0x80, &h, sizeof h);
    CHECK(call(DUET_HC_HALT, RAM_BASE + 0x80) == HC_HALT && ctx.status == 42);
    h.status = DUET_STATUS_CRASH; /* the guest's crash handler */
    memcpy(mem.host + 0x80, &h, sizeof h);
    CHECK(call(DUET_HC_HALT, RAM_BASE + 0x80) == HC_HALT && ctx.guest_crashed);
    h.status = 200;
    memcpy(mem.host + 0x80, &h, sizeof h);
    CHECK(call(DUET_HC_HALT, RAM_BASE + 0x80) == HC_FAULT);
    h.status = -1;
    memcpy(mem.host + 0x80, &h, sizeof h);
    CHECK(call(DUET_HC_HALT, RAM_BASE + 0x80) == HC_FAULT);
    close(ctx.console_fd);
}

static void test_irq_pulse_without_vm(void)
{
    setup();
    struct duet_hc_irq_pulse a = { .intid = 127 };
    memcpy(mem.host + 0x40, &a, sizeof a);
    CHECK(call(DUET_HC_IRQ_PULSE, RAM_BASE + 0x40) == HC_CONTINUE);
    memcpy(&a, mem.host + 0x40, sizeof a);
    CHECK(a.ret == DUET_EIO);
    a.intid = 33; /* not the test SPI */
    memcpy(mem.host + 0x40, &a, sizeof a);
    CHECK(call(DUET_HC_IRQ_PULSE, RAM_BASE + 0x40) == HC_CONTINUE);
    memcpy(&a, mem.host + 0x40, sizeof a);
    CHECK(a.ret == DUET_EINVAL);
    close(ctx.console_fd);
}

static void test_bad_accesses(void)
{
    setup();
    CHECK(call(0, RAM_BASE) == HC_FAULT && strstr(ctx.err, "unknown hypercall 0"));
    CHECK(call(DUET_HC_MAX, RAM_BASE) == HC_FAULT);
    CHECK(call(511, RAM_BASE) == HC_FAULT);
    CHECK(hc_dispatch(&ctx, 8, 4, 1, 0) == HC_FAULT && strstr(ctx.err, "4 bytes"));
    CHECK(hc_dispatch(&ctx, 9, 1, 1, 0) == HC_FAULT);
    CHECK(hc_dispatch(&ctx, 8, 8, 0, 0) == HC_FAULT && strstr(ctx.err, "read"));
    CHECK(hc_name(DUET_HC_CONSOLE_WRITE) != NULL && hc_name(0) == NULL);
    close(ctx.console_fd);
}

/* DUET_HC_BENCH_IOEVENTFD reaching the host (no ioeventfd bound): the guest is told. */
static void test_bench_ioeventfd_reaches_host(void)
{
    setup();
    uint64_t reached = 0;
    memcpy(mem.host + 0x48, &reached, sizeof reached);
    CHECK(call(DUET_HC_BENCH_IOEVENTFD, RAM_BASE + 0x48) == HC_CONTINUE);
    memcpy(&reached, mem.host + 0x48, sizeof reached);
    CHECK(reached == 1);
    CHECK(call(DUET_HC_BENCH_IOEVENTFD, RAM_BASE + RAM_SIZE - 4) == HC_FAULT &&
          strstr(ctx.err, "outside guest RAM"));
    close(ctx.console_fd);
}

/* The handler table in hc_ctx: every registered number dispatches to its own
 * handler, from the first call on, and a number nobody registered faults. */
static void test_handler_table(void)
{
    setup();
    CHECK(!ctx.fn_indexed);
    CHECK(call(DUET_HC_WALLTIME, RAM_BASE) == HC_CONTINUE && ctx.fn_indexed);
    unsigned registered = 0, unused = 0;
    for (unsigned nr = 0; nr < DUET_HC_MAX; nr++) {
        CHECK((hc_name(nr) != NULL) == (ctx.fn[nr] != NULL));
        registered += ctx.fn[nr] != NULL;
        if (nr && !ctx.fn[nr] && !unused)
            unused = nr;
    }
    CHECK(registered >= 5); /* console, walltime, halt, boot times, irq pulse at least */
    CHECK(ctx.fn[DUET_HC_FLOOR] == NULL); /* the floor never reaches the dispatcher */
    CHECK(unused != 0);
    char want[40];
    snprintf(want, sizeof want, "unknown hypercall %u", unused);
    CHECK(call(unused, RAM_BASE) == HC_FAULT && strstr(ctx.err, want));
    CHECK(ctx.count[DUET_HC_WALLTIME] == 1 && ctx.count[unused] == 0);
    close(ctx.console_fd);
}

int main(void)
{
    RUN_TEST(test_gmem_bounds);
    RUN_TEST(test_console_write);
    RUN_TEST(test_console_write_hostile);
    RUN_TEST(test_console_bound);
    RUN_TEST(test_walltime_and_halt);
    RUN_TEST(test_irq_pulse_without_vm);
    RUN_TEST(test_bad_accesses);
    RUN_TEST(test_bench_ioeventfd_reaches_host);
    RUN_TEST(test_handler_table);
    gmem_free(&mem);
    return CHECK_EXIT();
}
