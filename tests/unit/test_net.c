/*
 * Network devices: option parsing, and the hypercalls over a SOCK_SEQPACKET
 * socketpair standing in for the tap (it keeps frame boundaries, as a tap does).
 */
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <unistd.h>
#include "check.h"
#include "cli/run_options.h"
#include "devices/net/net_dev.h"
#include "devices/net/net_rx.h"
#include "hypercall/hypercall.h"
#include <time.h>

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE 0x20000ULL
#define ARG      (RAM_BASE + 0x40)
#define BUF      (RAM_BASE + 0x1000)

static struct guest_mem mem;
static struct hc_ctx ctx;
static struct net_dev dev;
static int wire; /* the other end: what the "tap" side sees */

static void setup(uint32_t mtu)
{
    if (!mem.host)
        gmem_alloc(&mem, RAM_BASE, RAM_SIZE);
    memset(mem.host, 0, RAM_SIZE);
    memset(&ctx, 0, sizeof ctx);
    memset(&dev, 0, sizeof dev);
    int sv[2];
    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv);
    dev.fd = sv[0];
    wire = sv[1];
    dev.mtu = mtu;
    memcpy(dev.mac, "\x02\x11\x22\x33\x44\x55", 6);
    ctx.mem = &mem;
    ctx.vm_fd = -1;
    ctx.nets = &dev;
    ctx.nnets = 1;
}

static void teardown(void)
{
    close(dev.fd);
    close(wire);
}

static int64_t io(unsigned nr, uint32_t index, uint64_t data, uint64_t len, enum hc_result *r)
{
    struct duet_hc_net_io a = { .index = index, .data = data, .len = len, .ret = 12345 };
    memcpy(mem.host + (ARG - RAM_BASE), &a, sizeof a);
    *r = hc_dispatch(&ctx, 8ULL * nr, 8, 1, ARG);
    memcpy(&a, mem.host + (ARG - RAM_BASE), sizeof a);
    return a.ret;
}

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

static void test_info(void)
{
    setup(1500);
    struct duet_hc_net_info a = { .index = 0, .ret = 99 };
    memcpy(mem.host + 0x40, &a, sizeof a);
    CHECK(hc_dispatch(&ctx, 8ULL * DUET_HC_NET_INFO, 8, 1, ARG) == HC_CONTINUE);
    memcpy(&a, mem.host + 0x40, sizeof a);
    CHECK(a.ret == 0 && a.mtu == 1500 && !memcmp(a.mac, dev.mac, 6));
    a = (struct duet_hc_net_info){ .index = 1 };
    memcpy(mem.host + 0x40, &a, sizeof a);
    CHECK(hc_dispatch(&ctx, 8ULL * DUET_HC_NET_INFO, 8, 1, ARG) == HC_CONTINUE);
    memcpy(&a, mem.host + 0x40, sizeof a);
    CHECK(a.ret == DUET_ENODEV && a.mtu == 0);
    teardown();
}

static void test_send(void)
{
    setup(1500);
    enum hc_result r;
    memset(mem.host + 0x1000, 0xab, 1518);
    CHECK(io(DUET_HC_NET_SEND, 0, BUF, 60, &r) == 60 && r == HC_CONTINUE);
    uint8_t got[2000];
    CHECK(read(wire, got, sizeof got) == 60 && got[0] == 0xab && got[59] == 0xab);
    CHECK(io(DUET_HC_NET_SEND, 0, BUF, 1518, &r) == 1518);         /* mtu + 18 */
    CHECK(read(wire, got, sizeof got) == 1518);
    CHECK(io(DUET_HC_NET_SEND, 0, BUF, 1519, &r) == DUET_EINVAL);  /* too long */
    CHECK(io(DUET_HC_NET_SEND, 0, BUF, 13, &r) == DUET_EINVAL);    /* shorter than a header */
    CHECK(io(DUET_HC_NET_SEND, 0, BUF, ~0ULL, &r) == DUET_EINVAL);
    CHECK(io(DUET_HC_NET_SEND, 3, BUF, 60, &r) == DUET_ENODEV);
    CHECK(read(wire, got, sizeof got) < 0); /* nothing else went out */
    /* A frame outside RAM stops the guest with a message. */
    CHECK(io(DUET_HC_NET_SEND, 0, RAM_BASE + RAM_SIZE - 30, 60, &r) == 12345 && r == HC_FAULT);
    CHECK(strstr(ctx.err, "outside guest RAM") != NULL);
    teardown();
}

static void test_receive(void)
{
    setup(9000);
    enum hc_result r;
    CHECK(io(DUET_HC_NET_RECV, 0, BUF, 9018, &r) == DUET_EAGAIN && r == HC_CONTINUE);
    static uint8_t jumbo[9018];
    memset(jumbo, 0x5c, sizeof jumbo);
    CHECK(write(wire, jumbo, sizeof jumbo) == (ssize_t)sizeof jumbo);
    CHECK(write(wire, jumbo, 64) == 64);
    CHECK(io(DUET_HC_NET_RECV, 0, BUF, 9017, &r) == DUET_EINVAL); /* would truncate */
    CHECK(io(DUET_HC_NET_RECV, 0, BUF, 9018, &r) == 9018);
    CHECK(mem.host[0x1000] == 0x5c && mem.host[0x1000 + 9017] == 0x5c);
    CHECK(io(DUET_HC_NET_RECV, 0, BUF, 9018, &r) == 64);          /* one frame per call */
    CHECK(io(DUET_HC_NET_RECV, 0, BUF, 9018, &r) == DUET_EAGAIN);
    CHECK(io(DUET_HC_NET_RECV, 1, BUF, 9018, &r) == DUET_ENODEV);
    CHECK(io(DUET_HC_NET_RECV, 0, RAM_BASE + RAM_SIZE - 100, 9018, &r) == 12345 && r == HC_FAULT);
    teardown();
}

#define TXD (RAM_BASE + 0x200)
#define RXD (RAM_BASE + 0x600)

static struct duet_hc_net_xfer xfer(uint32_t ntx, uint32_t nrx, enum hc_result *r)
{
    struct duet_hc_net_xfer a = { .index = 0, .tx_count = ntx, .rx_count = nrx, .tx = TXD,
                                  .rx = RXD, .ret = 99 };
    memcpy(mem.host + (ARG - RAM_BASE), &a, sizeof a);
    *r = hc_dispatch(&ctx, 8ULL * DUET_HC_NET_XFER, 8, 1, ARG);
    memcpy(&a, mem.host + (ARG - RAM_BASE), sizeof a);
    return a;
}

static void put_desc(uint64_t where, unsigned i, uint64_t data, uint32_t len)
{
    struct duet_net_desc d = { .data = data, .len = len, .ret = 77 };
    memcpy(mem.host + (where - RAM_BASE) + i * sizeof d, &d, sizeof d);
}

static struct duet_net_desc get_desc(uint64_t where, unsigned i)
{
    struct duet_net_desc d;
    memcpy(&d, mem.host + (where - RAM_BASE) + i * sizeof d, sizeof d);
    return d;
}

static void test_xfer_batches(void)
{
    setup(1500);
    enum hc_result r;
    /* Three frames out, the middle one too long: it alone is refused. */
    put_desc(TXD, 0, BUF, 60);
    put_desc(TXD, 1, BUF, 1519);
    put_desc(TXD, 2, BUF + 2000, 100);
    /* Two frames waiting, four buffers: two received, then drained. */
    uint8_t f1[70], f2[1518];
    memset(f1, 1, sizeof f1);
    memset(f2, 2, sizeof f2);
    CHECK(write(wire, f1, sizeof f1) == (ssize_t)sizeof f1);
    CHECK(write(wire, f2, sizeof f2) == (ssize_t)sizeof f2);
    for (unsigned i = 0; i < 4; i++)
        put_desc(RXD, i, BUF + 0x4000 + i * 0x800, 1518);
    struct duet_hc_net_xfer a = xfer(3, 4, &r);
    CHECK(r == HC_CONTINUE && a.ret == 0 && a.tx_done == 2 && a.rx_done == 2);
    CHECK(get_desc(TXD, 0).ret == 0 && get_desc(TXD, 1).ret == DUET_EINVAL && get_desc(TXD, 2).ret == 0);
    CHECK(get_desc(RXD, 0).len == 70 && get_desc(RXD, 1).len == 1518);
    CHECK(mem.host[0x5000] == 1 && mem.host[0x5800 + 1517] == 2);
    uint8_t got[2000];
    CHECK(read(wire, got, sizeof got) == 60 && read(wire, got, sizeof got) == 100);
    CHECK(read(wire, got, sizeof got) < 0);
    /* Nothing waiting (rx lengths were overwritten: the guest sets them again). */
    for (unsigned i = 0; i < 4; i++)
        put_desc(RXD, i, BUF + 0x4000 + i * 0x800, 1518);
    a = xfer(0, 4, &r);
    CHECK(r == HC_CONTINUE && a.ret == 0 && a.rx_done == 0);
    a = xfer(DUET_NET_BATCH_MAX + 1, 0, &r);
    CHECK(a.ret == DUET_EINVAL && a.tx_done == 0);
    put_desc(RXD, 1, BUF + 0x4800, 1000); /* smaller than mtu + 18 */
    CHECK(write(wire, f1, sizeof f1) == (ssize_t)sizeof f1);
    a = xfer(0, 2, &r);
    CHECK(a.ret == DUET_EINVAL && a.rx_done == 0);
    put_desc(RXD, 1, BUF + 0x4800, 1518);
    a = xfer(0, 2, &r);
    CHECK(a.ret == 0 && a.rx_done == 1); /* the refused call lost nothing */
    /* Descriptors or buffers outside RAM stop the guest. */
    put_desc(TXD, 0, RAM_BASE + RAM_SIZE - 10, 60);
    a = xfer(1, 0, &r);
    CHECK(r == HC_FAULT && strstr(ctx.err, "outside guest RAM"));
    struct duet_hc_net_xfer bad = { .tx_count = 2, .tx = RAM_BASE + RAM_SIZE - 16 };
    memcpy(mem.host + (ARG - RAM_BASE), &bad, sizeof bad);
    CHECK(hc_dispatch(&ctx, 8ULL * DUET_HC_NET_XFER, 8, 1, ARG) == HC_FAULT);
    put_desc(RXD, 0, RAM_BASE + RAM_SIZE - 100, 1518);
    a = xfer(0, 1, &r);
    CHECK(r == HC_FAULT);
    teardown();
}

/* Waits up to 2 s for the receive thread to fire (fired_seq catches arm_seq). */
static int fired_within(struct net_dev *d, uint64_t seq)
{
    for (int i = 0; i < 2000; i++) {
        if (__atomic_load_n(&d->fired_seq, __ATOMIC_ACQUIRE) == seq)
            return 1;
        nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
    }
    return 0;
}

/* The thread fires only for an armed device with a frame waiting; firing
 * (KVM_IRQ_LINE on no VM here, so the pulse itself fails) catches up with
 * every arming, and a re-arm after a firing is served again. */
static void test_rx_thread(void)
{
    setup(1500);
    char err[256];
    struct net_rx *rx = net_rx_start(&dev, 1, -1, err, sizeof err);
    CHECK(rx != NULL);
    if (!rx)
        return;
    uint8_t f[60] = { 0 };
    CHECK(write(wire, f, sizeof f) == (ssize_t)sizeof f);  /* a frame, but nobody armed */
    nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
    CHECK(__atomic_load_n(&dev.fired_seq, __ATOMIC_ACQUIRE) == 0);
    net_rx_arm(rx, &dev);                                  /* armed, frame waiting: fires */
    CHECK(fired_within(&dev, 1));
    uint8_t got[64];
    CHECK(read(dev.fd, got, sizeof got) == 60);            /* the guest reads it */
    net_rx_arm(rx, &dev);                                  /* empty again: armed, quiet */
    nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
    CHECK(__atomic_load_n(&dev.fired_seq, __ATOMIC_ACQUIRE) == 1);
    CHECK(write(wire, f, sizeof f) == (ssize_t)sizeof f);  /* the next frame fires */
    CHECK(fired_within(&dev, 2));
    net_rx_arm(rx, &dev);                                  /* arm twice before it fires */
    net_rx_arm(rx, &dev);
    CHECK(fired_within(&dev, 4));                          /* frame still waiting: fires for both */
    net_rx_stop(rx);
    teardown();
}

int main(void)
{
    RUN_TEST(test_spec_parse);
    RUN_TEST(test_mac_parse);
    RUN_TEST(test_run_options);
    RUN_TEST(test_info);
    RUN_TEST(test_send);
    RUN_TEST(test_receive);
    RUN_TEST(test_xfer_batches);
    RUN_TEST(test_rx_thread);
    gmem_free(&mem);
    return CHECK_EXIT();
}
