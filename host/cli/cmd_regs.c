/* `duet regs decode ID | encode NAME | list`: KVM ONE_REG ids by name. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/commands.h"
#include "cli/regnames.h"
#include "duet/hypercall.h"
#include "duet/memmap.h"
#include "kvm/vm.h"
#include "lib/strict_num.h"

static int usage(void)
{
    fprintf(stderr, "duet regs: usage: duet regs decode ID | encode NAME | list\n");
    return DUET_STATUS_USAGE;
}

#if defined(__aarch64__)
#include <sys/ioctl.h>
#include <linux/kvm.h>

/* The vCPU's ids from KVM_GET_REG_LIST (asked twice: first for the count).
 * NULL with a message on stderr. */
static struct kvm_reg_list *reg_list(int vcpu_fd)
{
    struct kvm_reg_list probe = { .n = 0 };
    if (ioctl(vcpu_fd, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG) {
        fprintf(stderr, "duet regs list: KVM_GET_REG_LIST (count): %s\n",
                errno == E2BIG ? "no registers" : strerror(errno));
        return NULL;
    }
    struct kvm_reg_list *l = calloc(1, sizeof *l + probe.n * sizeof(uint64_t));
    if (!l) {
        fprintf(stderr, "duet regs list: out of memory for %llu ids\n", (unsigned long long)probe.n);
        return NULL;
    }
    l->n = probe.n;
    if (ioctl(vcpu_fd, KVM_GET_REG_LIST, l) < 0) {
        fprintf(stderr, "duet regs list: KVM_GET_REG_LIST: %s\n", strerror(errno));
        free(l);
        return NULL;
    }
    return l;
}

static int list(void)
{
    struct guest_mem mem = { 0 };
    struct vm vm;
    int err = gmem_alloc(&mem, DUET_RAM_BASE, DUET_RAM_MIN);
    if (err < 0) {
        fprintf(stderr, "duet regs list: guest RAM: %s\n", strerror(-err));
        return DUET_STATUS_HOST_ERROR;
    }
    struct kvm_reg_list *l = NULL;
    if (vm_open(&vm, &mem) < 0 || vm_create_vcpu(&vm) < 0)
        fprintf(stderr, "duet regs list: %s\n", vm.err);
    else
        l = reg_list(vm.vcpu_fd);
    for (uint64_t i = 0; l && i < l->n; i++) {
        char text[192];
        int r = regname_decode(l->reg[i], text, sizeof text);
        printf("0x%016llx %s%s\n", (unsigned long long)l->reg[i], r ? "(unknown) " : "", text);
    }
    int status = l ? 0 : DUET_STATUS_HOST_ERROR;
    free(l);
    vm_close(&vm);
    gmem_free(&mem);
    return status;
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
        if (strict_u64(argv[2], UINT64_MAX, &id) < 0) {
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
