/* `duet regs decode ID | encode NAME | list`: KVM ONE_REG ids by name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "duet/hypercall.h"
#include "duet/memmap.h"
#include "regnames.h"
#include "vm.h"

static int usage(void)
{
    fprintf(stderr, "duet regs: usage: duet regs decode ID | encode NAME | list\n");
    return DUET_STATUS_USAGE;
}

/* Strict: 0x-prefixed or decimal, the whole string, no overflow. */
static int parse_u64(const char *s, uint64_t *v)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || *end || end == s)
        return -1;
    *v = x;
    return 0;
}

#if defined(__aarch64__)
#include <sys/ioctl.h>
#include <linux/kvm.h>

static int list(void)
{
    struct guest_mem mem = { 0 };
    struct vm vm;
    if (gmem_alloc(&mem, DUET_RAM_BASE, DUET_RAM_MIN) < 0 || vm_open(&vm, &mem) < 0 ||
        vm_create_vcpu(&vm) < 0) {
        fprintf(stderr, "duet regs list: %s\n", vm.err);
        return DUET_STATUS_HOST_ERROR;
    }
    struct kvm_reg_list probe = { .n = 0 };
    ioctl(vm.vcpu_fd, KVM_GET_REG_LIST, &probe); /* E2BIG, with the count */
    struct kvm_reg_list *l = calloc(1, sizeof *l + probe.n * sizeof(uint64_t));
    if (!l)
        return DUET_STATUS_HOST_ERROR;
    l->n = probe.n;
    if (ioctl(vm.vcpu_fd, KVM_GET_REG_LIST, l) < 0) {
        fprintf(stderr, "duet regs list: KVM_GET_REG_LIST: %s\n", strerror(errno));
        return DUET_STATUS_HOST_ERROR;
    }
    for (uint64_t i = 0; i < l->n; i++) {
        char text[192];
        int r = regname_decode(l->reg[i], text, sizeof text);
        printf("0x%016llx %s%s\n", (unsigned long long)l->reg[i], r ? "(unknown) " : "", text);
    }
    free(l);
    vm_close(&vm);
    gmem_free(&mem);
    return 0;
}
#else
static int list(void)
{
    fprintf(stderr, "duet regs list: needs arm64 KVM (/dev/kvm on an arm64 host)\n");
    return DUET_STATUS_HOST_ERROR;
}
#endif

int cmd_regs(int argc, char **argv)
{
    char text[192];
    if (argc == 2 && !strcmp(argv[1], "list"))
        return list();
    if (argc != 3)
        return usage();
    if (!strcmp(argv[1], "decode")) {
        uint64_t id;
        if (parse_u64(argv[2], &id) < 0) {
            fprintf(stderr, "duet regs: '%s' is not a 64-bit number\n", argv[2]);
            return DUET_STATUS_USAGE;
        }
        if (regname_decode(id, text, sizeof text) < 0) {
            fprintf(stderr, "duet regs: %s\n", text);
            return DUET_STATUS_USAGE;
        }
        printf("%s\n", text);
        return 0;
    }
    if (!strcmp(argv[1], "encode")) {
        uint64_t id;
        if (regname_encode(argv[2], &id, text, sizeof text) < 0) {
            fprintf(stderr, "duet regs: %s\n", text);
            return DUET_STATUS_USAGE;
        }
        printf("0x%016llx\n", (unsigned long long)id);
        return 0;
    }
    return usage();
}
