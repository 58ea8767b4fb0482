/* `duet irq decode VALUE | encode TYPE N [vcpu V]`: the KVM_IRQ_LINE irq field. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cli/commands.h"
#include "duet/hypercall.h"
#include "duet/kvm_irq.h"
#include "lib/strict_num.h"

static const char *const type_names[] = { "CPU", "SPI", "PPI" };

static int fail(const char *fmt, const char *arg)
{
    fprintf(stderr, "duet irq: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return DUET_STATUS_USAGE;
}

/* Why irq i is not a valid KVM_IRQ_LINE value, or NULL. */
static const char *invalid(struct duet_irq i)
{
    switch (i.type) {
    case DUET_IRQ_TYPE_CPU:
        return i.id > DUET_IRQ_CPU_FIQ ? "a CPU line is 0 (IRQ) or 1 (FIQ)" : NULL;
    case DUET_IRQ_TYPE_SPI:
        if (i.id < DUET_INTID_SPI_FIRST || i.id > DUET_INTID_SPI_LAST)
            return "an SPI is 32..1019";
        return i.vcpu ? "an SPI has no vCPU (the vGIC routes it)" : NULL;
    case DUET_IRQ_TYPE_PPI:
        return i.id < DUET_INTID_PPI_FIRST || i.id > DUET_INTID_PPI_LAST ? "a PPI is 16..31" : NULL;
    default:
        return "unknown irq type (0 CPU, 1 SPI, 2 PPI)";
    }
}

static int decode(const char *arg)
{
    uint64_t v;
    if (strict_u64(arg, 0xffffffffULL, &v) < 0)
        return fail("'%s' is not a 32-bit number", arg);
    struct duet_irq i = duet_irq_unpack((uint32_t)v);
    const char *why = invalid(i);
    if (why)
        return fail("%s", why);
    if (i.type == DUET_IRQ_TYPE_SPI)
        printf("SPI %u\n", i.id);
    else if (i.type == DUET_IRQ_TYPE_CPU)
        printf("CPU %s vcpu %u\n", i.id ? "FIQ" : "IRQ", i.vcpu);
    else
        printf("PPI %u vcpu %u\n", i.id, i.vcpu);
    return 0;
}

static int encode(int argc, char **argv)
{
    struct duet_irq i = { 0, 0, 0 };
    uint64_t v;
    unsigned t;
    for (t = 0; t < 3 && strcasecmp(argv[0], type_names[t]); t++)
        ;
    if (t == 3)
        return fail("unknown type '%s' (spi, ppi or cpu)", argv[0]);
    i.type = t;
    if (t == DUET_IRQ_TYPE_CPU && (!strcasecmp(argv[1], "irq") || !strcasecmp(argv[1], "fiq")))
        i.id = !strcasecmp(argv[1], "fiq");
    else if (strict_u64(argv[1], 0xffff, &v) < 0)
        return fail("'%s' is not an interrupt number", argv[1]);
    else
        i.id = (unsigned)v;
    if (argc == 4) {
        if (strcmp(argv[2], "vcpu"))
            return fail("expected 'vcpu N', got '%s'", argv[2]);
        if (strict_u64(argv[3], 4095, &v) < 0)
            return fail("'%s' is not a vCPU index (0..4095)", argv[3]);
        i.vcpu = (unsigned)v;
    } else if (argc != 2) {
        return fail("%s", "usage: duet irq encode spi|ppi|cpu N [vcpu V]");
    }
    const char *why = invalid(i);
    if (why)
        return fail("%s", why);
    printf("0x%08x\n", duet_irq_pack(i));
    return 0;
}

int cmd_irq(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "decode"))
        return decode(argv[2]);
    if (argc >= 4 && !strcmp(argv[1], "encode"))
        return encode(argc - 2, argv + 2);
    return fail("%s", "usage: duet irq decode VALUE | encode spi|ppi|cpu N [vcpu V]");
}
