/* gdb remote protocol: the packet reader, framing, and the commands against a fake target. */
#include <stdlib.h>
#include "check.h"
#include "debug/gdb_commands.h"

static enum rsp_event feed(struct rsp_reader *r, const char *s)
{
    enum rsp_event e = RSP_NONE;
    for (; *s; s++)
        if ((e = rsp_feed(r, (uint8_t)*s)) != RSP_NONE)
            return e;
    return e;
}

static void test_reader(void)
{
    struct rsp_reader r;
    rsp_reader_init(&r);
    CHECK(feed(&r, "$g#67") == RSP_PACKET);
    CHECK_STR(r.buf, "g");
    CHECK(feed(&r, "+") == RSP_ACK);
    CHECK(feed(&r, "-") == RSP_NAK);
    CHECK(feed(&r, "\x03") == RSP_INTERRUPT);
    CHECK(feed(&r, "$g#68") == RSP_BAD_CHECKSUM);
    CHECK(feed(&r, "$g#6z") == RSP_BAD_CHECKSUM);
    /* Escapes: "}]" is ']' ^ 0x20 = '}'; the checksum covers the raw bytes. */
    char frame[64];
    size_t n = rsp_frame(frame, sizeof frame, "a}b#c$*", 7);
    CHECK(n > 0);
    frame[n] = 0;
    CHECK(feed(&r, frame) == RSP_PACKET);
    CHECK(r.len == 7 && !memcmp(r.buf, "a}b#c$*", 7));
    /* A restart inside a packet drops the old one. */
    CHECK(feed(&r, "$xx$g#67") == RSP_PACKET);
    CHECK_STR(r.buf, "g");
    /* Too long: consumed to its end and refused, never overflowing. */
    char *big = malloc(RSP_PACKET_MAX * 2 + 8);
    memset(big, 'a', RSP_PACKET_MAX * 2 + 8);
    size_t bn = rsp_frame(big, RSP_PACKET_MAX * 2 + 8, big + RSP_PACKET_MAX + 1, 0); /* "$#00" */
    CHECK(bn == 4);
    unsigned sum = 0;
    for (int i = 0; i < RSP_PACKET_MAX + 1; i++)
        sum += 'a';
    memset(big, 'a', RSP_PACKET_MAX + 2);
    big[0] = '$';
    snprintf(big + RSP_PACKET_MAX + 2, 8, "#%02x", sum & 0xff);
    CHECK(feed(&r, big) == RSP_TOO_LONG);
    free(big);
    CHECK(feed(&r, "$?#3f") == RSP_PACKET);
    /* Framing that does not fit says so. */
    CHECK(rsp_frame(frame, 5, "ab", 2) == 0);
    CHECK(rsp_frame(frame, 6, "ab", 2) == 6);
}

static void test_hex(void)
{
    const char *p = "1f,";
    uint64_t v;
    CHECK(rsp_parse_hex_u64(&p, &v) == 0 && v == 0x1f && *p == ',');
    p = "12345678123456789";
    CHECK(rsp_parse_hex_u64(&p, &v) == -1);
    p = ",";
    CHECK(rsp_parse_hex_u64(&p, &v) == -1);
    uint8_t b[2];
    CHECK(rsp_hex_decode("0aFf", b, 2) == 0 && b[0] == 0x0a && b[1] == 0xff);
    CHECK(rsp_hex_decode("0g", b, 1) == -1);
    CHECK(rsp_hex_decode("0", b, 1) == -1);
}

/* A fake target: 64 bytes of memory at 0x1000, registers in an array. */
struct fake {
    uint8_t regs[GDB_NREGS][16];
    uint8_t mem[64];
    int bp_type, bp_insert;
    uint64_t bp_addr;
};

static int f_read_reg(void *t, unsigned n, uint8_t *v) { memcpy(v, ((struct fake *)t)->regs[n], 16); return 0; }
static int f_write_reg(void *t, unsigned n, const uint8_t *v)
{
    memcpy(((struct fake *)t)->regs[n], v, gdb_reg_size(n));
    return 0;
}
static size_t f_read_mem(void *t, uint64_t a, uint8_t *buf, size_t len)
{
    if (a < 0x1000 || a >= 0x1040)
        return 0;
    size_t n = 0x1040 - a < len ? 0x1040 - a : len;
    memcpy(buf, ((struct fake *)t)->mem + (a - 0x1000), n);
    return n;
}
static int f_write_mem(void *t, uint64_t a, const uint8_t *buf, size_t len)
{
    if (a < 0x1000 || a > 0x1040 || len > 0x1040 - a)
        return -1;
    memcpy(((struct fake *)t)->mem + (a - 0x1000), buf, len);
    return 0;
}
static int f_bp(void *t, enum gdb_bp_type type, uint64_t addr, uint64_t kind, int insert)
{
    struct fake *f = t;
    (void)kind;
    if (type == GDB_WP_READ)
        return 1;
    if (addr < 0x1000 || addr >= 0x1040)
        return -1;
    f->bp_type = (int)type; f->bp_addr = addr; f->bp_insert = insert;
    return 0;
}
static const struct gdb_target_ops fake_ops = { f_read_reg, f_write_reg, f_read_mem, f_write_mem, f_bp };

static struct fake fk;
static struct gdb_session sess = { .ops = &fake_ops, .target = &fk, .stop = { .signal = 5 } };
static char reply[RSP_PACKET_MAX + 1];

static const char *cmd(const char *pkt, enum gdb_action want)
{
    size_t rl = 12345;
    enum gdb_action a = gdb_handle(&sess, pkt, strlen(pkt), reply, &rl);
    CHECK(a == want);
    CHECK(rl <= RSP_PACKET_MAX && rl == strlen(reply));
    return reply;
}

static void test_commands(void)
{
    memset(&fk, 0, sizeof fk);
    CHECK(strstr(cmd("qSupported:multiprocess+;xmlRegisters=i386", GDB_STAY), "PacketSize=1000;"));
    CHECK_STR(cmd("?", GDB_STAY), "T05thread:1;");
    /* g: 31*8 + 8 + 8 + 4 + 32*16 + 4 + 4 bytes, as hex. */
    CHECK(strlen(cmd("g", GDB_STAY)) == 2 * (33 * 8 + 4 + 32 * 16 + 8));
    CHECK_STR(cmd("P20=efbeadde00000000", GDB_STAY), "OK");
    CHECK_STR(cmd("p20", GDB_STAY), "efbeadde00000000");
    CHECK_STR(cmd("P21=01020304", GDB_STAY), "OK");
    CHECK_STR(cmd("p21", GDB_STAY), "01020304");
    CHECK_STR(cmd("P21=0102030405", GDB_STAY), "E01");
    CHECK_STR(cmd("P20=efbeadde0000000g", GDB_STAY), "E01");
    CHECK_STR(cmd("p44", GDB_STAY), "E01");
    CHECK_STR(cmd("pffffffffffffffffff", GDB_STAY), "E01");
    CHECK_STR(cmd("G0011000000000000", GDB_STAY), "OK");
    CHECK_STR(cmd("G0011", GDB_STAY), "E01");
    CHECK(fk.regs[0][0] == 0x00 && fk.regs[0][1] == 0x11);
    CHECK_STR(cmd("G001", GDB_STAY), "E01");
    CHECK_STR(cmd("M1000,4:deadbeef", GDB_STAY), "OK");
    CHECK_STR(cmd("m1000,4", GDB_STAY), "deadbeef");
    CHECK_STR(cmd("m103e,10", GDB_STAY), "0000");           /* a short read at the end */
    CHECK_STR(cmd("m2000,4", GDB_STAY), "E14");
    const char *all = cmd("m1000,ffffffffffffffff", GDB_STAY); /* huge: clamped, then cut at RAM's end */
    CHECK(strlen(all) == 128 && !strncmp(all, "deadbeef0000", 12));
    CHECK_STR(cmd("M1000,4:deadbe", GDB_STAY), "E01");
    CHECK_STR(cmd("M1000,ffffff:00", GDB_STAY), "E01");
    CHECK_STR(cmd("M103f,2:0000", GDB_STAY), "E14");
    CHECK_STR(cmd("m1000", GDB_STAY), "E01");
    CHECK_STR(cmd("m,4", GDB_STAY), "E01");
    CHECK_STR(cmd("Z0,1004,4", GDB_STAY), "OK");
    CHECK(fk.bp_type == 0 && fk.bp_addr == 0x1004 && fk.bp_insert == 1);
    CHECK_STR(cmd("z1,1008,4", GDB_STAY), "OK");
    CHECK(fk.bp_type == 1 && fk.bp_insert == 0);
    CHECK_STR(cmd("Z0,0,4", GDB_STAY), "E22");
    CHECK_STR(cmd("Z3,1000,4", GDB_STAY), "");
    CHECK_STR(cmd("Z9,1000,4", GDB_STAY), "");
    CHECK_STR(cmd("Z0,1000", GDB_STAY), "E01");
    CHECK_STR(cmd("vCont?", GDB_STAY), "vCont;c;C;s;S");
    cmd("vCont;c", GDB_CONTINUE);
    cmd("vCont;s:1;c", GDB_STEP);
    cmd("vCont;C05:1", GDB_CONTINUE);
    CHECK_STR(cmd("vCont;x", GDB_STAY), "E01");
    cmd("c", GDB_CONTINUE);
    CHECK(!sess.resume_addr_set);
    cmd("s40001000", GDB_STEP);
    CHECK(sess.resume_addr_set && sess.resume_addr == 0x40001000);
    CHECK_STR(cmd("c4x", GDB_STAY), "E01");
    cmd("k", GDB_KILL);
    CHECK_STR(cmd("D", GDB_DETACH), "OK");
    CHECK_STR(cmd("qAttached", GDB_STAY), "1");
    CHECK_STR(cmd("qC", GDB_STAY), "QC1");
    CHECK_STR(cmd("Hg0", GDB_STAY), "OK");
    CHECK_STR(cmd("vMustReplyEmpty", GDB_STAY), "");
    CHECK_STR(cmd("!", GDB_STAY), "");
    sess.stop = (struct gdb_stop){ .signal = 5, .watch = GDB_WP_WRITE, .watch_addr = 0x40123450 };
    CHECK_STR(cmd("?", GDB_STAY), "T05thread:1;watch:40123450;");
    /* A NUL inside the packet is refused, not half-read. */
    size_t rl;
    CHECK(gdb_handle(&sess, "m1000\0,4", 8, reply, &rl) == GDB_STAY);
    CHECK_STR(reply, "E01");
}

static void test_target_xml(void)
{
    size_t len, got = 0;
    const char *xml = gdb_target_xml(&len);
    CHECK(strstr(xml, "org.gnu.gdb.aarch64.core") && strstr(xml, "org.gnu.gdb.aarch64.fpu"));
    CHECK(strstr(xml, "<reg name=\"cpsr\" bitsize=\"32\""));
    CHECK(strstr(xml, "</target>"));
    /* Read it back in small pieces as gdb does: the pieces rebuild it. */
    static char back[16384];
    for (;;) {
        char q[64];
        snprintf(q, sizeof q, "qXfer:features:read:target.xml:%zx,100", got);
        const char *r = cmd(q, GDB_STAY);
        CHECK(r[0] == 'm' || r[0] == 'l');
        memcpy(back + got, r + 1, strlen(r + 1));
        got += strlen(r + 1);
        if (r[0] == 'l' || got > len)
            break;
    }
    CHECK(got == len && !memcmp(back, xml, len));
    CHECK_STR(cmd("qXfer:features:read:other.xml:0,100", GDB_STAY), "E00");
    CHECK_STR(cmd("qXfer:features:read:target.xml:ffffff,100", GDB_STAY), "E01");
}

int main(void)
{
    RUN_TEST(test_reader);
    RUN_TEST(test_hex);
    RUN_TEST(test_commands);
    RUN_TEST(test_target_xml);
    return CHECK_EXIT();
}
