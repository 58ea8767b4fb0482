/* Address text <-> binary (<arpa/inet.h>), as glibc parses and prints them:
 * inet_aton takes the old forms (a, a.b, a.b.c; octal, hex), inet_pton only
 * a.b.c.d in decimal, and IPv6 text with :: and a dotted IPv4 tail. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

int inet_aton(const char *cp, struct in_addr *out)
{
    unsigned long part[4];
    int n = 0;
    const char *s = cp;
    for (;;) {
        if (n == 4 || !(*s >= '0' && *s <= '9'))
            return 0;
        unsigned long v = 0, base = 10;
        if (*s == '0') {
            base = 8, s++;
            if (*s == 'x' || *s == 'X') {
                base = 16, s++;
                if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
                      (*s >= 'A' && *s <= 'F')))
                    return 0;  /* "0x" and no digit */
            }
        }
        for (;; s++) {
            int d = *s >= '0' && *s <= '9' ? *s - '0'
                  : base == 16 && *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
                  : base == 16 && *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;
            if (d < 0 || (unsigned long)d >= base)
                break;
            v = v * base + (unsigned long)d;
            if (v > 0xffffffffUL)
                return 0;
        }
        part[n++] = v;
        if (*s == '.') {
            s++;
            continue;
        }
        if (*s && *s != ' ' && *s != '\t' && *s != '\n')
            return 0;
        break;
    }
    unsigned long a;
    switch (n) {
    case 1: a = part[0]; break;
    case 2: if (part[0] > 255 || part[1] > 0xffffff) return 0;
            a = part[0] << 24 | part[1]; break;
    case 3: if (part[0] > 255 || part[1] > 255 || part[2] > 0xffff) return 0;
            a = part[0] << 24 | part[1] << 16 | part[2]; break;
    default: for (int i = 0; i < 4; i++) if (part[i] > 255) return 0;
            a = part[0] << 24 | part[1] << 16 | part[2] << 8 | part[3];
    }
    if (out)
        out->s_addr = htonl((uint32_t)a);
    return 1;
}

in_addr_t inet_addr(const char *cp)
{
    struct in_addr a;
    return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

in_addr_t inet_network(const char *cp)
{
    struct in_addr a;
    return inet_aton(cp, &a) ? ntohl(a.s_addr) : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
    static char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &in, buf, sizeof buf);
    return buf;
}

static int pton4(const char *s, unsigned char *out)
{
    int parts = 0, digits = 0;
    unsigned v = 0;
    unsigned char tmp[4];
    for (;; s++) {
        if (*s >= '0' && *s <= '9') {
            if (digits && v == 0)
                return 0;  /* no leading zeros */
            v = v * 10 + (unsigned)(*s - '0');
            if (v > 255 || ++digits > 3)
                return 0;
        } else if ((*s == '.' || !*s) && digits) {
            if (parts == 4)
                return 0;
            tmp[parts++] = (unsigned char)v;
            v = 0, digits = 0;
            if (!*s)
                break;
        } else {
            return 0;
        }
    }
    if (parts != 4)
        return 0;
    memcpy(out, tmp, 4);
    return 1;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int pton6(const char *s, unsigned char *out)
{
    unsigned char a[16] = { 0 };
    int n = 0, gap = -1;
    if (s[0] == ':' && s[1] != ':')
        return 0;
    if (s[0] == ':')
        s++;
    while (*s) {
        if (*s == ':') {
            if (gap >= 0)
                return 0;
            gap = n, s++;
            if (!*s)
                break;
            continue;
        }
        const char *start = s;
        unsigned v = 0;
        int d = 0;
        while (hexval(*s) >= 0 && d < 5)
            v = v * 16 + (unsigned)hexval(*s++), d++;
        if (*s == '.' && n <= 12) {  /* an IPv4 tail */
            if (!pton4(start, a + n))
                return 0;
            n += 4;
            break;
        }
        if (!d || d > 4 || n == 16)
            return 0;
        a[n++] = (unsigned char)(v >> 8);
        a[n++] = (unsigned char)v;
        if (*s == ':') {
            s++;
            if (!*s)
                return 0;
        } else if (*s) {
            return 0;
        }
    }
    if (gap < 0 ? n != 16 : n == 16)
        return 0;
    if (gap >= 0) {
        memmove(a + 16 - (n - gap), a + gap, (size_t)(n - gap));
        memset(a + gap, 0, (size_t)(16 - n));
    }
    memcpy(out, a, 16);
    return 1;
}

int inet_pton(int af, const char *src, void *dst)
{
    if (af == AF_INET)
        return pton4(src, dst);
    if (af == AF_INET6)
        return pton6(src, dst);
    errno = EAFNOSUPPORT;
    return -1;
}

static const char *ntop6(const unsigned char *a, char *dst, socklen_t size)
{
    char buf[INET6_ADDRSTRLEN];
    size_t o = 0;
    int best = -1, bestlen = 0;
    for (int i = 0; i < 8;) {  /* the longest run of zero words (2 or more) */
        int j = i;
        while (j < 8 && !a[2 * j] && !a[2 * j + 1])
            j++;
        if (j - i > bestlen && j - i > 1)
            best = i, bestlen = j - i;
        i = j > i ? j : i + 1;
    }
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            o += (size_t)snprintf(buf + o, sizeof buf - o, i == 0 ? "::" : ":");
            i += bestlen - 1;
            continue;
        }
        if (i == 6 && best == 0 && (bestlen == 6 || (bestlen == 5 && a[10] == 0xff &&
                                                     a[11] == 0xff))) {
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%u.%u.%u.%u", a[12], a[13], a[14],
                                  a[15]);
            break;
        }
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%x%s",
                              (unsigned)(a[2 * i] << 8 | a[2 * i + 1]), i < 7 ? ":" : "");
    }
    buf[o < sizeof buf ? o : sizeof buf - 1] = '\0';
    if (strlen(buf) >= size) {
        errno = ENOSPC;
        return NULL;
    }
    return strcpy(dst, buf);
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    if (af == AF_INET6)
        return ntop6(src, dst, size);
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return NULL;
    }
    const unsigned char *a = src;
    char buf[INET_ADDRSTRLEN];
    snprintf(buf, sizeof buf, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    if (strlen(buf) >= size) {
        errno = ENOSPC;
        return NULL;
    }
    return strcpy(dst, buf);
}
