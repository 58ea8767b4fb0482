/*
 * Network devices: option parsing, and the retired per-frame network
 * hypercalls (8..11) stopping a guest that still makes them.
 */
#include <string.h>
#include "check.h"
#include "cli/run_options.h"
#include "devices/net/net_dev.h"
#include "hypercall/hypercall.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE 0x20000ULL

static void test_spec_parse(void)
{
    struct net_spec s;
    char err[256];
    CHECK(net_spec_parse(&s, "net0=tap0", err, sizeof err) == 0);
    CHECK_STR(s.name, "net0");
    CHECK_STR(s.ifname, "tap0");
    CHECK(s.mtu == 0);
    CHECK(net_spec_parse(&s, "lan=duet-tap.1,mtu=9000", err, sizeof err) == 0 && s.mtu == 9000);
    CHECK(net_spec_parse(&s, "net0=tap0,mtu=9001", err, sizeof err) < 0 && strstr(err, "68..9000"));
    CHECK(net_spec_parse(&s, "net0=tap0,mtu=67", err, sizeof err) < 0);
    CHECK(net_spec_parse(&s, "net0=tap0,mtu=", err, sizeof err) < 0);
    CHECK(net_spec_parse(&s, "net0=tap0,speed=10", err, sizeof err) < 0 && strstr(err, "speed"));
    CHECK(net_spec_parse(&s, "net0=", err, sizeof err) < 0 && strstr(err, "interface name"));
    CHECK(net_spec_parse(&s, "net0=a/b", err, sizeof err) < 0);
    CHECK(net_spec_parse(&s, "net0=..", err, sizeof err) < 0);
    CHECK(net_spec_parse(&s, "net0=sixteen_chars_xx", err, sizeof err) < 0);
    CHECK(net_spec_parse(&s, "Net0=tap0", err, sizeof err) < 0 && strstr(err, "NAME=TAP"));
    CHECK(net_spec_parse(&s, "tap0", err, sizeof err) < 0);
    CHECK(net_spec_parse(&s, "=tap0", err, sizeof err) < 0);
}

static void test_mac_parse(void)
{
    char name[NET_NAME_MAX + 1];
    uint8_t mac[6];
    char err[256];
    CHECK(net_mac_parse(name, mac, "net0=02:00:5E:10:Ab:ff", err, sizeof err) == 0);
    CHECK_STR(name, "net0");
    CHECK(!memcmp(mac, "\x02\x00\x5e\x10\xab\xff", 6));
    CHECK(net_mac_parse(name, mac, "net0=03:00:00:00:00:01", err, sizeof err) < 0 &&
          strstr(err, "multicast"));
    CHECK(net_mac_parse(name, mac, "net0=02:00:00:00:00", err, sizeof err) < 0);
    CHECK(net_mac_parse(name, mac, "net0=02:00:00:00:00:01:", err, sizeof err) < 0);
    CHECK(net_mac_parse(name, mac, "net0=02-00-00-00-00-01", err, sizeof err) < 0);
    CHECK(net_mac_parse(name, mac, "net0=2:0:0:0:0:1", err, sizeof err) < 0);
    CHECK(net_mac_parse(name, mac, "net0=0g:00:00:00:00:01", err, sizeof err) < 0);
}

static void test_run_options(void)
{
    struct run_options o;
    char err[256];
    char *ok[] = { "run", "--net-mac:b=02:00:00:00:00:02", "--net:a=tap0", "--net:b=tap1,mtu=9000",
                   "g.elf" };
    CHECK(run_options_parse(&o, 5, ok, err, sizeof err) == 0);
    CHECK(o.nnets == 2 && !o.nets[0].have_mac && o.nets[1].have_mac && o.nets[1].mac[5] == 2);
    char *orphan[] = { "run", "--net:a=tap0", "--net-mac:c=02:00:00:00:00:02", "g.elf" };
    CHECK(run_options_parse(&o, 4, orphan, err, sizeof err) < 0 && strstr(err, "no --net:c"));
    char *twice[] = { "run", "--net:a=tap0", "--net:a=tap1", "g.elf" };
    CHECK(run_options_parse(&o, 4, twice, err, sizeof err) < 0 && strstr(err, "twice"));
    char *same_tap[] = { "run", "--net:a=tap0", "--net:b=tap0", "g.elf" };
    CHECK(run_options_parse(&o, 4, same_tap, err, sizeof err) < 0 && strstr(err, "two"));
    char *mac_twice[] = { "run", "--net:a=tap0", "--net-mac:a=02:00:00:00:00:01",
                          "--net-mac:a=02:00:00:00:00:02", "g.elf" };
    CHECK(run_options_parse(&o, 5, mac_twice, err, sizeof err) < 0 && strstr(err, "twice"));
    char *five[] = { "run", "--net:a=t0", "--net:b=t1", "--net:c=t2", "--net:d=t3", "--net:e=t4",
                     "g.elf" };
    CHECK(run_options_parse(&o, 7, five, err, sizeof err) < 0 && strstr(err, "at most"));
}

static void test_backend_option(void)
{
    struct run_options o;
    char err[256];
    char *thread[] = { "run", "--net-backend=thread", "--net:a=tap0", "g.elf" };
    CHECK(run_options_parse(&o, 4, thread, err, sizeof err) == 0 &&
          o.net_backend == NET_BACKEND_THREAD);
    char *vhost[] = { "run", "--net-backend=vhost", "g.elf" };
    CHECK(run_options_parse(&o, 3, vhost, err, sizeof err) == 0 && o.net_backend == NET_BACKEND_VHOST);
    char *old[] = { "run", "--net-backend=hypercall", "g.elf" };
    CHECK(run_options_parse(&o, 3, old, err, sizeof err) < 0 && strstr(err, "virtio-net"));
    char *bad[] = { "run", "--net-backend=fast", "g.elf" };
    CHECK(run_options_parse(&o, 3, bad, err, sizeof err) < 0 && strstr(err, "auto, vhost or thread"));
}

/* One data path: a guest built for the old per-frame calls is stopped, not served. */
static void test_old_hypercalls_refused(void)
{
    struct guest_mem mem = { 0 };
    CHECK(gmem_alloc(&mem, RAM_BASE, RAM_SIZE) == 0);
    for (unsigned nr = 8; nr <= 11; nr++) {
        struct hc_ctx ctx = { .mem = &mem, .vm_fd = -1, .console_fd = -1 };
        CHECK(hc_dispatch(&ctx, 8ULL * nr, 8, 1, RAM_BASE + 0x40) == HC_FAULT);
        CHECK(strstr(ctx.err, "unknown hypercall") != NULL);
        CHECK(hc_name(nr) == NULL);
    }
    gmem_free(&mem);
}

int main(void)
{
    RUN_TEST(test_spec_parse);
    RUN_TEST(test_mac_parse);
    RUN_TEST(test_run_options);
    RUN_TEST(test_backend_option);
    RUN_TEST(test_old_hypercalls_refused);
    return CHECK_EXIT();
}
