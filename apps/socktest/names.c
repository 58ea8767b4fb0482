/* `names`: address text and getaddrinfo/getnameinfo, as glibc answers. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "socktest.h"

static void pton(const char *text, int af)
{
    unsigned char buf[16];
    char label[80], out[64];
    snprintf(label, sizeof label, "inet_pton %s '%s'", af == AF_INET ? "v4" : "v6", text);
    int r = inet_pton(af, text, buf);
    if (r != 1) {
        snprintf(out, sizeof out, "%d", r);
        check(label, out, "0");
        return;
    }
    inet_ntop(af, buf, out, sizeof out);
    check(label, out, out);  /* the native run says what it must be */
}

static void gai(const char *node, const char *serv, int flags, int family, int type,
                const char *want)
{
    struct addrinfo h, *res = NULL;
    memset(&h, 0, sizeof h);
    h.ai_flags = flags, h.ai_family = family, h.ai_socktype = type;
    int r = getaddrinfo(node, serv, &h, &res);
    char label[96], got[160] = "";
    snprintf(label, sizeof label, "getaddrinfo %s %s flags %#x family %d type %d",
             node ? node : "NULL", serv ? serv : "NULL", flags, family, type);
    if (r) {
        snprintf(got, sizeof got, "%s", gai_strerror(r));
    } else {
        for (struct addrinfo *a = res; a; a = a->ai_next) {
            char ip[16];
            struct sockaddr_in *sin = (struct sockaddr_in *)a->ai_addr;
            inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof ip);
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s:%d/%s", *got ? " " : "",
                     ip, ntohs(sin->sin_port), a->ai_socktype == SOCK_STREAM ? "tcp" :
                     a->ai_socktype == SOCK_DGRAM ? "udp" : a->ai_socktype == SOCK_RAW ? "raw" : "other");
        }
        freeaddrinfo(res);
    }
    check(label, got, want);
}

int mode_names(void)
{
    const char *v4[] = { "1.2.3.4", "255.255.255.255", "0.0.0.0", "1.2.3", "256.1.1.1",
                         "01.2.3.4", "1.2.3.4.", " 1.2.3.4", "1..2.3", "a.b.c.d", "" };
    for (size_t i = 0; i < sizeof v4 / sizeof *v4; i++)
        pton(v4[i], AF_INET);
    const char *v6[] = { "::", "::1", "2001:db8::1", "2001:0db8:0000:0000:0000:ff00:0042:8329",
                         "::ffff:1.2.3.4", "fe80::1:2", "1:2:3:4:5:6:7:8", "1::2::3", ":1",
                         "1:2:3:4:5:6:7:8:9", "::1.2.3.4", "12345::", "1:0:0:1:0:0:0:1" };
    for (size_t i = 0; i < sizeof v6 / sizeof *v6; i++)
        pton(v6[i], AF_INET6);
    struct in_addr a;
    char label[64], got[160];
    const char *aton[] = { "1.2.3", "0x7f.1", "10", "1.2.3.4 trailing", "1.2.3.4x", "0377.0.0.1" };
    for (size_t i = 0; i < sizeof aton / sizeof *aton; i++) {
        snprintf(label, sizeof label, "inet_aton '%s'", aton[i]);
        int r = inet_aton(aton[i], &a);
        snprintf(got, sizeof got, "%d %s", r, r ? inet_ntoa(a) : "-");
        check(label, got, got);
    }
    check("inet_addr '1.2.3.256'", inet_addr("1.2.3.256") == INADDR_NONE ? "INADDR_NONE" : "other",
          "INADDR_NONE");
    char small[5];
    inet_pton(AF_INET, "10.0.0.1", &a);
    errno = 0;
    check("inet_ntop into 5 bytes", inet_ntop(AF_INET, &a, small, sizeof small) ? "ok"
          : errname(errno), "ENOSPC");
    gai("10.0.2.1", "80", 0, AF_INET, SOCK_STREAM, "10.0.2.1:80/tcp");
    gai("10.0.2.1", "53", 0, AF_INET, 0, "10.0.2.1:53/tcp 10.0.2.1:53/udp 10.0.2.1:53/raw");
    gai(NULL, "8080", AI_PASSIVE, AF_INET, SOCK_STREAM, "0.0.0.0:8080/tcp");
    gai(NULL, "7", 0, AF_INET, SOCK_DGRAM, "127.0.0.1:7/udp");
    gai("127.1", NULL, 0, AF_INET, SOCK_STREAM, "127.0.0.1:0/tcp");
    gai(NULL, NULL, 0, AF_INET, 0, "Name or service not known");
    gai("host.invalid", "80", AI_NUMERICHOST, AF_INET, 0, "Name or service not known");
    gai("10.0.0.1", "http", AI_NUMERICSERV, AF_INET, SOCK_STREAM, "Name or service not known");
    gai("10.0.0.1", "80", 0x10000, AF_INET, 0, "Bad value for ai_flags");
    gai("10.0.0.1", "80", 0, 12345, 0, "ai_family not supported");
    gai("10.0.0.1", "80", 0, AF_INET, 99, "ai_socktype not supported");
    gai("10.0.0.1", "99999", 0, AF_INET, SOCK_STREAM, "10.0.0.1:34463/tcp");  /* glibc: mod 65536 */
    gai("10.0.0.1", "nosuchservice", 0, AF_INET, SOCK_STREAM, "Servname not supported for ai_socktype");
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(8080);
    inet_pton(AF_INET, "192.168.1.7", &sin.sin_addr);
    char host[64], serv[16];
    int r = getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv,
                        NI_NUMERICHOST | NI_NUMERICSERV);
    snprintf(got, sizeof got, "%d %s %s", r, host, serv);
    check("getnameinfo numeric", got, "0 192.168.1.7 8080");
    r = getnameinfo((struct sockaddr *)&sin, 3, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST);
    check("getnameinfo, length 3", gai_strerror(r), "ai_family not supported");
    r = getnameinfo((struct sockaddr *)&sin, sizeof sin, host, 4, NULL, 0, NI_NUMERICHOST);
    snprintf(got, sizeof got, "%d", r);
    check("getnameinfo, host buffer 4", got, "-12");  /* EAI_OVERFLOW */
    return failures;
}
