/*
 * `duet run`: check the image, build the VM, boot the guest, serve it.
 * Image problems are reported before /dev/kvm is touched, so any machine
 * (also the native x86_64 build) can tell a user what is wrong with an ELF.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "block_dev.h"
#include "bootargs.h"
#include "commands.h"
#include "duet/memmap.h"
#include "duet_config.h"
#include "elf_loader.h"
#include "fdt_builder.h"
#include "manifest.h"
#include "run_options.h"
#include "run_report.h"
#include "sandbox.h"
#include "vm.h"

static int host_error(struct vm *vm)
{
    fprintf(stderr, "duet: %s\n", vm->err);
    vm_close(vm);
    return DUET_STATUS_HOST_ERROR;
}

static struct block_dev blocks[BLOCK_MAX_DEVICES];

static int write_device_tree(struct guest_mem *mem, struct vm *vm, const struct run_options *o)
{
    static char bootargs[DUET_DTB_MAX];
    char err[256];
    if (bootargs_join(bootargs, sizeof bootargs, o->guest_argc, o->guest_argv) < 0) {
        fprintf(stderr, "duet: guest arguments are longer than %zu bytes\n", sizeof bootargs - 1);
        return -1;
    }
    struct fdt_params p = {
        .ram_base = mem->base,
        .ram_size = mem->size,
        .ncpus = 1,
        .gic_version = vm->gic_version,
        .bootargs = bootargs,
        .boot_times = o->verbose && !o->quiet,
        .blocks = blocks,
        .nblocks = o->nblocks,
    };
    /* The guest seeds its stack-protector canary from this. */
    if (getrandom(p.rng_seed, sizeof p.rng_seed, 0) != (ssize_t)sizeof p.rng_seed)
        memset(p.rng_seed, 0x5a, sizeof p.rng_seed);
    void *dtb = gmem_ptr(mem, DUET_RAM_BASE, DUET_DTB_MAX);
    if (fdt_build(dtb, DUET_DTB_MAX, &p, err, sizeof err) < 0) {
        fprintf(stderr, "duet: device tree: %s\n", err);
        return -1;
    }
    return 0;
}

int cmd_run(int argc, char **argv)
{
    struct run_options o;
    struct run_report rep;
    char err[256];
    if (run_options_parse(&o, argc, argv, err, sizeof err) < 0) {
        fprintf(stderr, "duet run: %s\n", err);
        return DUET_STATUS_USAGE;
    }
    if (o.help) {
        printf(run_usage, (unsigned long long)CONFIG_HOST_DEFAULT_MEM_MB);
        return 0;
    }
    report_start(&rep, o.verbose && !o.quiet);

    struct guest_mem mem = { 0 };
    if (gmem_alloc(&mem, DUET_RAM_BASE, o.mem_size) < 0) {
        fprintf(stderr, "duet: cannot allocate %llu MiB of guest RAM\n",
                (unsigned long long)(o.mem_size >> 20));
        return DUET_STATUS_HOST_ERROR;
    }
    report_phase(&rep, "guest memory");
    struct guest_image img;
    if (elf_load_file(o.image, &mem, &img, err, sizeof err) < 0) {
        fprintf(stderr, "duet: %s: %s\n", o.image, err);
        return DUET_STATUS_BAD_IMAGE;
    }
    struct manifest man;
    if (manifest_read_file(o.image, &man, err, sizeof err) < 0) {
        fprintf(stderr, "duet: %s: %s\n", o.image, err);
        return DUET_STATUS_BAD_IMAGE;
    }
    if (manifest_check(&man, o.blocks, o.nblocks, err, sizeof err) < 0) {
        fprintf(stderr, "duet: %s: %s\n", o.image, err);
        return DUET_STATUS_USAGE;
    }
    report_phase(&rep, "ELF load");
    for (unsigned i = 0; i < o.nblocks; i++)
        if (block_open(&blocks[i], &o.blocks[i], err, sizeof err) < 0) {
            fprintf(stderr, "duet: %s\n", err);
            return DUET_STATUS_USAGE;
        }

    struct vm vm;
    if (vm_open(&vm, &mem) < 0)
        return host_error(&vm);
    report_phase(&rep, "open /dev/kvm, create VM and RAM slot");
    if (vm_create_gic(&vm) < 0)
        return host_error(&vm);
    report_phase(&rep, "create vGIC");
    if (write_device_tree(&mem, &vm, &o) < 0) {
        vm_close(&vm);
        return DUET_STATUS_HOST_ERROR;
    }
    report_phase(&rep, "device tree");
    if (vm_create_vcpu(&vm) < 0 ||
        vm_set_boot_regs(&vm, img.entry, DUET_RAM_BASE, mem.base + mem.size) < 0)
        return host_error(&vm);
    report_phase(&rep, "vCPU init and registers");

    struct hc_ctx hc = {
        .mem = &mem,
        .vm_fd = vm.vm_fd,
        .blocks = blocks,
        .nblocks = o.nblocks,
        .console_fd = STDOUT_FILENO,
        .console_left = o.console_limit ? o.console_limit : UINT64_MAX,
    };
    struct run_stats stats = { 0 };
    fflush(stdout);
    if (!o.no_sandbox && sandbox_enter() < 0) {
        fprintf(stderr, "duet: cannot enter the seccomp sandbox: %s\n", strerror(errno));
        vm_close(&vm);
        return DUET_STATUS_HOST_ERROR;
    }
    report_phase(&rep, "sandbox");
    uint64_t count, freq;
    if (rep.enabled && vm_guest_clock(&vm, &count, &freq) == 0)
        report_guest_start(&rep, count, freq);
    int status = vm_run(&vm, &hc, &stats, o.stats);
    report_phase(&rep, "guest run");
    report_guest_phases(&rep, &hc);
    vm_close(&vm);
    gmem_free(&mem);
    report_phase(&rep, "teardown: close the VM, free RAM");
    report_finish(&rep);
    if (o.stats)
        report_stats(&stats, &hc);
    return status;
}
