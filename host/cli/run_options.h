/* The command line of `duet run`, parsed without side effects (unit-tested, fuzzed). */
#ifndef DUET_RUN_OPTIONS_H
#define DUET_RUN_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include "devices/block/block_dev.h"
#include "devices/dir/dir_share.h"
#include "devices/net/net_dev.h"

#define RUN_ENV_MAX 64

struct run_options {
    uint64_t mem_size;       /* bytes of guest RAM */
    uint64_t console_limit;  /* bytes of guest console output; 0: no bound */
    int quiet;               /* no host messages except errors */
    int verbose;             /* host messages about each setup step */
    int stats;               /* exit statistics at the end */
    int no_sandbox;          /* skip seccomp: for debugging only */
    int bench_exits;         /* SMCCC filter + bench ioeventfd for exitbench (ioctls: opt-in) */
    int no_vgic;             /* no interrupt controller, whatever the image: what the vGIC costs */
    int help;                /* --help was given */
    const char *core;        /* --core=PATH | DIR: an ELF core when the guest crashes */
    const char *gdb;         /* --gdb=PORT | unix:PATH: wait for gdb (debug/gdb_stub.h) */
    int net_backend;         /* NET_BACKEND_*: how NICs reach the guest (--net-backend) */
    struct block_spec blocks[BLOCK_MAX_DEVICES]; /* --block:NAME=PATH..., in order */
    unsigned nblocks;
    struct net_spec nets[NET_MAX_DEVICES];       /* --net:NAME=TAP..., in order */
    unsigned nnets;
    struct dir_spec dirs[DIR_MAX_SHARES];        /* --dir:NAME=HOSTDIR..., in order */
    unsigned ndirs;
    const char *mac_args[2 * NET_MAX_DEVICES]; /* --net-mac:..., applied after parsing */
    unsigned nmac_args;
    const char *env[RUN_ENV_MAX]; /* --env NAME=VALUE..., in order (later wins) */
    unsigned nenv;
    const char *image;       /* GUEST.elf */
    int guest_argc;          /* arguments after `--` (or after the image) */
    char **guest_argv;
};

enum {
    NET_BACKEND_AUTO,        /* virtio-net on vhost-net when /dev/vhost-net opens, else on a thread */
    NET_BACKEND_VHOST,       /* virtio-net on vhost-net, or an error */
    NET_BACKEND_THREAD,      /* virtio-net served by a host thread of duet's */
};

/* Parses argv (argv[0] is "run"). 0, or -1 with a one-line reason in err. */
int run_options_parse(struct run_options *o, int argc, char **argv, char *err, size_t errlen);

/* "32M", "1G", "65536", "512K": bytes in *out. 0, or -1 when malformed or overflowing. */
int parse_size(const char *s, uint64_t *out);

extern const char run_usage[];

#endif
