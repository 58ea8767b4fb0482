/* Duet's shared header against Linux's arm64 KVM uAPI, value by value. */
#include "check.h"
#include "cli/regnames.h"
#include "duet/kvm_irq.h"
#include "duet/kvm_regs.h"
#include "oracle/oracle.h"

static unsigned long long linux_value(const struct oracle_value *t, const char *name)
{
    for (; t->name; t++)
        if (!strcmp(t->name, name))
            return t->value;
    printf("  oracle has no %s\n", name);
    return ~0ULL;
}

static void test_every_core_register(void)
{
    int n = 0;
    for (const struct oracle_value *o = oracle_core; o->name; o++, n++) {
        uint64_t id = 0;
        char err[128];
        CHECK(regname_encode(o->name, &id, err, sizeof err) == 0);
        CHECK_EQ_U64(id, o->value);
    }
    CHECK(n == 31 + 5 + 5 + 32 + 2);
    CHECK_EQ_U64(DUET_REG_X(0), linux_value(oracle_core, "x0"));
    CHECK_EQ_U64(DUET_REG_X(30), linux_value(oracle_core, "x30"));
    CHECK_EQ_U64(DUET_REG_PC, linux_value(oracle_core, "pc"));
    CHECK_EQ_U64(DUET_REG_PSTATE, linux_value(oracle_core, "pstate"));
    CHECK_EQ_U64(DUET_REG_SP_EL1, linux_value(oracle_core, "sp_el1"));
    CHECK_EQ_U64(DUET_REG_V(31), linux_value(oracle_core, "v31"));
    CHECK_EQ_U64(DUET_REG_FPCR, linux_value(oracle_core, "fpcr"));
}

static void test_every_sysreg_in_the_table(void)
{
    int n = 0;
    for (const struct oracle_value *o = oracle_sysregs; o->name; o++, n++) {
        uint64_t id = 0;
        char err[128];
        CHECK(regname_encode(o->name, &id, err, sizeof err) == 0);
        CHECK_EQ_U64(id, o->value);
    }
    CHECK(n >= 40);
    CHECK_EQ_U64(DUET_REG_SYSREG_BY_NAME(SCTLR_EL1), linux_value(oracle_sysregs, "SCTLR_EL1"));
    CHECK_EQ_U64(DUET_REG_SYSREG(3, 0, 1, 0, 0), 0x603000000013c080ULL);
}

static void test_timer_firmware_demux(void)
{
    CHECK_EQ_U64(DUET_REG_TIMER_CTL, linux_value(oracle_named, "TIMER_CTL"));
    CHECK_EQ_U64(DUET_REG_TIMER_CVAL, linux_value(oracle_named, "TIMER_CVAL"));
    CHECK_EQ_U64(DUET_REG_TIMER_CNT, linux_value(oracle_named, "TIMER_CNT"));
    CHECK_EQ_U64(DUET_REG_PSCI_VERSION, linux_value(oracle_named, "PSCI_VERSION"));
    CHECK_EQ_U64(DUET_REG_SMCCC_ARCH_WORKAROUND_1, linux_value(oracle_named, "SMCCC_ARCH_WORKAROUND_1"));
    CHECK_EQ_U64(DUET_REG_SMCCC_ARCH_WORKAROUND_2, linux_value(oracle_named, "SMCCC_ARCH_WORKAROUND_2"));
    CHECK_EQ_U64(DUET_REG_SMCCC_ARCH_WORKAROUND_3, linux_value(oracle_named, "SMCCC_ARCH_WORKAROUND_3"));
    CHECK_EQ_U64(DUET_REG_FW(7), linux_value(oracle_named, "FW[7]"));
    CHECK_EQ_U64(DUET_REG_DEMUX_CCSIDR(0), linux_value(oracle_named, "CCSIDR[0]"));
    CHECK_EQ_U64(DUET_REG_DEMUX_CCSIDR(5), linux_value(oracle_named, "CCSIDR[5]"));
    CHECK_EQ_U64(DUET_REG_DEMUX_CCSIDR(255), linux_value(oracle_named, "CCSIDR[255]"));
    /* Every named id also encodes by name and decodes back to it. */
    for (const struct oracle_value *o = oracle_named; o->name; o++) {
        uint64_t id = 0;
        char err[128], name[64];
        CHECK(regname_encode(o->name, &id, err, sizeof err) == 0);
        CHECK_EQ_U64(id, o->value);
        CHECK(regname_of(o->value, name, sizeof name) == 0);
        CHECK_STR(name, o->name);
    }
}

static void test_field_layout(void)
{
    CHECK_EQ_U64(DUET_REG_ARCH_ARM64, linux_value(oracle_fields, "KVM_REG_ARM64"));
    CHECK_EQ_U64(DUET_REG_ARCH_MASK, linux_value(oracle_fields, "KVM_REG_ARCH_MASK"));
    CHECK_EQ_U64(DUET_REG_SIZE_U32, linux_value(oracle_fields, "KVM_REG_SIZE_U32"));
    CHECK_EQ_U64(DUET_REG_SIZE_U64, linux_value(oracle_fields, "KVM_REG_SIZE_U64"));
    CHECK_EQ_U64(DUET_REG_SIZE_U128, linux_value(oracle_fields, "KVM_REG_SIZE_U128"));
    CHECK_EQ_U64(DUET_REG_SIZE_MASK, linux_value(oracle_fields, "KVM_REG_SIZE_MASK"));
    CHECK_EQ_U64(DUET_REG_GROUP_CORE, linux_value(oracle_fields, "KVM_REG_ARM_CORE"));
    CHECK_EQ_U64(DUET_REG_GROUP_DEMUX, linux_value(oracle_fields, "KVM_REG_ARM_DEMUX"));
    CHECK_EQ_U64(DUET_REG_GROUP_SYSREG, linux_value(oracle_fields, "KVM_REG_ARM64_SYSREG"));
    CHECK_EQ_U64(DUET_REG_GROUP_FW, linux_value(oracle_fields, "KVM_REG_ARM_FW"));
    CHECK_EQ_U64(DUET_REG_GROUP_MASK, linux_value(oracle_fields, "KVM_REG_ARM_COPROC_MASK"));
    CHECK_EQ_U64(DUET_DEMUX_ID_MASK, linux_value(oracle_fields, "KVM_REG_ARM_DEMUX_ID_MASK"));
    CHECK_EQ_U64(DUET_DEMUX_VAL_MASK, linux_value(oracle_fields, "KVM_REG_ARM_DEMUX_VAL_MASK"));
    CHECK(duet_reg_size(DUET_REG_V(0)) == 16 && duet_reg_size(DUET_REG_FPSR) == 4 &&
          duet_reg_size(DUET_REG_PC) == 8);
}

static void test_irq_line_field(void)
{
    CHECK_EQ_U64(DUET_IRQ_VCPU2_SHIFT, linux_value(oracle_fields, "KVM_ARM_IRQ_VCPU2_SHIFT"));
    CHECK_EQ_U64(DUET_IRQ_VCPU2_MASK, linux_value(oracle_fields, "KVM_ARM_IRQ_VCPU2_MASK"));
    CHECK_EQ_U64(DUET_IRQ_TYPE_SHIFT, linux_value(oracle_fields, "KVM_ARM_IRQ_TYPE_SHIFT"));
    CHECK_EQ_U64(DUET_IRQ_TYPE_MASK, linux_value(oracle_fields, "KVM_ARM_IRQ_TYPE_MASK"));
    CHECK_EQ_U64(DUET_IRQ_VCPU_SHIFT, linux_value(oracle_fields, "KVM_ARM_IRQ_VCPU_SHIFT"));
    CHECK_EQ_U64(DUET_IRQ_VCPU_MASK, linux_value(oracle_fields, "KVM_ARM_IRQ_VCPU_MASK"));
    CHECK_EQ_U64(DUET_IRQ_NUM_SHIFT, linux_value(oracle_fields, "KVM_ARM_IRQ_NUM_SHIFT"));
    CHECK_EQ_U64(DUET_IRQ_NUM_MASK, linux_value(oracle_fields, "KVM_ARM_IRQ_NUM_MASK"));
    CHECK_EQ_U64(DUET_IRQ_TYPE_CPU, linux_value(oracle_fields, "KVM_ARM_IRQ_TYPE_CPU"));
    CHECK_EQ_U64(DUET_IRQ_TYPE_SPI, linux_value(oracle_fields, "KVM_ARM_IRQ_TYPE_SPI"));
    CHECK_EQ_U64(DUET_IRQ_TYPE_PPI, linux_value(oracle_fields, "KVM_ARM_IRQ_TYPE_PPI"));
    CHECK_EQ_U64(DUET_IRQ_CPU_IRQ, linux_value(oracle_fields, "KVM_ARM_IRQ_CPU_IRQ"));
    CHECK_EQ_U64(DUET_IRQ_CPU_FIQ, linux_value(oracle_fields, "KVM_ARM_IRQ_CPU_FIQ"));
    struct duet_irq ppi = { DUET_IRQ_TYPE_PPI, 1, DUET_IRQ_VTIMER };
    CHECK_EQ_U64(duet_irq_pack(ppi), 0x0201001b);
    /* Round trips over every type, both vCPU fields, many ids. */
    for (unsigned t = 0; t < 3; t++)
        for (unsigned vcpu = 0; vcpu < 4096; vcpu += 37)
            for (unsigned id = 0; id < 1020; id += 101) {
                struct duet_irq in = { t, vcpu, id }, out = duet_irq_unpack(duet_irq_pack(in));
                CHECK(out.type == t && out.vcpu == vcpu && out.id == id);
            }
}

static void test_decode_encode_round_trip(void)
{
    const struct oracle_value *tables[] = { oracle_core, oracle_sysregs, oracle_named };
    for (unsigned t = 0; t < 3; t++)
        for (const struct oracle_value *o = tables[t]; o->name; o++) {
            char name[64], err[128];
            uint64_t id = 0;
            CHECK(regname_of(o->value, name, sizeof name) == 0);
            CHECK(regname_encode(name, &id, err, sizeof err) == 0);
            CHECK_EQ_U64(id, o->value);
        }
}

static void test_exact_strings_and_errors(void)
{
    char out[192], err[128];
    uint64_t id;
    CHECK(regname_decode(0x603000000013c080ULL, out, sizeof out) == 0);
    CHECK_STR(out, "SCTLR_EL1 sysreg(3,0,1,0,0) u64");
    CHECK(regname_decode(DUET_REG_V(3), out, sizeof out) == 0);
    CHECK_STR(out, "v3 core(0x60) u128");
    CHECK(regname_decode(DUET_REG_DEMUX_CCSIDR(1), out, sizeof out) == 0);
    CHECK_STR(out, "CCSIDR[1] demux(ccsidr,1) u32");
    CHECK(regname_decode(DUET_REG_SYSREG(3, 0, 1, 0, 1), out, sizeof out) == 0);
    CHECK_STR(out, "S3_0_C1_C0_1 sysreg(3,0,1,0,1) u64");
    CHECK(regname_encode("sctlr_el1", &id, err, sizeof err) == 0);
    CHECK_EQ_U64(id, 0x603000000013c080ULL);
    /* Wrong size for the register, wrong arch, reserved bits, odd index, bad group. */
    CHECK(regname_decode(DUET_REG_X(0) & ~DUET_REG_SIZE_MASK, out, sizeof out) == -1);
    CHECK(regname_decode((DUET_REG_PC & ~DUET_REG_SIZE_MASK) | DUET_REG_SIZE_U32, out, sizeof out) == -1);
    CHECK(regname_decode(DUET_REG_PC & ~DUET_REG_ARCH_MASK, out, sizeof out) == -1);
    CHECK(regname_decode(DUET_REG_PC | (1ULL << 40), out, sizeof out) == -1);
    CHECK(regname_decode(DUET_REG_X(0) + 1, out, sizeof out) == -1);
    CHECK(regname_decode(DUET_REG_V(0) - 2, out, sizeof out) == -1);
    CHECK(regname_decode(DUET_REG_ARCH_ARM64 | DUET_REG_SIZE_U64 | (0x99ULL << 16), out, sizeof out) == -1);
    CHECK(regname_decode(DUET_REG_DEMUX_CCSIDR(0) | (1 << 8), out, sizeof out) == -1);
    const char *bad[] = { "", "x31", "v32", "spsr[5]", "CCSIDR[256]", "S4_0_C0_C0_0",
                          "S3_0_C16_C0_0", "S3_0_C1_C0_8", "S3_0_C1_C0_", "FW[65536]",
                          "FW[]", "CCSIDR[1", "X0", NULL };
    for (int i = 0; bad[i]; i++)
        CHECK(regname_encode(bad[i], &id, err, sizeof err) == -1);
}

int main(void)
{
    RUN_TEST(test_every_core_register);
    RUN_TEST(test_every_sysreg_in_the_table);
    RUN_TEST(test_timer_firmware_demux);
    RUN_TEST(test_field_layout);
    RUN_TEST(test_irq_line_field);
    RUN_TEST(test_decode_encode_round_trip);
    RUN_TEST(test_exact_strings_and_errors);
    return CHECK_EXIT();
}
