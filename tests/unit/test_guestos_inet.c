/* The guest's address text conversions (guest/posix/inet.c) against glibc's
 * as the oracle: inet_pton/inet_ntop (IPv4, IPv6), inet_aton, inet_addr on
 * hand-picked and random inputs must give the same results, byte for byte. */
#define inet_pton duet_inet_pton
#define inet_ntop duet_inet_ntop
#define inet_aton duet_inet_aton
#define inet_addr duet_inet_addr
#define inet_ntoa duet_inet_ntoa
#define inet_network duet_inet_network
#define in6addr_any duet_in6addr_any
#define in6addr_loopback duet_in6addr_loopback
#include "../../guest/posix/inet.c"
#undef inet_pton
#undef inet_ntop
#undef inet_aton
#undef inet_addr
#undef inet_ntoa
#undef inet_network
#undef in6addr_any
#undef in6addr_loopback
#include <stdlib.h>
#include "check.h"
#include "duet/vfs.h"

const struct file_ops console_file_ops;  /* the fd table (linked in) wants one */

int inet_pton(int af, const char *src, void *dst);
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
int inet_aton(const char *cp, struct in_addr *out);
in_addr_t inet_addr(const char *cp);

#define CHECK_MSG(cond, what) do { \
    if (!(cond)) { \
        if (!check_failures_in_test++) \
            printf("  %s:%d: %s\n", __FILE__, __LINE__, (what)); \
    } \
} while (0)

static void same_pton(int af, const char *s)
{
    unsigned char a[16] = { 0 }, b[16] = { 0 };
    int x = duet_inet_pton(af, s, a), y = inet_pton(af, s, b);
    char what[128];
    snprintf(what, sizeof what, "inet_pton(%d, \"%s\"): %d, glibc %d", af, s, x, y);
    CHECK_MSG(x == y && !memcmp(a, b, sizeof a), what);
}

static void same_aton(const char *s)
{
    struct in_addr a = { 0 }, b = { 0 };
    int x = duet_inet_aton(s, &a), y = inet_aton(s, &b);
    char what[128];
    snprintf(what, sizeof what, "inet_aton(\"%s\"): %d %08x, glibc %d %08x", s, x, a.s_addr, y,
             b.s_addr);
    CHECK_MSG(x == y && (!x || a.s_addr == b.s_addr), what);
    CHECK_MSG(duet_inet_addr(s) == inet_addr(s), what);
}

static void same_ntop(int af, const unsigned char *addr)
{
    char a[64], b[64];
    const char *x = duet_inet_ntop(af, addr, a, sizeof a), *y = inet_ntop(af, addr, b, sizeof b);
    CHECK_MSG(x && y && !strcmp(a, b), y ? b : "glibc failed");
    /* and back: the text parses to the same bytes */
    unsigned char back[16];
    CHECK_MSG(duet_inet_pton(af, a, back) == 1 && !memcmp(back, addr, af == AF_INET ? 4 : 16), a);
}

static void test_inet_text_like_glibc(void)
{
    const char *v4[] = { "1.2.3.4", "0.0.0.0", "255.255.255.255", "256.0.0.0", "1.2.3", "1.2.3.4.5",
                         "01.2.3.4", "1.2.3.04", " 1.2.3.4", "1.2.3.4 ", "1..3.4", ".1.2.3", "",
                         "1.2.3.-4", "0x1.2.3.4", "999.1.1.1", "1.2.3.4\n", "10.0.0.255" };
    for (size_t i = 0; i < sizeof v4 / sizeof *v4; i++) {
        same_pton(AF_INET, v4[i]);
        same_aton(v4[i]);
    }
    const char *aton[] = { "10", "0x7f.1", "0377.0.0.1", "1.0xffffff", "1.2.65535", "4294967295",
                           "4294967296", "08.1.1.1", "0x", "1.2.3.4 junk", "1.2.3.4junk", "0.0.0.0" };
    for (size_t i = 0; i < sizeof aton / sizeof *aton; i++)
        same_aton(aton[i]);
    const char *v6[] = { "::", "::1", "1::", "2001:db8::1", "2001:0db8:0000:0000:0000:ff00:0042:8329",
                         "::ffff:1.2.3.4", "::1.2.3.4", "fe80::1:2", "1:2:3:4:5:6:7:8", "1::2::3",
                         ":1", "1:", "1:2:3:4:5:6:7:8:9", "12345::", "1:0:0:1:0:0:0:1", ":::",
                         "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3", "g::1",
                         "0:0:0:0:0:0:0:0", "::0:1", "1::2:3:4:5:6:7", "1:2:3:4:5:6:7::", "" };
    for (size_t i = 0; i < sizeof v6 / sizeof *v6; i++)
        same_pton(AF_INET6, v6[i]);
    srand(13);
    for (int n = 0; n < 20000; n++) {
        unsigned char a[16];
        for (int i = 0; i < 16; i++)
            a[i] = (unsigned char)rand();
        /* runs of zero words, where the formatting choices are */
        int start = rand() % 8, len = rand() % 9;
        for (int w = start; w < start + len && w < 8; w++)
            a[2 * w] = a[2 * w + 1] = 0;
        if (rand() % 8 == 0)
            memcpy(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
        same_ntop(AF_INET6, a);
        same_ntop(AF_INET, a);
    }
    char small[8];
    unsigned char lo[16] = { [15] = 1 };
    CHECK(duet_inet_ntop(AF_INET6, lo, small, 3) == NULL && errno == ENOSPC);
    CHECK(duet_inet_ntop(AF_INET, lo, small, 7) == NULL && errno == ENOSPC);
    CHECK(duet_inet_pton(12345, "1.2.3.4", small) == -1 && errno == EAFNOSUPPORT);
}

int main(void)
{
    RUN_TEST(test_inet_text_like_glibc);
    return CHECK_EXIT();
}
