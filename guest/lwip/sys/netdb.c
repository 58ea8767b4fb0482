/*
 * getaddrinfo & co. with glibc's ABI and answers: numeric hosts (the forms
 * inet_aton takes), "localhost", and other names through lwIP's DNS client
 * (netconn_gethostbyname: the servers DHCP gave, or DUET_DNS). IPv4 only:
 * AF_INET6 is EAI_FAMILY. No /etc/services: a small table of well-known
 * names, numbers otherwise. Reverse lookups are not there: getnameinfo
 * gives numbers (NI_NAMEREQD: EAI_NONAME).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lwip/api.h"
#include "lwip/dns.h"
#include "lwip/netdb.h"
#include "socket.h"

/* glibc's <netdb.h>, spelled LX_ (lwIP's netdb.h has the same names). */
struct lx_addrinfo {
    int ai_flags, ai_family, ai_socktype, ai_protocol;
    uint32_t ai_addrlen;
    void *ai_addr;
    char *ai_canonname;
    struct lx_addrinfo *ai_next;
};
struct lx_hostent {
    char *h_name;
    char **h_aliases;
    int h_addrtype, h_length;
    char **h_addr_list;
};
struct lx_servent {
    char *s_name;
    char **s_aliases;
    int s_port;
    char *s_proto;
};
struct lx_protoent {
    char *p_name;
    char **p_aliases;
    int p_proto;
};
#define LX_AF_INET6 10
#define AI_PASSIVE_ 0x1
#define AI_CANONNAME_ 0x2
#define AI_NUMERICHOST_ 0x4
#define AI_KNOWN_ 0x43f  /* PASSIVE CANONNAME NUMERICHOST V4MAPPED ALL ADDRCONFIG NUMERICSERV */
#define AI_NUMERICSERV_ 0x400
#define NI_NUMERICHOST_ 1
#define NI_NAMEREQD_ 8
#define NI_DGRAM_ 16
enum { EAI_BADFLAGS_ = -1, EAI_NONAME_ = -2, EAI_AGAIN_ = -3, EAI_FAIL_ = -4,
       EAI_FAMILY_ = -6, EAI_SOCKTYPE_ = -7, EAI_SERVICE_ = -8, EAI_MEMORY_ = -10,
       EAI_SYSTEM_ = -11, EAI_OVERFLOW_ = -12 };

void freeaddrinfo(struct lx_addrinfo *ai);

static const struct { const char *name; int port; } services[] = {
    { "echo", 7 }, { "discard", 9 }, { "daytime", 13 }, { "ftp", 21 }, { "ssh", 22 },
    { "telnet", 23 }, { "smtp", 25 }, { "domain", 53 }, { "http", 80 }, { "www", 80 },
    { "pop3", 110 }, { "ntp", 123 }, { "imap", 143 }, { "snmp", 161 }, { "https", 443 },
    { "socks", 1080 }, { "mysql", 3306 }, { "postgresql", 5432 }, { "redis", 6379 },
    { "http-alt", 8080 },
};

/* A service name or number: the port (host order), or an EAI_ code. */
static int service_port(const char *service, int flags)
{
    if (!service)
        return 0;
    char *end;
    long v = strtol(service, &end, 10);
    if (*service && !*end)
        return v < 0 ? EAI_SERVICE_ : (int)(v & 0xffff);  /* glibc keeps 16 bits */
    if (flags & AI_NUMERICSERV_)
        return EAI_NONAME_;
    for (size_t i = 0; i < sizeof services / sizeof *services; i++)
        if (!strcmp(service, services[i].name))
            return services[i].port;
    return EAI_SERVICE_;
}

/* The IPv4 address (network order) of node: 0, or an EAI_ code. */
static int resolve(const char *node, int flags, uint32_t *addr)
{
    struct in_addr a;
    if (!node) {
        *addr = (flags & AI_PASSIVE_) ? 0 : lwip_htonl(0x7f000001);
        return 0;
    }
    if (ip4addr_aton(node, (ip4_addr_t *)&a)) {
        *addr = a.s_addr;
        return 0;
    }
    if (flags & AI_NUMERICHOST_)
        return EAI_NONAME_;
    if (!strcmp(node, "localhost") || !strcmp(node, "localhost.localdomain")) {
        *addr = lwip_htonl(0x7f000001);
        return 0;
    }
    if (!*node || strlen(node) > DNS_MAX_NAME_LENGTH)
        return EAI_NONAME_;
    if (ip_addr_isany_val(*dns_getserver(0)) && ip_addr_isany_val(*dns_getserver(1)))
        return EAI_AGAIN_;  /* no resolver: glibc's answer without a reachable server */
    ip_addr_t ip;
    err_t e = netconn_gethostbyname(node, &ip);
    if (e == ERR_OK) {
        *addr = ip4_addr_get_u32(ip_2_ip4(&ip));
        return 0;
    }
    return e == ERR_VAL || e == ERR_ARG ? EAI_NONAME_ : EAI_AGAIN_;
}

int getaddrinfo(const char *node, const char *service, const struct lx_addrinfo *hints,
                struct lx_addrinfo **res)
{
    int flags = 0, family = 0, socktype = 0, protocol = 0;
    if (hints) {
        flags = hints->ai_flags, family = hints->ai_family;
        socktype = hints->ai_socktype, protocol = hints->ai_protocol;
    }
    if (flags & ~AI_KNOWN_)
        return EAI_BADFLAGS_;
    if ((flags & AI_CANONNAME_) && !node)
        return EAI_BADFLAGS_;
    if (family != LX_AF_UNSPEC && family != LX_AF_INET)
        return EAI_FAMILY_;
    if (socktype != 0 && socktype != LX_SOCK_STREAM && socktype != LX_SOCK_DGRAM)
        return EAI_SOCKTYPE_;
    if ((socktype == LX_SOCK_STREAM && protocol && protocol != LX_IPPROTO_TCP) ||
        (socktype == LX_SOCK_DGRAM && protocol && protocol != LX_IPPROTO_UDP))
        return EAI_SOCKTYPE_;
    if (!node && !service)
        return EAI_NONAME_;
    int port = service_port(service, flags);
    if (port < 0)
        return port;
    uint32_t addr;
    int e = resolve(node, flags, &addr);
    if (e < 0)
        return e;
    /* glibc's three for socktype 0: stream, datagram and raw (protocol 0) */
    static const int types[3][2] = { { LX_SOCK_STREAM, LX_IPPROTO_TCP },
                                     { LX_SOCK_DGRAM, LX_IPPROTO_UDP }, { 3, 0 } };
    struct lx_addrinfo *head = NULL, **tail = &head;
    for (int i = 0; i < 3; i++) {
        if ((socktype && socktype != types[i][0]) || (i == 2 && (socktype || protocol)) ||
            (!socktype && protocol && protocol != types[i][1]))
            continue;
        struct { struct lx_addrinfo ai; struct lx_sockaddr_in sin; } *p = calloc(1, sizeof *p);
        if (!p) {
            freeaddrinfo((void *)head);
            return EAI_MEMORY_;
        }
        p->sin.sin_family = LX_AF_INET;
        p->sin.sin_port = lwip_htons((u16_t)port);
        p->sin.sin_addr = addr;
        p->ai = (struct lx_addrinfo){ flags, LX_AF_INET, types[i][0], types[i][1],
                                      sizeof p->sin, &p->sin, NULL, NULL };
        if (!head && (flags & AI_CANONNAME_) && !(p->ai.ai_canonname = strdup(node))) {
            free(p);
            return EAI_MEMORY_;
        }
        *tail = &p->ai;
        tail = &p->ai.ai_next;
    }
    if (!head)
        return EAI_SOCKTYPE_;
    *res = head;
    return 0;
}

void freeaddrinfo(struct lx_addrinfo *ai)
{
    while (ai) {
        struct lx_addrinfo *next = ai->ai_next;
        free(ai->ai_canonname);
        free(ai);  /* the address came in the same allocation */
        ai = next;
    }
}

const char *gai_strerror(int e)
{
    switch (e) {
    case 0: return "Success";
    case EAI_BADFLAGS_: return "Bad value for ai_flags";
    case EAI_NONAME_: return "Name or service not known";
    case EAI_AGAIN_: return "Temporary failure in name resolution";
    case EAI_FAIL_: return "Non-recoverable failure in name resolution";
    case EAI_FAMILY_: return "ai_family not supported";
    case EAI_SOCKTYPE_: return "ai_socktype not supported";
    case EAI_SERVICE_: return "Servname not supported for ai_socktype";
    case EAI_MEMORY_: return "Memory allocation failure";
    case EAI_SYSTEM_: return "System error";
    case EAI_OVERFLOW_: return "Argument buffer overflow";
    default: return "Unknown error";
    }
}

int getnameinfo(const void *sa, uint32_t salen, char *host, uint32_t hostlen, char *serv,
                uint32_t servlen, int flags)
{
    const struct lx_sockaddr_in *a = sa;
    if (!sa || salen < sizeof *a)
        return EAI_FAMILY_;
    if (a->sin_family != LX_AF_INET)
        return EAI_FAMILY_;
    if (host && hostlen) {
        if ((flags & NI_NAMEREQD_) && !(flags & NI_NUMERICHOST_))
            return EAI_NONAME_;  /* no reverse lookups */
        const unsigned char *b = (const unsigned char *)&a->sin_addr;
        if (snprintf(host, hostlen, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]) >= (int)hostlen)
            return EAI_OVERFLOW_;
    }
    if (serv && servlen) {
        if (snprintf(serv, servlen, "%u", lwip_ntohs(a->sin_port)) >= (int)servlen)
            return EAI_OVERFLOW_;
    }
    return 0;
}

static struct lx_hostent he;
static char he_name[DNS_MAX_NAME_LENGTH + 1];
static uint32_t he_addr;
static char *he_list[2], *he_aliases[1];

struct lx_hostent *gethostbyname(const char *name)
{
    uint32_t addr;
    if (!name) {
        h_errno = HOST_NOT_FOUND;
        return NULL;
    }
    int e = resolve(name, 0, &addr);
    if (e < 0) {
        h_errno = e == EAI_AGAIN_ ? TRY_AGAIN : HOST_NOT_FOUND;
        return NULL;
    }
    snprintf(he_name, sizeof he_name, "%s", name);
    he_addr = addr;
    he_list[0] = (char *)&he_addr;
    he_list[1] = NULL;
    he_aliases[0] = NULL;
    he = (struct lx_hostent){ he_name, he_aliases, LX_AF_INET, 4, he_list };
    return &he;
}

struct lx_hostent *gethostbyaddr(const void *addr, uint32_t len, int type)
{
    if (!addr || len != 4 || type != LX_AF_INET) {
        h_errno = HOST_NOT_FOUND;
        return NULL;
    }
    const unsigned char *b = addr;
    snprintf(he_name, sizeof he_name, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    memcpy(&he_addr, addr, 4);
    he_list[0] = (char *)&he_addr;
    he_list[1] = NULL;
    he_aliases[0] = NULL;
    he = (struct lx_hostent){ he_name, he_aliases, LX_AF_INET, 4, he_list };
    return &he;
}

const char *hstrerror(int e)
{
    switch (e) {
    case HOST_NOT_FOUND: return "Unknown host";
    case TRY_AGAIN: return "Host name lookup failure";
    case NO_RECOVERY: return "Unknown server error";
    case NO_DATA: return "No address associated with name";
    default: return "Unknown resolver error";
    }
}

static struct lx_servent se;
static char *se_aliases[1];

static struct lx_servent *servent(const char *name, int port, const char *proto)
{
    se_aliases[0] = NULL;
    se = (struct lx_servent){ (char *)name, se_aliases, lwip_htons((u16_t)port),
                              (char *)(proto ? proto : "tcp") };
    return &se;
}

struct lx_servent *getservbyname(const char *name, const char *proto)
{
    for (size_t i = 0; name && i < sizeof services / sizeof *services; i++)
        if (!strcmp(name, services[i].name))
            return servent(services[i].name, services[i].port, proto);
    return NULL;
}

struct lx_servent *getservbyport(int port, const char *proto)
{
    for (size_t i = 0; i < sizeof services / sizeof *services; i++)
        if (lwip_htons((u16_t)services[i].port) == port)
            return servent(services[i].name, services[i].port, proto);
    return NULL;
}

static struct lx_protoent pe;
static char *pe_aliases[1];
static const struct { const char *name; int proto; } protos[] = {
    { "ip", 0 }, { "icmp", 1 }, { "tcp", 6 }, { "udp", 17 },
};

struct lx_protoent *getprotobynumber(int proto)
{
    for (size_t i = 0; i < sizeof protos / sizeof *protos; i++)
        if (protos[i].proto == proto) {
            pe_aliases[0] = NULL;
            pe = (struct lx_protoent){ (char *)protos[i].name, pe_aliases, proto };
            return &pe;
        }
    return NULL;
}

struct lx_protoent *getprotobyname(const char *name)
{
    for (size_t i = 0; name && i < sizeof protos / sizeof *protos; i++)
        if (!strcmp(name, protos[i].name))
            return getprotobynumber(protos[i].proto);
    return NULL;
}
