/*
 * `duet run`: check the image, build the VM, boot the guest, serve it.
 * Image problems are reported before /dev/kvm is touched, so any machine
 * (also the native x86_64 build) can tell a user what is wrong with an ELF.
 */
#include <errno.h>
#include <libfdt.h>
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
#include "debug/core_dump.h"
#include "debug/gdb_stub.h"
#include "devices/virtio/net_thread.h"
#include "devices/virtio/virtio_net.h"
#include "duet/kvm_irq.h"
#include "duet/memmap.h"
#include "duet_config.h"
#include "image/image_file.h"
#include "image/bootargs.h"
#include "image/elf_loader.h"
#include "image/fdt_builder.h"
#include "image/manifest.h"
#include "image/rootfs_image.h"
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
static struct dir_share dirs[DIR_MAX_SHARES];
static struct virtio_net vnets[NET_MAX_DEVICES];

enum { NETS_NONE, NETS_VIRTIO_VHOST, NETS_VIRTIO_THREAD };

/* Who serves the NICs' rings (--net-backend), or -1 with a reason in err. */
static int choose_backend(const struct run_options *o, char *err, size_t errlen)
{
    if (o->nnets == 0)
        return NETS_NONE;
    if (o->net_backend == NET_BACKEND_THREAD)
        return NETS_VIRTIO_THREAD;
    char why[200];
    if (virtio_net_vhost_available(why, sizeof why))
        return NETS_VIRTIO_VHOST;
    if (o->net_backend == NET_BACKEND_VHOST) {
        snprintf(err, errlen, "--net-backend=vhost: %s", why);
        return -1;
    }
    if (o->verbose && !o->quiet)
        fprintf(stderr, "duet: net: vhost-net unavailable (%s)\n", why);
    return NETS_VIRTIO_THREAD;
}

static int create_virtio(struct vm *vm, struct guest_mem *mem, unsigned n, int vhost)
{
    char err[256];
    for (unsigned i = 0; i < n; i++)
        if (virtio_net_create(&vnets[i], &nets[i], i, nets[i].irq, mem, vm->vm_fd, vhost,
                              err, sizeof err) < 0) {
            fprintf(stderr, "duet: %s\n", err);
            return -1;
        }
    return 0;
}

/* The VM descriptor KVM_IRQ_LINE goes to: -1 without a vGIC (nothing to
 * inject into; DUET_HC_IRQ_PULSE then answers EIO, the sandbox forbids it). */
static int irq_line_fd(const struct vm *vm)
{
    return vm->gic_version ? vm->vm_fd : -1;
}

/* What the sandboxed run may touch: the descriptors setup opened, per use. */
static void sandbox_policy(struct sandbox_policy *p, const struct vm *vm, const struct run_options *o,
                           const struct core_file *core, struct gdb_stub *gdb, int vhost)
{
    sandbox_policy_init(p);
    p->vcpu_fd = vm->vcpu_fd;
    p->vm_fd = irq_line_fd(vm);
    sandbox_fds_add(&p->writes, STDOUT_FILENO); /* the guest console */
    sandbox_fds_add(&p->writes, STDERR_FILENO);
    for (unsigned i = 0; i < o->nblocks; i++) {
        sandbox_fds_add(&p->files, blocks[i].fd);
        sandbox_fds_add(&p->syncs, blocks[i].fd);
    }
    for (unsigned i = 0; i < o->nnets; i++) {
        const struct virtio_net *v = &vnets[i];
        sandbox_fds_add(&p->taps, v->net->fd);
        if (vhost) {
            sandbox_fds_add(&p->vhost, v->vhost_fd);
            continue;
        }
        p->features |= SANDBOX_THREADS;
        int ctl = net_thread_ctl_fd(v);
        const int reads[] = { v->net->fd, v->kick[0], v->kick[1], ctl };
        const int writes[] = { v->net->fd, v->call, ctl };
        for (unsigned k = 0; k < sizeof reads / sizeof reads[0]; k++)
            sandbox_fds_add(&p->reads, reads[k]);
        for (unsigned k = 0; k < sizeof writes / sizeof writes[0]; k++)
            sandbox_fds_add(&p->writes, writes[k]);
    }
    if (o->ndirs)
        p->features |= SANDBOX_FILES;
    if (o->verbose && !o->quiet)
        p->features |= SANDBOX_COUNTS;
    if (gdb) {
        p->features |= SANDBOX_GDB;
        sandbox_fds_add(&p->reads, gdb_stub_fd(gdb));
        sandbox_fds_add(&p->writes, gdb_stub_fd(gdb));
    }
    if (o->core) {
        p->core_dir_fd = core->dir_fd;
        sandbox_fds_add(&p->files, core->fd);
    }
}

/* The image's manifest must name exactly the devices on the command line. */
static int check_manifest(const struct image_file *image, const struct run_options *o,
                          struct manifest *man, char *err, size_t errlen)
{
    if (manifest_read_buffer(image->data, image->size, man, err, errlen) < 0)
        return DUET_STATUS_BAD_IMAGE;
    struct attached_device devs[BLOCK_MAX_DEVICES + NET_MAX_DEVICES + DIR_MAX_SHARES];
    unsigned n = 0;
    for (unsigned i = 0; i < o->nblocks; i++)
        devs[n++] = (struct attached_device){ DUET_DEVICE_BLOCK, o->blocks[i].name };
    for (unsigned i = 0; i < o->nnets; i++)
        devs[n++] = (struct attached_device){ DUET_DEVICE_NET, o->nets[i].name };
    for (unsigned i = 0; i < o->ndirs; i++)
        devs[n++] = (struct attached_device){ DUET_DEVICE_DIR, o->dirs[i].name };
    return manifest_check(man, devs, n, err, errlen) < 0 ? DUET_STATUS_USAGE : 0;
}

/*
 * A vGIC costs every boot (its creation, a redistributor per vCPU, its
 * set-up at the first KVM_RUN and its teardown): made only when something
 * can raise an interrupt. An image built here says whether its code can take
 * one (manifest.h, DUET_IRQ_SECTION); a NIC signals through the vGIC; the
 * exit benchmark injects; an image from elsewhere gets one, as it always did.
 */
static int needs_gic(const struct manifest *man, const struct run_options *o)
{
    return !o->no_vgic && (!man->present || man->takes_interrupts || o->nnets || o->bench_exits);
}

/* Block files and taps; network device i signals on SPI DUET_IRQ_DEVICE(i). */
static int open_devices(const struct run_options *o, char *err, size_t errlen)
{
    for (unsigned i = 0; i < o->nblocks; i++)
        if (block_open(&blocks[i], &o->blocks[i], err, errlen) < 0)
            return -1;
    for (unsigned i = 0; i < o->ndirs; i++)
        if (dir_open(&dirs[i], &o->dirs[i], err, errlen) < 0)
            return -1;
    for (unsigned i = 0; i < o->nnets; i++)
        if (net_open(&nets[i], &o->nets[i], DUET_IRQ_DEVICE(i), err, errlen) < 0)
            return -1;
    return 0;
}

static int write_device_tree(struct guest_mem *mem, struct vm *vm, const struct run_options *o,
                             const struct rootfs_image *rootfs)
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
        .dirs = dirs,
        .ndirs = o->ndirs,
        .rootfs_base = DUET_ROOTFS_BASE,
        .rootfs_size = rootfs->size,
    };
    /* The guest seeds its stack-protector canary from this. */
    if (getrandom(p.rng_seed, sizeof p.rng_seed, 0) != (ssize_t)sizeof p.rng_seed)
        memset(p.rng_seed, 0x5a, sizeof p.rng_seed);
    void *dtb = gmem_ptr(mem, DUET_RAM_BASE, DUET_DTB_MAX);
    /*
     * libfdt clears the whole buffer it writes into: built in place, the
     * device tree would touch all 16 pages of its 64 KiB area (16 host
     * page faults, 16 more resident pages). Built on the stack, whose pages
     * are resident, only its own bytes reach guest RAM: one page for hello.
     */
    char small[4096];
    if (fdt_build(small, sizeof small, &p, err, sizeof err) == 0) {
        memcpy(dtb, small, fdt_totalsize(small));
        return 0;
    }
    if (fdt_build(dtb, DUET_DTB_MAX, &p, err, sizeof err) < 0) { /* a large one, in place */
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
    struct image_file file; /* one open and mapping for the loader and the manifest */
    if (image_file_map(o.image, &file, err, sizeof err) < 0 ||
        elf_load_image(&file, &mem, &img, err, sizeof err) < 0) {
        fprintf(stderr, "duet: %s: %s\n", o.image, err);
        image_file_unmap(&file);
        return DUET_STATUS_BAD_IMAGE;
    }
    struct manifest man;
    int bad = check_manifest(&file, &o, &man, err, sizeof err);
    /* The app's shipped files stay in the image's mapping, which a
     * read-only memslot shows the guest: nothing is read or copied here. */
    struct rootfs_image rootfs = { 0 };
    if (!bad && rootfs_image_find(&file, &rootfs, err, sizeof err) < 0)
        bad = DUET_STATUS_BAD_IMAGE;
    /* A good image stays mapped until exit: an munmap now would cost a TLB
     * flush on every CPU during boot, and the exit frees it in bulk. */
    if (bad) {
        image_file_unmap(&file);
        fprintf(stderr, "duet: %s: %s\n", o.image, err);
        return bad;
    }
    report_phase(&rep, "ELF load");
    int backend = choose_backend(&o, err, sizeof err);
    if (backend < 0 || open_devices(&o, err, sizeof err) < 0) {
        fprintf(stderr, "duet: %s\n", err);
        return DUET_STATUS_USAGE;
    }
    if (o.nblocks || o.nnets || o.ndirs)
        report_phase(&rep, "open devices");
    for (unsigned i = 0; i < o.nnets && rep.enabled; i++)
        fprintf(stderr, "duet: net %s: tap %s%s, MAC %02x:%02x:%02x:%02x:%02x:%02x, MTU %u\n",
                nets[i].spec.name, nets[i].spec.ifname, nets[i].created ? " (created)" : "",
                nets[i].mac[0], nets[i].mac[1], nets[i].mac[2], nets[i].mac[3], nets[i].mac[4],
                nets[i].mac[5], nets[i].mtu);
    if (rep.enabled && o.nnets)
        fprintf(stderr, "duet: net: %s\n", backend == NETS_VIRTIO_VHOST
                ? "virtio-net over virtio-mmio, backend vhost-net"
                : "virtio-net over virtio-mmio, backend duet thread");

    struct core_file core = { .dir_fd = -1, .fd = -1 };
    if (o.core && core_prepare(&core, o.core, o.image, err, sizeof err) < 0) {
        fprintf(stderr, "duet: %s\n", err);
        return DUET_STATUS_USAGE;
    }
    struct gdb_stub *gdb = NULL;
    if (o.gdb && !(gdb = gdb_stub_listen(o.gdb, err, sizeof err))) {
        fprintf(stderr, "duet: %s\n", err);
        return DUET_STATUS_USAGE;
    }
    struct vm vm;
    if (vm_open(&vm, &mem) < 0)
        return host_error(&vm);
    report_phase(&rep, "open /dev/kvm, create VM and RAM slot");
    if (rootfs.size) {
        if (vm_map_readonly(&vm, 1, DUET_ROOTFS_BASE, rootfs.host, rootfs.slot_size) < 0)
            return host_error(&vm);
        if (rep.enabled)
            fprintf(stderr, "duet: rootfs: %llu KiB, read-only at 0x%llx\n",
                    (unsigned long long)(rootfs.size >> 10), (unsigned long long)DUET_ROOTFS_BASE);
        report_phase(&rep, "rootfs slot");
    }
    if (needs_gic(&man, &o)) {
        if (vm_create_gic(&vm) < 0)
            return host_error(&vm);
        report_phase(&rep, "create vGIC");
    } else if (rep.enabled) {
        fprintf(stderr, "duet: no vGIC: %s\n", o.no_vgic ? "--no-vgic"
                : "the image's code registers no interrupt handler");
    }
    if (write_device_tree(&mem, &vm, &o, &rootfs) < 0) {
        vm_close(&vm);
        return DUET_STATUS_HOST_ERROR;
    }
    report_phase(&rep, "device tree");
    /* The benchmark's extras cost ioctls every boot: only when asked. */
    if (vm_create_vcpu(&vm) < 0 ||
        (o.bench_exits && (vm_forward_hvc_floor(&vm) < 0 || vm_bench_ioeventfd(&vm) < 0)) ||
        vm_set_boot_regs(&vm, img.entry, DUET_RAM_BASE, mem.base + mem.size) < 0)
        return host_error(&vm);
    report_phase(&rep, "vCPU init and registers");
    /* After the vCPU: KVM_IRQFD wants the vGIC initialised. */
    if (o.nnets && create_virtio(&vm, &mem, o.nnets, backend == NETS_VIRTIO_VHOST) < 0) {
        vm_close(&vm);
        return DUET_STATUS_HOST_ERROR;
    }

    struct hc_ctx hc = {
        .mem = &mem,
        .vm_fd = irq_line_fd(&vm),
        .blocks = blocks,
        .nblocks = o.nblocks,
        .console_fd = STDOUT_FILENO,
        .console_left = o.console_limit ? o.console_limit : UINT64_MAX,
        .dirs = dirs,
        .ndirs = o.ndirs,
        .vnets = vnets,
        .nvnets = o.nnets,
    };
    struct run_stats stats = { 0 };
    fflush(stdout);
    if (gdb) {
        if (gdb_stub_attach(gdb, &vm, err, sizeof err) < 0) {
            fprintf(stderr, "duet: %s\n", err);
            vm_close(&vm);
            return DUET_STATUS_HOST_ERROR;
        }
        vm.gdb = gdb;
    }
    struct sandbox_policy policy;
    sandbox_policy(&policy, &vm, &o, &core, gdb, backend == NETS_VIRTIO_VHOST);
    if (rep.enabled && !o.no_sandbox) {
        const char *names[64];
        unsigned n = sandbox_calls(&policy, names, 64);
        fprintf(stderr, "duet: sandbox: %u system calls:", n);
        for (unsigned i = 0; i < n && i < 64; i++)
            fprintf(stderr, " %s", names[i]);
        fprintf(stderr, "\n");
    }
    if (!o.no_sandbox && sandbox_enter(&policy) < 0) {
        fprintf(stderr, "duet: cannot enter the seccomp sandbox: %s\n", strerror(errno));
        vm_close(&vm);
        return DUET_STATUS_HOST_ERROR;
    }
    report_phase(&rep, "sandbox");
    uint64_t count, freq;
    if (rep.enabled && vm_guest_clock(&vm, &count, &freq) == 0) {
        hc.pages_before_run = gmem_resident_pages(&mem); /* what the host wrote: ELF, DT */
        report_guest_start(&rep, count, freq);
    }
    int status = vm_run(&vm, &hc, &stats, o.stats);
    if (o.core && status == DUET_STATUS_CRASH) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (core_write(&core, &vm, err, sizeof err) < 0)
            fprintf(stderr, "duet: %s\n", err);
        else if (clock_gettime(CLOCK_MONOTONIC, &t1) == 0)
            fprintf(stderr, "duet: core written to %s (%llu MiB in %.1f ms)\n", core.shown,
                    (unsigned long long)(mem.size >> 20),
                    (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    }
    core_discard(&core);
    report_phase(&rep, "guest run");
    report_guest_phases(&rep, &hc);
    for (unsigned i = 0; i < hc.nvnets; i++)
        virtio_net_destroy(&vnets[i]);
    vm_close(&vm);
    gdb_stub_close(gdb);
    gmem_free(&mem);
    report_phase(&rep, "teardown: close the VM, free RAM");
    report_finish(&rep);
    if (o.stats)
        report_stats(&stats, &hc);
    return status;
}
