/* Byte order (picolibc's own header) and the inet_* address conversions
 * (guest/posix/inet.c). Inside lwIP and its port (DUET_LWIP_INTERNAL,
 * set by arch/cc.h) only the byte order: lwIP has its own struct in_addr. */
#ifndef DUET_ARPA_INET_H
#define DUET_ARPA_INET_H

#include_next <arpa/inet.h>

#ifndef DUET_LWIP_INTERNAL
#include <netinet/in.h>

in_addr_t inet_addr(const char *cp);
int inet_aton(const char *cp, struct in_addr *out);
char *inet_ntoa(struct in_addr in);
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
int inet_pton(int af, const char *src, void *dst);
in_addr_t inet_network(const char *cp);
#endif

#endif
