/* `duet run` option parsing and sizes. */
#include <string.h>
#include "check.h"
#include "cli/run_options.h"
#include "duet/memmap.h"

static int parse(struct run_options *o, char *err, int argc, char **argv)
{
    return run_options_parse(o, argc, argv, err, 256);
}

static void test_sizes(void)
{
    uint64_t v = 0;
    CHECK(parse_size("32M", &v) == 0); CHECK_EQ_U64(v, 32ULL << 20);
    CHECK(parse_size("1G", &v) == 0); CHECK_EQ_U64(v, 1ULL << 30);
    CHECK(parse_size("512k", &v) == 0); CHECK_EQ_U64(v, 512ULL << 10);
    CHECK(parse_size("64MB", &v) == 0); CHECK_EQ_U64(v, 64ULL << 20);
    CHECK(parse_size("65536", &v) == 0); CHECK_EQ_U64(v, 65536);
    const char *bad[] = { "", "M", "-1M", "+5", " 5", "12Q", "5MM", "5B", "0x10",
                          "99999999999999999999", "17179869184G", NULL };
    for (int i = 0; bad[i]; i++)
        CHECK(parse_size(bad[i], &v) == -1);
    CHECK(parse_size(NULL, &v) == -1);
}

static void test_image_and_guest_args(void)
{
    struct run_options o;
    char err[256];
    char *a[] = { "run", "--mem=64M", "--quiet", "g.elf", "--", "x", "--mem=1G", NULL };
    CHECK(parse(&o, err, 7, a) == 0);
    CHECK_EQ_U64(o.mem_size, 64ULL << 20);
    CHECK(o.quiet && !o.verbose && !o.stats && !o.no_sandbox);
    CHECK_STR(o.image, "g.elf");
    CHECK(o.guest_argc == 2);
    CHECK_STR(o.guest_argv[1], "--mem=1G"); /* after the image: the guest's */

    char *b[] = { "run", "--mem", "8M", "--", "g.elf", "a", NULL };
    CHECK(parse(&o, err, 6, b) == 0);
    CHECK_EQ_U64(o.mem_size, 8ULL << 20);
    CHECK_STR(o.image, "g.elf");
    CHECK(o.guest_argc == 1);
}

static void test_errors(void)
{
    struct run_options o;
    char err[256];
    char *none[] = { "run", NULL };
    CHECK(parse(&o, err, 1, none) == -1 && strstr(err, "no guest image"));
    char *unk[] = { "run", "--bogus", "g.elf", NULL };
    CHECK(parse(&o, err, 3, unk) == -1 && strstr(err, "--bogus"));
    char *small[] = { "run", "--mem=1M", "g.elf", NULL };
    CHECK(parse(&o, err, 3, small) == -1 && strstr(err, "outside"));
    char *huge[] = { "run", "--mem=17G", "g.elf", NULL };
    CHECK(parse(&o, err, 3, huge) == -1);
    char *odd[] = { "run", "--mem=4097K", "g.elf", NULL };
    CHECK(parse(&o, err, 3, odd) == -1 && strstr(err, "4K"));
    char *missing[] = { "run", "--mem", NULL };
    CHECK(parse(&o, err, 2, missing) == -1);
    char *help[] = { "run", "--help", NULL };
    CHECK(parse(&o, err, 2, help) == 0 && o.help);
}

/* --no-vgic: taken alone or with --bench-exits; refused beside a NIC, which
 * signals through the vGIC. */
static void test_no_vgic(void)
{
    struct run_options o;
    char err[256];
    char *a[] = { "run", "--no-vgic", "--bench-exits", "g.elf", NULL };
    CHECK(parse(&o, err, 4, a) == 0 && o.no_vgic && o.bench_exits);
    char *b[] = { "run", "g.elf", NULL };
    CHECK(parse(&o, err, 2, b) == 0 && !o.no_vgic);
    char *c[] = { "run", "--no-vgic", "--net:net0=tap0", "g.elf", NULL };
    CHECK(parse(&o, err, 4, c) == -1 && strstr(err, "--no-vgic") && strstr(err, "--net"));
}

static void test_env(void)
{
    struct run_options o;
    char err[256];
    char *a[] = { "run", "--env", "HOME=/", "--env=A_1=x=y", "--env", "EMPTY=", "g.elf", NULL };
    CHECK(parse(&o, err, 7, a) == 0);
    CHECK(o.nenv == 3);
    CHECK_STR(o.env[0], "HOME=/");
    CHECK_STR(o.env[1], "A_1=x=y");  /* the value may hold '=' */
    CHECK_STR(o.env[2], "EMPTY=");
    const char *bad[] = { "NOEQUALS", "=v", "1X=v", "A-B=v", "A B=v", NULL };
    for (int i = 0; bad[i]; i++) {
        char *b[] = { "run", "--env", (char *)bad[i], "g.elf", NULL };
        CHECK(parse(&o, err, 4, b) == -1);
        CHECK(strstr(err, "--env") != NULL);
    }
    char *c[] = { "run", "g.elf", "--env", NULL };  /* after the image: the guest's */
    CHECK(parse(&o, err, 3, c) == 0 && o.nenv == 0);
    char *d[] = { "run", "--env", NULL };
    CHECK(parse(&o, err, 2, d) == -1);
}

static void test_default_mem(void)
{
    struct run_options o;
    char err[256];
    char *a[] = { "run", "g.elf", NULL };
    CHECK(parse(&o, err, 2, a) == 0);
    CHECK(o.mem_size >= DUET_RAM_MIN && o.mem_size <= DUET_RAM_MAX);
    CHECK(o.guest_argc == 0);
}

int main(void)
{
    RUN_TEST(test_sizes);
    RUN_TEST(test_image_and_guest_args);
    RUN_TEST(test_errors);
    RUN_TEST(test_default_mem);
    RUN_TEST(test_env);
    RUN_TEST(test_no_vgic);
    return CHECK_EXIT();
}
