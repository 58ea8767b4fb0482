/*
 * lwIP's port header for Duet guests (aarch64, picolibc): the compiler and
 * C library abstraction lwip/arch.h includes. Options of the stack itself
 * live in lwipopts.h.
 */
#ifndef DUET_LWIP_ARCH_CC_H
#define DUET_LWIP_ARCH_CC_H

/* lwIP has its own struct in_addr & co.: only byte order from <arpa/inet.h>. */
#define DUET_LWIP_INTERNAL 1
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

/* picolibc has ssize_t (signed size_t: long here) but no SSIZE_MAX, without
 * which lwip/arch.h would typedef its own, conflicting, int ssize_t. */
#ifndef SSIZE_MAX
#define SSIZE_MAX __PTRDIFF_MAX__
#endif

/* picolibc's <machine/endian.h> may have defined it already (same value). */
#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif

/* One instruction each instead of lwIP's shift-and-or functions. */
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))
/* htons() and friends come from picolibc's <arpa/inet.h>: lwIP's own macros
 * would clash with it in apps that include both, in either order. */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS

/* picolibc's errno and its E* values, not lwIP's own copy. */
#define LWIP_ERRNO_STDINCLUDE 1

/* Randomness (TCP initial sequence numbers, local ports, DHCP xid) comes
 * from the port (guest/lwip/sys_duet.c). */
uint32_t duet_lwip_rand(void);
#define LWIP_RAND() ((u32_t)duet_lwip_rand())

#ifdef DUET_LWIP_SOCKETS
#include <fcntl.h>    /* picolibc's O_NONBLOCK, not lwIP's own value 1 */
#include <sys/time.h> /* struct timeval for SO_RCVTIMEO (LWIP_TIMEVAL_PRIVATE 0) */
/* Debian's lwIP patch moved these into a Linux-only header; lwIP's own
 * struct sockaddr (which we use) has the BSD length fields. */
#define IP4ADDR_SOCKADDR_SET_LEN(sin)   ((sin)->sin_len = sizeof(struct sockaddr_in))
#define IP6ADDR_SOCKADDR_SET_LEN(sin6)  ((sin6)->sin6_len = sizeof(struct sockaddr_in6))
#define IPADDR_SOCKADDR_GET_LEN(addr)   ((addr)->sa.sa_len)
#endif

#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { \
        printf("lwIP assertion \"%s\" failed at %s:%d\n", (x), __FILE__, __LINE__); \
        fflush(NULL); \
        abort(); \
    } while (0)

#endif /* DUET_LWIP_ARCH_CC_H */
