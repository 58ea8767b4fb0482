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
#include "cli/commands.h"
#include "cli/run_options.h"
#include "cli/run_report.h"
#include "devices/block/block_dev.h"
#include "devices/net/net_dev.h"
#include "devices/net/net_rx.h"
#include "duet/kvm_irq.h"
#include "duet/memmap.h"
#include "duet_config.h"
#include "image/bootargs.h"
#include "image/elf_loader.h"
#include "image/fdt_builder.h"
#include "image/manifest.h"
#include "run/run_loop.h"
#include "sandbox/sandbox.h"

static int host_error(struct vm *vm)
{
    fprintf(stderr, "duet: %s\n", vm->err);
    vm_close(vm);
    return DUET_STATUS_HOST_ERROR;
}

static struct block_dev blocks[BLOCK_MAX_DEVICES];
static struct net_dev nets[NET_MAX_DEVICES];

/* The image's manifest must name exactly the devices on the command line. */
static int check_manifest(const char *image, const struct run_options *o, char *err, size_t errlen)
{
    struct manifest man;
    if (manifest_read_file(image, &man, err, errlen) < 0)
        return DUET_STATUS_BAD_IMAGE;
    struct attached_device devs[BLOCK_MAX_DEVICES + NET_MAX_DEVICES];
    unsigned n = 0;
    for (unsigned i = 0; i < o->nblocks; i++)
        devs[n++] = (struct attached_device){ DUET_DEVICE_BLOCK, o->blocks[i].name };
    for (unsigned i = 0; i < o->nnets; i++)
        devs[n++] = (struct attached_device){ DUET_DEVICE_NET, o->nets[i].name };
    return manifest_check(&man, devs, n, err, errlen) < 0 ? DUET_STATUS_USAGE : 0;
}

/* Block files and taps; network device i signals on SPI DUET_IRQ_DEVICE(i). */
static int open_devices(const struct run_options *o, char *err, size_t errlen)
{
    for (unsigned i = 0; i < o->nblocks; i++)
        if (block_open(&blocks[i], &o->blocks[i], err, errlen) < 0)
            return -1;
    for (unsigned i = 0; i < o->nnets; i++)
        if (net_open(&nets[i], &o->nets[i], DUET_IRQ_DEVICE(i), err, errlen) < 0)
            return -1;
    return 0;
}

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
        .env = o->env,
        .nenv = o->nenv,
        .blocks = blocks,
        .nblocks = o->nblocks,
        .nets = nets,
        .nnets = o->nnets,
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
    int bad = check_manifest(o.image, &o, err, sizeof err);
    if (bad) {
        fprintf(stderr, "duet: %s: %s\n", o.image, err);
        return bad;
    }
    report_phase(&rep, "ELF load");
    if (open_devices(&o, err, sizeof err) < 0) {
        fprintf(stderr, "duet: %s\n", err);
        return DUET_STATUS_USAGE;
    }
    if (o.nblocks || o.nnets)
        report_phase(&rep, "open devices");
    for (unsigned i = 0; i < o.nnets && rep.enabled; i++)
        fprintf(stderr, "duet: net %s: tap %s%s, MAC %02x:%02x:%02x:%02x:%02x:%02x, MTU %u\n",
                nets[i].spec.name, nets[i].spec.ifname, nets[i].created ? " (created)" : "",
                nets[i].mac[0], nets[i].mac[1], nets[i].mac[2], nets[i].mac[3], nets[i].mac[4],
                nets[i].mac[5], nets[i].mtu);

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
        .nets = nets,
        .nnets = o.nnets,
    };
    if (o.nnets && !(hc.net_rx = net_rx_start(nets, o.nnets, vm.vm_fd, err, sizeof err))) {
        fprintf(stderr, "duet: %s\n", err);
        vm_close(&vm);
        return DUET_STATUS_HOST_ERROR;
    }
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
    net_rx_stop(hc.net_rx); /* before the VM's fd goes: the thread raises its SPIs */
    vm_close(&vm);
    gmem_free(&mem);
    report_phase(&rep, "teardown: close the VM, free RAM");
    report_finish(&rep);
    if (o.stats)
        report_stats(&stats, &hc);
    return status;
}
