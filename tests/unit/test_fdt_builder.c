/* Unit tests for host/image/fdt_builder.c: read the blob back with libfdt, and
 * let dtc (the reference implementation) decompile it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <libfdt.h>
#include "check.h"
#include "duet/hypercall.h"
#include "duet/rootfs.h"
#include "image/fdt_builder.h"

static uint8_t blob[DUET_DTB_MAX];
static char err[256];

static struct fdt_params params(int gic, int ncpus, const char *args)
{
    struct fdt_params p = { .ram_base = DUET_RAM_BASE, .ram_size = DUET_RAM_DEFAULT,
                            .ncpus = ncpus, .gic_version = gic, .bootargs = args };
    for (int i = 0; i < FDT_RNG_SEED_BYTES; i++)
        p.rng_seed[i] = (uint8_t)(0xA0 + i);
    return p;
}

/* The raw value of path:prop; len in bytes or -1. */
static const uint8_t *prop64(const char *path, const char *prop, int *len)
{
    int node = fdt_path_offset(blob, path);
    const void *v = node < 0 ? NULL : fdt_getprop(blob, node, prop, len);
    if (!v) *len = -1;
    return v;
}

/* Cell i of a big-endian u64 array; values are only 4-byte aligned. */
static uint64_t c64(const uint8_t *v, int i)
{
    uint64_t x;
    memcpy(&x, v + 8 * i, 8);
    return fdt64_to_cpu(x);
}

static uint32_t c32(const uint8_t *v, int i)
{
    uint32_t x;
    memcpy(&x, v + 4 * i, 4);
    return fdt32_to_cpu(x);
}

static uint32_t prop32(const char *path, const char *prop)
{
    int len, node = fdt_path_offset(blob, path);
    const fdt32_t *v = node < 0 ? NULL : fdt_getprop(blob, node, prop, &len);
    return v && len == 4 ? fdt32_to_cpu(*v) : 0xdeadbeef;
}

static const char *propstr(const char *path, const char *prop)
{
    int node = fdt_path_offset(blob, path);
    return node < 0 ? NULL : fdt_getprop(blob, node, prop, NULL);
}

static void check_common(int gic, int ncpus)
{
    int len;
    CHECK(fdt_check_full(blob, fdt_totalsize(blob)) == 0);
    CHECK(fdt_totalsize(blob) <= DUET_DTB_MAX);
    CHECK_STR(propstr("/", "compatible"), "duet,virt");
    CHECK_EQ_U64(prop32("/", "interrupt-parent"), prop32("/intc@8000000", "phandle"));
    const uint8_t *r = prop64("/memory@40000000", "reg", &len);
    CHECK(len == 16);
    if (len == 16) {
        CHECK_EQ_U64(c64(r, 0), DUET_RAM_BASE);
        CHECK_EQ_U64(c64(r, 1), DUET_RAM_DEFAULT);
    }
    CHECK_STR(propstr("/memory@40000000", "device_type"), "memory");
    r = prop64("/intc@8000000", "reg", &len);
    CHECK(len == 32);
    if (len == 32) {
        CHECK_EQ_U64(c64(r, 0), DUET_GICD_BASE);
        CHECK_EQ_U64(c64(r, 2), gic == 3 ? DUET_GICR_BASE : DUET_GICC_BASE);
        CHECK_EQ_U64(c64(r, 3), gic == 3 ? DUET_GICR_STRIDE * (uint64_t)ncpus
                                                   : DUET_GICC_SIZE);
    }
    CHECK_STR(propstr("/intc@8000000", "compatible"), gic == 3 ? "arm,gic-v3" : "arm,cortex-a15-gic");
    CHECK_EQ_U64(prop32("/intc@8000000", "#interrupt-cells"), 3);
    for (int i = 0; i < DUET_MAX_VCPUS; i++) {
        char path[32];
        snprintf(path, sizeof(path), "/cpus/cpu@%x", i);
        CHECK((fdt_path_offset(blob, path) >= 0) == (i < ncpus));
        if (i < ncpus)
            CHECK_EQ_U64(prop32(path, "reg"), i);
    }
    CHECK_STR(propstr("/psci", "method"), "hvc");
    CHECK_STR(propstr("/psci", "compatible"), "arm,psci-1.0"); /* first of the list */
    const uint8_t *irq = prop64("/timer", "interrupts", &len);
    CHECK(len == 48);
    if (len == 48) {
        CHECK_EQ_U64(c32(irq, 7), 11);  /* third specifier: virtual timer */
        CHECK_EQ_U64(c32(irq, 8) >> 8, gic == 3 ? 0 : (1u << ncpus) - 1);
    }
    int node = fdt_node_offset_by_compatible(blob, -1, DUET_FDT_COMPAT);
    CHECK(node >= 0);
    CHECK(node == fdt_path_offset(blob, "/duet@a000000"));
    CHECK_EQ_U64(prop32("/duet@a000000", "duet,abi-version"), DUET_ABI_VERSION);
    r = prop64("/duet@a000000", "reg", &len);
    CHECK(len == 16 && c64(r, 0) == DUET_HC_BASE && c64(r, 1) == DUET_HC_SIZE);
    const uint8_t *seed = prop64("/chosen", "rng-seed", &len);
    CHECK(len == FDT_RNG_SEED_BYTES && seed[0] == 0xA0 && seed[31] == 0xA0 + 31);
    uint64_t addr = 0, size = 0;
    CHECK(fdt_num_mem_rsv(blob) == 1);
    CHECK(fdt_get_mem_rsv(blob, 0, &addr, &size) == 0);
    CHECK(addr == DUET_RAM_BASE && addr + size == DUET_GUEST_LOAD_MIN);
}

static void test_gicv3_one_cpu(void)
{
    struct fdt_params p = params(3, 1, "hello 'a b'");
    CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == 0);
    check_common(3, 1);
    CHECK_STR(propstr("/chosen", "bootargs"), "hello 'a b'");
}

/* /chosen duet,rootfs = <base size> only when the image has a rootfs. */
static void test_rootfs(void)
{
    struct fdt_params p = params(3, 1, "x");
    int len;
    CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == 0);
    CHECK(prop64("/chosen", DUET_FDT_ROOTFS, &len) == NULL && len == -1);
    p.rootfs_base = DUET_ROOTFS_BASE;
    p.rootfs_size = 12345;
    CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == 0);
    check_common(3, 1);
    const uint8_t *r = prop64("/chosen", DUET_FDT_ROOTFS, &len);
    CHECK(r && len == 16 && c64(r, 0) == DUET_ROOTFS_BASE && c64(r, 1) == 12345);
}

static void test_gicv3_four_cpus(void)
{
    struct fdt_params p = params(3, 4, NULL);
    CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == 0);
    check_common(3, 4);
    CHECK_STR(propstr("/chosen", "bootargs"), "");
}

static void test_gicv2(void)
{
    for (int n = 1; n <= 4; n += 3) {
        struct fdt_params p = params(2, n, "x");
        CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == 0);
        check_common(2, n);
    }
}

/* No vGIC (an image that takes no interrupts): no controller, no timer node,
 * no interrupt-parent; a NIC, which signals through the GIC, is refused. */
static void test_no_gic(void)
{
    struct fdt_params p = params(0, 1, "x");
    CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == 0);
    CHECK(fdt_path_offset(blob, "/intc@8000000") < 0 && fdt_path_offset(blob, "/timer") < 0);
    CHECK(fdt_getprop(blob, 0, "interrupt-parent", NULL) == NULL);
    CHECK(fdt_node_offset_by_compatible(blob, -1, DUET_FDT_COMPAT) >= 0);
    CHECK_STR(propstr("/chosen", "bootargs"), "x");
    struct net_dev nic = { 0 };
    p.nets = &nic;
    p.nnets = 1;
    CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == -1 && strstr(err, "NIC needs a GIC"));
}

/* Node names carry the unit address in lower-case hex, no leading zeros:
 * block@a for the eleventh device, dir@0 for the first share. */
static void test_node_names(void)
{
    static struct block_dev blocks[12];
    static struct dir_share dirs[2];
    for (int i = 0; i < 12; i++) {
        snprintf(blocks[i].spec.name, sizeof blocks[i].spec.name, "disk%d", i);
        blocks[i].spec.sector_size = 512;
    }
    snprintf(dirs[0].spec.name, sizeof dirs[0].spec.name, "share0");
    snprintf(dirs[1].spec.name, sizeof dirs[1].spec.name, "share1");
    struct fdt_params p = params(3, 1, NULL);
    p.blocks = blocks;
    p.nblocks = 12;
    p.dirs = dirs;
    p.ndirs = 2;
    CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == 0);
    CHECK_STR(propstr("/duet@a000000/block@0", "duet,name"), "disk0");
    CHECK_STR(propstr("/duet@a000000/block@a", "duet,name"), "disk10");
    CHECK_STR(propstr("/duet@a000000/block@b", "duet,name"), "disk11");
    CHECK_STR(propstr("/duet@a000000/dir@1", "duet,name"), "share1");
    CHECK(fdt_path_offset(blob, "/duet@a000000/block@A") < 0);
    CHECK(fdt_path_offset(blob, "/cpus/cpu@0") >= 0);
}

static void test_bad_params(void)
{
    struct fdt_params p = params(3, 0, "");
    CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == -1 && strstr(err, "vCPUs"));
    p = params(3, DUET_MAX_VCPUS + 1, "");
    CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == -1 && strstr(err, "vCPUs"));
    p = params(4, 1, "");
    CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == -1 && strstr(err, "GIC version 4"));
    p = params(3, 1, "");
    CHECK(fdt_build(blob, 64, &p, err, sizeof(err)) == -1 && strstr(err, "does not fit in 64 bytes"));
}

/* The advertised limit is exact: limit bytes fit, limit + 1 is refused. */
static void test_bootargs_limit(void)
{
    size_t big = 2 * DUET_DTB_MAX, limit = 0;
    char *args = malloc(big + 1);
    memset(args, 'a', big);
    args[big] = '\0';
    struct fdt_params p = params(3, 8, args);
    CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == -1);
    CHECK(strstr(err, "guest arguments too long for the device tree (131072 bytes, limit ") != NULL);
    CHECK(sscanf(strstr(err, "limit ") ? strstr(err, "limit ") : "", "limit %zu", &limit) == 1);
    CHECK(limit > DUET_DTB_MAX - 2048 && limit < DUET_DTB_MAX);
    for (size_t n = limit - 5; n <= limit + 1; n++) {
        args[n] = '\0';
        CHECK(fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == (n <= limit ? 0 : -1));
        if (n <= limit)
            CHECK(strlen(propstr("/chosen", "bootargs")) == n && fdt_check_full(blob, sizeof(blob)) == 0);
        args[n] = 'a';
    }
    free(args);
}

static void dtc_decompile(int gic)
{
    char path[] = "/tmp/duet-dtb-XXXXXX", cmd[128], line[256];
    int fd = mkstemp(path);
    struct fdt_params p = params(gic, 2, "a 'b c'");
    CHECK(fd >= 0 && fdt_build(blob, sizeof(blob), &p, err, sizeof(err)) == 0);
    CHECK(write(fd, blob, fdt_totalsize(blob)) == (ssize_t)fdt_totalsize(blob));
    close(fd);
    /* dtc's warnings go to stderr; merge them so a warning fails the test. */
    snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts %s 2>&1", path);
    FILE *f = popen(cmd, "r");
    int found = 0, warned = 0;
    while (f && fgets(line, sizeof(line), f)) {
        found |= strstr(line, DUET_FDT_COMPAT) != NULL;
        if (strstr(line, "Warning") || strstr(line, "ERROR")) {
            warned = 1;
            printf("  dtc: %s", line);
        }
    }
    CHECK(f && pclose(f) == 0);
    CHECK(found && !warned);
    unlink(path);
}

static void test_dtc_decompiles(void)
{
    dtc_decompile(3);
    dtc_decompile(2);
}

int main(void)
{
    RUN_TEST(test_gicv3_one_cpu);
    RUN_TEST(test_gicv3_four_cpus);
    RUN_TEST(test_rootfs);
    RUN_TEST(test_gicv2);
    RUN_TEST(test_no_gic);
    RUN_TEST(test_node_names);
    RUN_TEST(test_bad_params);
    RUN_TEST(test_bootargs_limit);
    if (system("command -v dtc >/dev/null 2>&1") == 0)
        RUN_TEST(test_dtc_decompiles);
    else
        printf("SKIP test_dtc_decompiles: dtc not installed (package device-tree-compiler)\n");
    return CHECK_EXIT();
}
