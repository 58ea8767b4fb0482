/*
 * The `duet regs` and `duet irq` tool modes as a user meets them: exact
 * output, exit statuses, one-line errors, and the guest-only lines of
 * sysregs.def that must never become host ids. (Values against Linux's own
 * headers: test_kvm_uapi.c.)
 */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "cli/commands.h"
#include "duet/hypercall.h"
#include "duet/kvm_regs.h"
#include "cli/regnames.h"

struct cmd_result {
    int status;
    char out[512], err[512];
};

/* Reads what fd 1 or 2 got while redirected into `f`. */
static void slurp(FILE *f, char *buf, size_t len)
{
    rewind(f);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = 0;
    fclose(f);
}

/* Runs a command function on a NULL-terminated word list, capturing stdout and stderr. */
static struct cmd_result run(int (*cmd)(int, char **), const char *w0, ...)
{
    struct cmd_result r;
    char *argv[16];
    int argc = 0;
    va_list ap;
    va_start(ap, w0);
    for (const char *w = w0; w && argc < 15; w = va_arg(ap, const char *))
        argv[argc++] = (char *)w;
    va_end(ap);
    argv[argc] = NULL;

    FILE *out = tmpfile(), *err = tmpfile();
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    dup2(fileno(out), 1);
    dup2(fileno(err), 2);
    r.status = cmd(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    slurp(out, r.out, sizeof r.out);
    slurp(err, r.err, sizeof r.err);
    return r;
}

/* A usage error: status 2, nothing on stdout, one line on stderr with the prefix. */
static int one_line_error(struct cmd_result r, const char *prefix)
{
    size_t n = strlen(r.err);
    return r.status == DUET_STATUS_USAGE && !r.out[0] && !strncmp(r.err, prefix, strlen(prefix)) &&
           n > 0 && r.err[n - 1] == '\n' && !memchr(r.err, '\n', n - 1);
}

static void test_regs_decode_and_encode_output(void)
{
    struct cmd_result r = run(cmd_regs, "regs", "decode", "0x603000000013c080", NULL);
    CHECK(r.status == 0);
    CHECK_STR(r.out, "SCTLR_EL1 sysreg(3,0,1,0,0) u64\n");
    r = run(cmd_regs, "regs", "encode", "SCTLR_EL1", NULL);
    CHECK(r.status == 0);
    CHECK_STR(r.out, "0x603000000013c080\n");
    r = run(cmd_regs, "regs", "encode", "x0", NULL);
    CHECK_STR(r.out, "0x6030000000100000\n");
    r = run(cmd_regs, "regs", "decode", "0x6030000000100000", NULL);
    CHECK_STR(r.out, "x0 core(0x0) u64\n");
    r = run(cmd_regs, "regs", "decode", "0x60400000001000b0", NULL);
    CHECK_STR(r.out, "v23 core(0xb0) u128\n");
    r = run(cmd_regs, "regs", "decode", "0x60200000001000d4", NULL);
    CHECK_STR(r.out, "fpsr core(0xd4) u32\n");
    r = run(cmd_regs, "regs", "decode", "0x6020000000110001", NULL);
    CHECK_STR(r.out, "CCSIDR[1] demux(ccsidr,1) u32\n");
    r = run(cmd_regs, "regs", "decode", "0x6030000000140000", NULL);
    CHECK_STR(r.out, "PSCI_VERSION fw(0) u64\n");
    /* Decimal works too; hex digits in either case. */
    r = run(cmd_regs, "regs", "decode", "6931039826524487808", NULL);
    CHECK_STR(r.out, "SCTLR_EL1 sysreg(3,0,1,0,0) u64\n");
    r = run(cmd_regs, "regs", "decode", "0X603000000013C080", NULL);
    CHECK_STR(r.out, "SCTLR_EL1 sysreg(3,0,1,0,0) u64\n");
}

/* KVM's virtual-timer ids decode by their KVM names, saying what they hold. */
static void test_timer_ids_say_what_they_hold(void)
{
    char out[192];
    CHECK(regname_decode(DUET_REG_TIMER_CVAL, out, sizeof out) == 0);
    CHECK(!strncmp(out, "TIMER_CVAL sysreg(3,3,14,0,2) u64 (CNTV_CVAL_EL0", 48));
    CHECK(regname_decode(DUET_REG_TIMER_CNT, out, sizeof out) == 0);
    CHECK(!strncmp(out, "TIMER_CNT sysreg(3,3,14,3,2) u64 (CNTVCT_EL0", 44));
    CHECK(regname_decode(DUET_REG_TIMER_CTL, out, sizeof out) == 0);
    CHECK(!strncmp(out, "TIMER_CTL sysreg(3,3,14,3,1) u64", 32));
    /* The swap, stated in terms of the table the guest uses. */
    CHECK_EQ_U64(DUET_REG_TIMER_CVAL & 0xffff, DUET_SYSREG_ENC_CNTVCT_EL0);
    CHECK_EQ_U64(DUET_REG_TIMER_CNT & 0xffff, DUET_SYSREG_ENC_CNTV_CVAL_EL0);
    CHECK_EQ_U64(DUET_REG_TIMER_CTL, DUET_REG_SYSREG_BY_NAME(CNTV_CTL_EL0));
}

/* Guest-only table lines refuse to become ids, and name what to use instead. */
static void test_guest_only_sysregs_have_no_host_id(void)
{
    struct cmd_result r = run(cmd_regs, "regs", "encode", "CNTVCT_EL0", NULL);
    CHECK(one_line_error(r, "duet regs: "));
    CHECK(strstr(r.err, "TIMER_CVAL") && strstr(r.err, "use TIMER_CNT"));
    r = run(cmd_regs, "regs", "encode", "cntv_cval_el0", NULL);
    CHECK(one_line_error(r, "duet regs: "));
    CHECK(strstr(r.err, "use TIMER_CVAL"));
    r = run(cmd_regs, "regs", "encode", "CCSIDR_EL1", NULL);
    CHECK(one_line_error(r, "duet regs: "));
    CHECK(strstr(r.err, "CCSIDR[<csselr>]"));
    /* The guest still has their encodings (mrs/msr come from these). */
    CHECK_EQ_U64(DUET_SYSREG_ENC_CNTVCT_EL0, (3 << 14) | (3 << 11) | (14 << 7) | (0 << 3) | 2);
    CHECK_EQ_U64(DUET_SYSREG_ENC_CCSIDR_EL1, (3 << 14) | (1 << 11));
}

static void test_regs_bad_input(void)
{
    static const char *bad_numbers[] = {
        "", "0x", "x1", " 1", "\t1", "-1", "+1", "0x1g", "1 ", "0x603000000013c080junk",
        "18446744073709551616", "0x10000000000000000", "0xffffffffffffffff", "0", NULL,
    };
    for (int i = 0; bad_numbers[i]; i++) {
        struct cmd_result r = run(cmd_regs, "regs", "decode", bad_numbers[i], NULL);
        CHECK(one_line_error(r, "duet regs: "));
    }
    /* "010" is ten, not octal eight: and ten is no register. */
    CHECK(one_line_error(run(cmd_regs, "regs", "decode", "010", NULL), "duet regs: "));
    static const char *bad_names[] = { "", "NOPE_EL9", "X0", "x31", "spsr[5]", "S3_0_C1_C0",
                                       "S3_0_C1_C0_0_", "CCSIDR[-1]", "FW[0x1]", NULL };
    for (int i = 0; bad_names[i]; i++) {
        struct cmd_result r = run(cmd_regs, "regs", "encode", bad_names[i], NULL);
        CHECK(one_line_error(r, "duet regs: "));
    }
    CHECK(one_line_error(run(cmd_regs, "regs", NULL), "duet regs: "));
    CHECK(one_line_error(run(cmd_regs, "regs", "decode", NULL), "duet regs: "));
    CHECK(one_line_error(run(cmd_regs, "regs", "encode", NULL), "duet regs: "));
    CHECK(one_line_error(run(cmd_regs, "regs", "frobnicate", "x0", NULL), "duet regs: "));
    CHECK(one_line_error(run(cmd_regs, "regs", "encode", "x0", "x1", NULL), "duet regs: "));
    CHECK(one_line_error(run(cmd_regs, "regs", "list", "extra", NULL), "duet regs: "));
#if !defined(__aarch64__)
    struct cmd_result r = run(cmd_regs, "regs", "list", NULL);
    CHECK(r.status == DUET_STATUS_HOST_ERROR);
    CHECK_STR(r.err, "duet regs list: needs arm64 KVM (/dev/kvm on an arm64 host)\n");
#endif
}

/* Every sysreg id decode prints encodes back to itself, unknown ones included. */
static void test_every_sysreg_encoding_round_trips(void)
{
    for (unsigned enc = 0; enc < 0x10000; enc++) {
        uint64_t id = DUET_REG_SYSREG(enc >> 14, (enc >> 11) & 7, (enc >> 7) & 15,
                                      (enc >> 3) & 15, enc & 7), back = 0;
        char name[64], err[160];
        CHECK(regname_of(id, name, sizeof name) == 0);
        CHECK(regname_encode(name, &back, err, sizeof err) == 0);
        CHECK_EQ_U64(back, id);
    }
}

static void test_irq_output(void)
{
    struct cmd_result r = run(cmd_irq, "irq", "decode", "0x0201001b", NULL);
    CHECK(r.status == 0);
    CHECK_STR(r.out, "PPI 27 vcpu 1\n");
    r = run(cmd_irq, "irq", "encode", "ppi", "27", "vcpu", "1", NULL);
    CHECK_STR(r.out, "0x0201001b\n");
    r = run(cmd_irq, "irq", "encode", "spi", "32", NULL);
    CHECK_STR(r.out, "0x01000020\n");
    r = run(cmd_irq, "irq", "decode", "0x01000020", NULL);
    CHECK_STR(r.out, "SPI 32\n");
    r = run(cmd_irq, "irq", "encode", "SPI", "1019", NULL);
    CHECK_STR(r.out, "0x010003fb\n");
    r = run(cmd_irq, "irq", "encode", "cpu", "fiq", "vcpu", "2", NULL);
    CHECK_STR(r.out, "0x00020001\n");
    r = run(cmd_irq, "irq", "decode", "0x00020001", NULL);
    CHECK_STR(r.out, "CPU FIQ vcpu 2\n");
    /* vCPU 300 needs the vcpu2 field: 300 = 0x12c. */
    r = run(cmd_irq, "irq", "encode", "ppi", "27", "vcpu", "300", NULL);
    CHECK_STR(r.out, "0x122c001b\n");
    r = run(cmd_irq, "irq", "decode", "0x122c001b", NULL);
    CHECK_STR(r.out, "PPI 27 vcpu 300\n");
}

static void test_irq_bad_input(void)
{
    const char *p = "duet irq: ";
    CHECK(one_line_error(run(cmd_irq, "irq", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "decode", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "decode", "", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "decode", "0x100000000", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "decode", "0x0301001b", NULL), p)); /* type 3 */
    CHECK(one_line_error(run(cmd_irq, "irq", "decode", "0x02010020", NULL), p)); /* PPI 32 */
    CHECK(one_line_error(run(cmd_irq, "irq", "decode", "0x0100001f", NULL), p)); /* SPI 31 */
    CHECK(one_line_error(run(cmd_irq, "irq", "decode", "0x00000002", NULL), p)); /* CPU line 2 */
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", "spi", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", "lpi", "8192", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", "ppi", "15", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", "ppi", "40", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", "spi", "1020", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", "spi", "32", "vcpu", "1", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", "ppi", "27", "vcpu", "4096", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", "ppi", "27", "cpu", "1", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", "ppi", "27", "vcpu", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", "ppi", "027x", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", "cpu", "nmi", NULL), p));
    CHECK(one_line_error(run(cmd_irq, "irq", "encode", "ppi", "99999999999999999999", NULL), p));
}

int main(void)
{
    RUN_TEST(test_regs_decode_and_encode_output);
    RUN_TEST(test_timer_ids_say_what_they_hold);
    RUN_TEST(test_guest_only_sysregs_have_no_host_id);
    RUN_TEST(test_regs_bad_input);
    RUN_TEST(test_every_sysreg_encoding_round_trips);
    RUN_TEST(test_irq_output);
    RUN_TEST(test_irq_bad_input);
    return CHECK_EXIT();
}
