/* Parsing `duet run [options] GUEST.elf [-- ARGS...]`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/run_options.h"
#include "duet/hypercall.h"
#include "duet/memmap.h"
#include "duet_config.h"
#include "lib/errmsg.h"

#define DEFAULT_CONSOLE_LIMIT (16ULL << 20)

const char run_usage[] =
    "usage: duet run [--mem=SIZE] [--quiet] [--verbose] [--stats] [--no-sandbox]\n"
    "                [--bench-exits] [--no-vgic]\n"
    "                [--block:NAME=FILE...] [--net:NAME=TAP...] [--dir:NAME=HOSTDIR...]\n"
    "                [--env NAME=VALUE...]\n"
    "                GUEST.elf [-- ARGS...]\n"
    "\n"
    "Boots GUEST.elf (a static aarch64 ELF built for the duet platform) in a KVM\n"
    "virtual machine with one vCPU and an in-kernel GIC, and serves its hypercalls.\n"
    "ARGS become the guest's argv[1..] (through the device tree's /chosen/bootargs).\n"
    "\n"
    "options:\n"
    "  --mem=SIZE   guest RAM: a number with an optional K, M or G suffix\n"
    "               (default %lluM, minimum 2M, maximum 16G)\n"
    "  --quiet      print nothing but the guest's output and errors\n"
    "  --verbose    report each setup step with its time\n"
    "  --stats      print exits by reason and host time per reason at the end, and\n"
    "               time each KVM_RUN (kernel + guest) apart from our own work\n"
    "  --bench-exits  the exit benchmark's extra exits (exitbench): KVM's SMCCC\n"
    "               filter forwards DUET_HVC_FLOOR to the host (Linux >= 6.4) and\n"
    "               an ioeventfd completes DUET_HC_BENCH_IOEVENTFD in the kernel\n"
    "  --no-vgic    no interrupt controller even for an image that registers\n"
    "               interrupt handlers (they never run): measures what the vGIC\n"
    "               costs each exit; not with --net\n"
    "  --console-limit=SIZE  stop printing the guest's console output after\n"
    "               SIZE bytes (default 16M; 0: no bound); the guest is told\n"
    "  --block:NAME=PATH[,ro][,sector=4096]\n"
    "               attach the raw file PATH as block device NAME (a-z 0-9 _);\n"
    "               its size must be a multiple of the sector size (default 512)\n"
    "  --dir:NAME=HOSTDIR[,ro]  show HOSTDIR at /NAME in the guest (paths confined\n"
    "               beneath it; ,ro: the host refuses every change)\n"
    "  --env NAME=VALUE  set NAME in the guest's environment (over app.cfg's env:)\n"
    "  --core=PATH | --core=DIR\n"
    "               when the guest crashes, write an ELF core of it (a new file:\n"
    "               never over an existing one; in DIR a unique name)\n"
    "  --gdb=[ADDR:]PORT | --gdb=unix:PATH\n"
    "               hold the guest before its first instruction and wait for gdb\n"
    "               (target remote 127.0.0.1:PORT; ADDR: an IPv4 address to listen\n"
    "               on instead); a crash stops in gdb\n"
    "  --net:NAME=TAP[,mtu=N]  attach tap TAP as network device NAME\n"
    "  --net-mac:NAME=MAC      the guest's MAC address on NAME\n"
    "  --net-backend=auto|vhost|thread  who serves the NICs' virtio-net rings:\n"
    "               the kernel's vhost-net, or a host thread of duet's\n"
    "               (auto: vhost-net when /dev/vhost-net opens)\n"
    "  --no-sandbox do not enter the seccomp sandbox before the guest runs\n"
    "               (debugging only: a sandbox kill names the system call)\n"
    "  --help       this text\n"
    "\n"
    "exit status:\n"
    "  0..111  the guest's own status (from exit() or return from main)\n"
    "  1       also: the image was refused (bad ELF), reported before KVM is used\n"
    "  2       bad command line (also: a block device file that cannot be used, or\n"
    "          devices that do not match the image's manifest: duet info IMAGE)\n"
    "  112     the guest crashed: exception, broken hypercall, stray MMIO access\n"
    "  113     the host failed: no /dev/kvm, KVM refused a request, out of memory\n";

int parse_size(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: break;
    }
    if (*end && !((*end == 'b' || *end == 'B') && !end[1] && shift))
        return -1;
    if (shift && v > (~0ULL >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static int fail(char *err, size_t errlen, const char *fmt, const char *what)
{
    snprintf(err, errlen, fmt, what);
    return -1;
}

/* --env NAME=VALUE: NAME as POSIX shells accept it, VALUE anything. */
static int env_option(struct run_options *o, const char *v, char *err, size_t errlen)
{
    if (!v)
        return errmsg(err, errlen, "option --env needs NAME=VALUE, e.g. --env HOME=/");
    const char *eq = strchr(v, '=');
    int ok = eq && eq != v && !(v[0] >= '0' && v[0] <= '9');
    for (const char *c = v; ok && c < eq; c++)
        ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
             (*c >= '0' && *c <= '9') || *c == '_';
    if (!ok)
        return errmsg(err, errlen, "--env: '%s' is not NAME=VALUE (NAME: letters, digits, _)", v);
    if (o->nenv == RUN_ENV_MAX)
        return errmsg(err, errlen, "at most %d --env options", RUN_ENV_MAX);
    o->env[o->nenv++] = v;
    return 0;
}

/* --net-mac:NAME=MAC names a device given (before or after) with --net. */
static int net_mac_option(struct run_options *o, const char *arg, char *err, size_t errlen)
{
    if (o->nmac_args == sizeof o->mac_args / sizeof o->mac_args[0])
        return errmsg(err, errlen, "too many --net-mac options");
    char name[NET_NAME_MAX + 1];
    uint8_t mac[6];
    if (net_mac_parse(name, mac, arg, err, errlen) < 0)
        return -1;
    o->mac_args[o->nmac_args++] = arg;
    return 0;
}

static int apply_macs(struct run_options *o, char *err, size_t errlen)
{
    for (unsigned i = 0; i < o->nmac_args; i++) {
        char name[NET_NAME_MAX + 1];
        uint8_t mac[6];
        net_mac_parse(name, mac, o->mac_args[i], NULL, 0);
        unsigned k = 0;
        while (k < o->nnets && strcmp(o->nets[k].name, name))
            k++;
        if (k == o->nnets)
            return errmsg(err, errlen, "--net-mac:%s: no --net:%s=TAP to give it to", name, name);
        if (o->nets[k].have_mac)
            return errmsg(err, errlen, "--net-mac:%s given twice", name);
        memcpy(o->nets[k].mac, mac, 6);
        o->nets[k].have_mac = 1;
    }
    return 0;
}

int run_options_parse(struct run_options *o, int argc, char **argv, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->mem_size = (uint64_t)CONFIG_HOST_DEFAULT_MEM_MB << 20;
    o->console_limit = DEFAULT_CONSOLE_LIMIT;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) { i++; break; }
        if (a[0] != '-' || !a[1])
            break;  /* the image; everything after it belongs to the guest */
        if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) o->quiet = 1;
        else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) o->verbose = 1;
        else if (!strcmp(a, "--stats")) o->stats = 1;
        else if (!strcmp(a, "--no-sandbox")) o->no_sandbox = 1;
        else if (!strcmp(a, "--bench-exits")) o->bench_exits = 1;
        else if (!strcmp(a, "--no-vgic")) o->no_vgic = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { o->help = 1; return 0; }
        else if (!strncmp(a, "--gdb=", 6) && a[6]) o->gdb = a + 6;
        else if (!strncmp(a, "--core=", 7) && a[7]) o->core = a + 7;
        else if (!strncmp(a, "--mem=", 6) || !strcmp(a, "--mem")) {
            const char *v = a[5] == '=' ? a + 6 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v)
                return fail(err, errlen, "option %s needs a size, e.g. --mem=64M", a);
            if (parse_size(v, &o->mem_size))
                return fail(err, errlen, "--mem: '%s' is not a size (e.g. 32M, 1G)", v);
            if (o->mem_size < DUET_RAM_MIN || o->mem_size > DUET_RAM_MAX)
                return fail(err, errlen, "--mem: %s is outside 2M..16G", v);
            if (o->mem_size & 0xfff)
                return fail(err, errlen, "--mem: %s is not a multiple of 4K", v);
        } else if (!strncmp(a, "--block:", 8)) {
            if (o->nblocks == BLOCK_MAX_DEVICES)
                return errmsg(err, errlen, "at most %d block devices", BLOCK_MAX_DEVICES);
            struct block_spec *b = &o->blocks[o->nblocks];
            if (block_spec_parse(b, a + 8, err, errlen) < 0)
                return -1;
            for (unsigned k = 0; k < o->nblocks; k++)
                if (!strcmp(o->blocks[k].name, b->name))
                    return fail(err, errlen, "block device '%s' given twice", b->name);
            o->nblocks++;
        } else if (!strncmp(a, "--net:", 6)) {
            if (o->nnets == NET_MAX_DEVICES)
                return errmsg(err, errlen, "at most %d network devices", NET_MAX_DEVICES);
            struct net_spec *n = &o->nets[o->nnets];
            if (net_spec_parse(n, a + 6, err, errlen) < 0)
                return -1;
            for (unsigned k = 0; k < o->nnets; k++) {
                if (!strcmp(o->nets[k].name, n->name))
                    return fail(err, errlen, "network device '%s' given twice", n->name);
                if (!strcmp(o->nets[k].ifname, n->ifname))
                    return fail(err, errlen, "tap '%s' given to two network devices", n->ifname);
            }
            o->nnets++;
        } else if (!strncmp(a, "--dir:", 6)) {
            if (o->ndirs == DIR_MAX_SHARES)
                return errmsg(err, errlen, "at most %d --dir shares", DIR_MAX_SHARES);
            struct dir_spec *d = &o->dirs[o->ndirs];
            if (dir_spec_parse(d, a + 6, err, errlen) < 0)
                return -1;
            for (unsigned k = 0; k < o->ndirs; k++)
                if (!strcmp(o->dirs[k].name, d->name))
                    return fail(err, errlen, "share '%s' given twice", d->name);
            o->ndirs++;
        } else if (!strncmp(a, "--net-mac:", 10)) {
            if (net_mac_option(o, a + 10, err, errlen) < 0)
                return -1;
        } else if (!strncmp(a, "--env=", 6) || !strcmp(a, "--env")) {
            const char *v = a[5] == '=' ? a + 6 : (i + 1 < argc ? argv[++i] : NULL);
            if (env_option(o, v, err, errlen) < 0)
                return -1;
        } else if (!strncmp(a, "--net-backend=", 14)) {
            static const char *const names[] = { "auto", "vhost", "thread" };
            unsigned k = 0;
            while (k < 3 && strcmp(a + 14, names[k]))
                k++;
            if (k == 3)
                return fail(err, errlen, strcmp(a + 14, "hypercall")
                            ? "--net-backend: '%s' is not auto, vhost or thread"
                            : "--net-backend: '%s' is not auto, vhost or thread (the per-frame "
                              "network hypercalls are gone: NICs are virtio-net)", a + 14);
            o->net_backend = (int)k;
        } else if (!strncmp(a, "--console-limit=", 16)) {
            if (parse_size(a + 16, &o->console_limit))
                return fail(err, errlen, "--console-limit: '%s' is not a size (0: no bound)", a + 16);
        } else
            return fail(err, errlen, "unknown option '%s' (see duet run --help)", a);
    }
    if (i >= argc)
        return fail(err, errlen, "%s", "no guest image given (usage: duet run [options] GUEST.elf [-- ARGS...])");
    if (apply_macs(o, err, errlen) < 0)
        return -1;
    if (o->no_vgic && o->nnets)
        return fail(err, errlen, "%s", "--no-vgic: a network device signals through the vGIC "
                    "(drop --no-vgic or the --net devices)");
    o->image = argv[i++];
    if (i < argc && !strcmp(argv[i], "--"))
        i++;
    o->guest_argc = argc - i;
    o->guest_argv = argv + i;
    return 0;
}
