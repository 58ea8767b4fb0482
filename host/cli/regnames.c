/* Register-id <-> name translation over the tables of shared/include/duet. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "duet/kvm_regs.h"
#include "cli/regnames.h"

#define GROUP_FW_FEAT_BMAP (0x0016ULL << DUET_REG_GROUP_SHIFT)
#define RESERVED_MASK      0x000ffffff0000000ULL  /* bits 51..28: always zero */

struct sysreg_name { const char *name; uint16_t enc; };
static const struct sysreg_name sysregs[] = {
#define DUET_SYSREG(n, op0, op1, crn, crm, op2) { #n, (uint16_t)DUET_SYSREG_ENC(op0, op1, crn, crm, op2) },
#include "duet/sysregs.def"
#undef DUET_SYSREG
};
#define NSYSREGS (sizeof sysregs / sizeof sysregs[0])

/* Registers the guest names but KVM has no sysreg id for (sysregs.def), and
 * what the host should ask for instead. */
static const struct { const char *name; uint16_t enc; } guest_only[] = {
#define DUET_SYSREG(n, op0, op1, crn, crm, op2)
#define DUET_SYSREG_GUEST(n, op0, op1, crn, crm, op2) \
    { #n, (uint16_t)DUET_SYSREG_ENC(op0, op1, crn, crm, op2) },
#include "duet/sysregs.def"
#undef DUET_SYSREG
#undef DUET_SYSREG_GUEST
};
static const struct { const char *name, *instead; } guest_only_instead[] = {
    { "CNTVCT_EL0", "TIMER_CNT" },
    { "CNTV_CVAL_EL0", "TIMER_CVAL" },
    { "CCSIDR_EL1", "CCSIDR[<csselr>]" },
};

/* KVM's timer ids shadow the table: TIMER_CVAL/CNT carry swapped encodings. */
static const struct { const char *name; uint64_t id; const char *note; } timers[] = {
    { "TIMER_CTL", DUET_REG_TIMER_CTL, " (CNTV_CTL_EL0)" },
    { "TIMER_CVAL", DUET_REG_TIMER_CVAL,
      " (CNTV_CVAL_EL0, under CNTVCT_EL0's op-codes: KVM's fixed ABI swaps them)" },
    { "TIMER_CNT", DUET_REG_TIMER_CNT,
      " (CNTVCT_EL0, under CNTV_CVAL_EL0's op-codes: KVM's fixed ABI swaps them)" },
};

static const char *const fw_names[] = {
    "PSCI_VERSION", "SMCCC_ARCH_WORKAROUND_1", "SMCCC_ARCH_WORKAROUND_2",
    "SMCCC_ARCH_WORKAROUND_3",
};
static const char *const bmap_names[] = { "STD_BMAP", "STD_HYP_BMAP", "VENDOR_HYP_BMAP" };

/* The named core registers: every valid core id is one of these. */
static int core_name(unsigned idx, uint64_t size, char *out, size_t n)
{
    if (size == DUET_REG_SIZE_U64) {
        if (idx < 62 && idx % 2 == 0) return snprintf(out, n, "x%u", idx / 2), 0;
        switch (idx) {
        case DUET_CORE_IDX_SP: return snprintf(out, n, "sp"), 0;
        case DUET_CORE_IDX_PC: return snprintf(out, n, "pc"), 0;
        case DUET_CORE_IDX_PSTATE: return snprintf(out, n, "pstate"), 0;
        case DUET_CORE_IDX_SP_EL1: return snprintf(out, n, "sp_el1"), 0;
        case DUET_CORE_IDX_ELR_EL1: return snprintf(out, n, "elr_el1"), 0;
        }
        if (idx >= DUET_CORE_IDX_SPSR(0) && idx < DUET_CORE_IDX_SPSR(DUET_NUM_SPSR) && idx % 2 == 0)
            return snprintf(out, n, "spsr[%u]", (idx - DUET_CORE_IDX_SPSR(0)) / 2), 0;
    } else if (size == DUET_REG_SIZE_U128) {
        if (idx >= DUET_CORE_IDX_V(0) && idx < DUET_CORE_IDX_V(32) && idx % 4 == 0)
            return snprintf(out, n, "v%u", (idx - DUET_CORE_IDX_V(0)) / 4), 0;
    } else if (size == DUET_REG_SIZE_U32) {
        if (idx == DUET_CORE_IDX_FPSR) return snprintf(out, n, "fpsr"), 0;
        if (idx == DUET_CORE_IDX_FPCR) return snprintf(out, n, "fpcr"), 0;
    }
    return -1;
}

static const char *size_name(uint64_t id)
{
    switch (id & DUET_REG_SIZE_MASK) {
    case DUET_REG_SIZE_U32: return "u32";
    case DUET_REG_SIZE_U64: return "u64";
    case DUET_REG_SIZE_U128: return "u128";
    default: return "?";
    }
}

static int fail(char *out, size_t n, const char *what, uint64_t id)
{
    snprintf(out, n, "0x%016llx: %s", (unsigned long long)id, what);
    return -1;
}

/* Name into name[], details into det[]. */
static int decode(uint64_t id, char *name, size_t nn, char *det, size_t dn, char *err, size_t en)
{
    if ((id & DUET_REG_ARCH_MASK) != DUET_REG_ARCH_ARM64)
        return fail(err, en, "not an arm64 register id (arch field must be 0x60)", id);
    if (id & RESERVED_MASK)
        return fail(err, en, "reserved bits 51..28 are set", id);
    uint64_t group = id & DUET_REG_GROUP_MASK, size = id & DUET_REG_SIZE_MASK;
    unsigned low = (unsigned)(id & 0xffff);
    if (group == DUET_REG_GROUP_CORE) {
        if (core_name(low, size, name, nn) < 0)
            return fail(err, en, "no core register starts there with that size", id);
        snprintf(det, dn, "core(0x%x) %s", low, size_name(id));
        return 0;
    }
    if (group == DUET_REG_GROUP_SYSREG) {
        if (size != DUET_REG_SIZE_U64)
            return fail(err, en, "system registers are u64", id);
        unsigned op0 = low >> 14, op1 = (low >> 11) & 7, crn = (low >> 7) & 15,
                 crm = (low >> 3) & 15, op2 = low & 7;
        snprintf(det, dn, "sysreg(%u,%u,%u,%u,%u) u64", op0, op1, crn, crm, op2);
        for (size_t i = 0; i < sizeof timers / sizeof timers[0]; i++)
            if (timers[i].id == id) {
                snprintf(name, nn, "%s", timers[i].name);
                snprintf(det + strlen(det), dn - strlen(det), "%s", timers[i].note);
                return 0;
            }
        for (size_t i = 0; i < NSYSREGS; i++)
            if (sysregs[i].enc == low)
                return snprintf(name, nn, "%s", sysregs[i].name), 0;
        snprintf(name, nn, "S%u_%u_C%u_C%u_%u", op0, op1, crn, crm, op2);
        return 0;
    }
    if (group == DUET_REG_GROUP_DEMUX) {
        if (size != DUET_REG_SIZE_U32 || (low & DUET_DEMUX_ID_MASK) != DUET_DEMUX_ID_CCSIDR)
            return fail(err, en, "the only demux register is CCSIDR (u32, id 0)", id);
        snprintf(name, nn, "CCSIDR[%u]", low & 0xff);
        snprintf(det, dn, "demux(ccsidr,%u) u32", low & 0xff);
        return 0;
    }
    if (group == DUET_REG_GROUP_FW || group == GROUP_FW_FEAT_BMAP) {
        int bmap = group == GROUP_FW_FEAT_BMAP;
        if (size != DUET_REG_SIZE_U64)
            return fail(err, en, "firmware registers are u64", id);
        const char *const *names = bmap ? bmap_names : fw_names;
        unsigned count = bmap ? 3 : 4;
        if (low < count)
            snprintf(name, nn, "%s", names[low]);
        else
            snprintf(name, nn, "%s[%u]", bmap ? "FW_FEAT_BMAP" : "FW", low);
        snprintf(det, dn, "%s(%u) u64", bmap ? "fw_feat_bmap" : "fw", low);
        return 0;
    }
    return fail(err, en, "unknown register group", id);
}

int regname_decode(uint64_t id, char *out, size_t outlen)
{
    char name[64], det[128];
    if (decode(id, name, sizeof name, det, sizeof det, out, outlen) < 0)
        return -1;
    snprintf(out, outlen, "%s %s", name, det);
    return 0;
}

int regname_of(uint64_t id, char *out, size_t outlen)
{
    char det[128];
    return decode(id, out, outlen, det, sizeof det, out, outlen);
}

/* Parses an unsigned decimal in [0, max] that must fill s up to `end` char. */
static int number(const char *s, char end, unsigned max, unsigned *v, const char **rest)
{
    if (!isdigit((unsigned char)*s))
        return -1;
    unsigned long x = 0;
    while (isdigit((unsigned char)*s)) {
        x = x * 10 + (unsigned long)(*s++ - '0');
        if (x > max)
            return -1;
    }
    if (*s != end)
        return -1;
    *v = (unsigned)x;
    *rest = end ? s + 1 : s;
    return 0;
}

static int indexed(const char *name, const char *prefix, unsigned max, unsigned *v)
{
    size_t n = strlen(prefix);
    const char *rest;
    if (strncasecmp(name, prefix, n) || name[n] != '[')
        return -1;
    return number(name + n + 1, ']', max, v, &rest) == 0 && !*rest ? 0 : -1;
}

/* A guest-only register asked for by name: say what its op-codes mean to
 * KVM and which name the host wants instead. */
static int guest_only_error(const char *name, uint16_t enc, char *err, size_t errlen)
{
    char kvm_name[64];
    const char *instead = "nothing";
    uint64_t kvm_id = DUET_REG_ARCH_ARM64 | DUET_REG_SIZE_U64 | DUET_REG_GROUP_SYSREG | enc;
    for (size_t i = 0; i < sizeof guest_only_instead / sizeof guest_only_instead[0]; i++)
        if (!strcmp(name, guest_only_instead[i].name))
            instead = guest_only_instead[i].instead;
    if (regname_of(kvm_id, kvm_name, sizeof kvm_name) < 0)
        snprintf(kvm_name, sizeof kvm_name, "?");
    snprintf(err, errlen, "%s has no KVM id of its own (its op-codes make KVM's %s): use %s",
             name, kvm_name, instead);
    return -1;
}

int regname_encode(const char *name, uint64_t *id, char *err, size_t errlen)
{
    unsigned v, f[5];
    const char *rest;
    /* Core registers: try every index and size, decode, compare (one source of truth). */
    static const uint64_t sizes[] = { DUET_REG_SIZE_U64, DUET_REG_SIZE_U128, DUET_REG_SIZE_U32 };
    for (unsigned idx = 0; idx <= DUET_CORE_IDX_FPCR; idx++)
        for (unsigned s = 0; s < 3; s++) {
            char n[32];
            if (core_name(idx, sizes[s], n, sizeof n) == 0 && !strcmp(n, name)) {
                *id = DUET_CORE_ID(sizes[s], idx);
                return 0;
            }
        }
    for (size_t i = 0; i < sizeof timers / sizeof timers[0]; i++)
        if (!strcasecmp(name, timers[i].name))
            return *id = timers[i].id, 0;
    for (size_t i = 0; i < NSYSREGS; i++)
        if (!strcasecmp(name, sysregs[i].name))
            return *id = DUET_REG_ARCH_ARM64 | DUET_REG_SIZE_U64 | DUET_REG_GROUP_SYSREG |
                         sysregs[i].enc, 0;
    if ((name[0] == 'S' || name[0] == 's') &&
        number(name + 1, '_', 3, &f[0], &rest) == 0 && number(rest, '_', 7, &f[1], &rest) == 0 &&
        (*rest == 'C' || *rest == 'c') && number(rest + 1, '_', 15, &f[2], &rest) == 0 &&
        (*rest == 'C' || *rest == 'c') && number(rest + 1, '_', 15, &f[3], &rest) == 0 &&
        number(rest, 0, 7, &f[4], &rest) == 0) {
        *id = DUET_REG_SYSREG(f[0], f[1], f[2], f[3], f[4]);
        return 0;
    }
    for (size_t i = 0; i < sizeof guest_only / sizeof guest_only[0]; i++)
        if (!strcasecmp(name, guest_only[i].name))
            return guest_only_error(guest_only[i].name, guest_only[i].enc, err, errlen);
    if (indexed(name, "CCSIDR", 255, &v) == 0)
        return *id = DUET_REG_DEMUX_CCSIDR(v), 0;
    for (unsigned i = 0; i < 4; i++)
        if (!strcasecmp(name, fw_names[i]))
            return *id = DUET_REG_FW(i), 0;
    if (indexed(name, "FW", 0xffff, &v) == 0)
        return *id = DUET_REG_FW(v), 0;
    for (unsigned i = 0; i < 3; i++)
        if (!strcasecmp(name, bmap_names[i]))
            return *id = DUET_REG_ARCH_ARM64 | DUET_REG_SIZE_U64 | GROUP_FW_FEAT_BMAP | i, 0;
    if (indexed(name, "FW_FEAT_BMAP", 0xffff, &v) == 0)
        return *id = DUET_REG_ARCH_ARM64 | DUET_REG_SIZE_U64 | GROUP_FW_FEAT_BMAP | v, 0;
    snprintf(err, errlen, "unknown register name '%s'", name);
    return -1;
}
