/* `resolve NAME=WANT...`: getaddrinfo and gethostbyname through the guest's
 * resolver (DUET_DNS or DHCP's); WANT is the address or "none".
 * `dnsd ADDR NAME=IP...` (run natively in the lab): a tiny DNS server on
 * ADDR:53 answering A queries for those names, NXDOMAIN otherwise: the
 * resolver the guest asks. Every length is checked against the datagram. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "socktest.h"

int mode_resolve(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        char name[256], label[300], got[64];
        const char *eq = strchr(argv[i], '=');
        if (!eq || (size_t)(eq - argv[i]) >= sizeof name)
            continue;
        memcpy(name, argv[i], (size_t)(eq - argv[i]));
        name[eq - argv[i]] = '\0';
        struct addrinfo h, *res;
        memset(&h, 0, sizeof h);
        h.ai_family = AF_INET;
        h.ai_socktype = SOCK_STREAM;
        int r = getaddrinfo(name, "80", &h, &res);
        if (r == 0) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, got, sizeof got);
            freeaddrinfo(res);
        } else {
            snprintf(got, sizeof got, "none (%s)", gai_strerror(r));
        }
        snprintf(label, sizeof label, "getaddrinfo %s", name);
        char want[80];
        snprintf(want, sizeof want, "%s", eq + 1);
        if (!strcmp(want, "none"))
            snprintf(want, sizeof want, "none (%s)", gai_strerror(EAI_NONAME));
        check(label, got, want);
        struct hostent *he = gethostbyname(name);
        snprintf(label, sizeof label, "gethostbyname %s", name);
        if (he)
            inet_ntop(AF_INET, he->h_addr_list[0], got, sizeof got);
        check(label, he ? got : "none", eq + 1);
    }
    return failures;
}

/* The name at q (DNS labels) as dotted text; the offset after it, or -1. */
static int qname(const unsigned char *m, int len, int off, char *out, size_t outlen)
{
    size_t o = 0;
    while (off < len && m[off]) {
        int l = m[off++];
        if (l > 63 || off + l > len || o + (size_t)l + 2 > outlen)
            return -1;
        if (o)
            out[o++] = '.';
        memcpy(out + o, m + off, (size_t)l);
        o += (size_t)l;
        off += l;
    }
    if (off >= len)
        return -1;
    out[o] = '\0';
    return off + 1;
}

int mode_dnsd(int argc, char **argv)
{
    if (argc < 1)
        return ++failures;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(53);
    inet_pton(AF_INET, argv[0], &a.sin_addr);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("dnsd: bind");
        return ++failures;
    }
    printf("dnsd: serving %d name(s) on %s:53\n", argc - 1, argv[0]);
    for (;;) {
        unsigned char m[512];
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        int n = (int)recvfrom(s, m, sizeof m - 16, 0, (struct sockaddr *)&from, &fl);
        char name[256];
        int end;
        if (n < 12 || (m[2] & 0x80) || m[4] != 0 || m[5] != 1 ||
            (end = qname(m, n, 12, name, sizeof name)) < 0 || end + 4 > n)
            continue;
        int qtype = m[end] << 8 | m[end + 1];
        struct in_addr ip = { 0 };
        int found = 0;
        for (int i = 1; i < argc; i++) {
            const char *eq = strchr(argv[i], '=');
            if (eq && (size_t)(eq - argv[i]) == strlen(name) && !strncasecmp(argv[i], name,
                                                                             strlen(name)))
                found = inet_pton(AF_INET, eq + 1, &ip) == 1;
        }
        int r = end + 4;  /* the answer goes after the question */
        m[2] = 0x84 | (m[2] & 0x01);  /* response, authoritative, RD copied */
        m[3] = found ? 0x00 : 0x03;   /* NXDOMAIN for names it does not know */
        m[6] = m[7] = m[8] = m[9] = m[10] = m[11] = 0;
        if (found && qtype == 1) {
            static const unsigned char rr[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4 };
            memcpy(m + r, rr, sizeof rr);
            memcpy(m + r + sizeof rr, &ip, 4);
            r += (int)sizeof rr + 4;
            m[7] = 1;
        }
        sendto(s, m, (size_t)r, 0, (struct sockaddr *)&from, fl);
        printf("dnsd: %s type %d -> %s\n", name, qtype, found ? inet_ntoa(ip) : "NXDOMAIN");
    }
}
