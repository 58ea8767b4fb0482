/*
 * lwIP's options for Duet guests: NO_SYS (no threads: the app polls the
 * netif and calls sys_check_timeouts()), raw callback API only, IPv4 with
 * ICMP, UDP, TCP, ARP and DHCP. Frames up to a 9000-byte MTU.
 * Anything not set here keeps lwIP's default (lwip/opt.h).
 */
#ifndef DUET_LWIPOPTS_H
#define DUET_LWIPOPTS_H

#ifndef DUET_LWIP_SOCKETS
/* --- system: one thread, no OS layer ------------------------------------ */
#define NO_SYS                      1
#define SYS_LIGHTWEIGHT_PROT        0   /* nothing preempts the stack */
#define LWIP_TIMERS                 1   /* sys_check_timeouts(); needs sys_now() */
#define LWIP_SOCKET                 0
#define LWIP_NETCONN                0
#define LWIP_NETIF_API              0
#else
/* --- apps with `uses: sockets`: lwIP's tcpip thread and socket layer over
 * Duet's threads (guest/lwip/sys/). Threads are cooperative on one CPU, so
 * nothing runs between two instructions of lwIP's core: no lightweight
 * protection needed; the core lock is a plain mutex. */
#define NO_SYS                      0
#define SYS_LIGHTWEIGHT_PROT        0
#define LWIP_TIMERS                 1
#define LWIP_SOCKET                 1
#define LWIP_NETCONN                1
#define LWIP_NETIF_API              0
#define LWIP_TCPIP_CORE_LOCKING     1
/* Programs call socket(), poll()... of the guest's fd table
 * (guest/lwip/sys/socket.c), which calls lwip_*() under lwIP's own numbers. */
#define LWIP_COMPAT_SOCKETS         0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SOCKET_SELECT          0
#define LWIP_SOCKET_POLL            1   /* lwip_poll() under the fd table's poll() */
#define LWIP_SO_LINGER              1
#define LWIP_HAVE_LOOPIF            1   /* 127.0.0.1, and the guest's own addresses, */
#define LWIP_NETIF_LOOPBACK         1   /* reach its own sockets, as on Linux */
#define TCP_LISTEN_BACKLOG          1   /* listen()'s backlog is kept, as on Linux */
#define MEMP_NUM_TCP_PCB            64  /* many connections at once */
#define MEMP_NUM_TCP_PCB_LISTEN     16
#define MEMP_NUM_UDP_PCB            16
#define LWIP_TIMEVAL_PRIVATE        0   /* picolibc's struct timeval */
#define LWIP_SO_RCVTIMEO            1
#define LWIP_SO_SNDTIMEO            1
#define LWIP_SO_RCVBUF              1
#define SO_REUSE                    1
#define LWIP_TCP_KEEPALIVE          1
#define MEMP_NUM_NETCONN            96
#define LWIP_SOCKET_OFFSET          0   /* lwIP's numbers stay inside the socket layer */
#define TCPIP_THREAD_STACKSIZE      32768
#define TCPIP_MBOX_SIZE             64
#define DEFAULT_THREAD_STACKSIZE    32768
#define DEFAULT_TCP_RECVMBOX_SIZE   64
#define DEFAULT_UDP_RECVMBOX_SIZE   64
#define DEFAULT_ACCEPTMBOX_SIZE     16
#define LWIP_DNS                    1
/* Many connections at once: each holds received segments in pool pbufs
 * (9 KB apiece) until the app reads them; windows are smaller, pool larger. */
#define PBUF_POOL_SIZE              256
#define TCP_WND                     (16 * TCP_MSS)
#endif

/* --- protocols ----------------------------------------------------------- */
#define LWIP_IPV4                   1
#define LWIP_IPV6                   0
#define LWIP_ARP                    1
#define LWIP_ETHERNET               1
#define LWIP_ICMP                   1
#define LWIP_UDP                    1
#define LWIP_TCP                    1
#define LWIP_DHCP                   1
#define LWIP_RAW                    0
#define LWIP_IGMP                   0
#ifndef LWIP_DNS
#define LWIP_DNS                    0
#endif
#define LWIP_AUTOIP                 0

/* --- netif --------------------------------------------------------------- */
#define LWIP_NETIF_LINK_CALLBACK    1
#define LWIP_NETIF_STATUS_CALLBACK  1

/* --- memory: static, sized for jumbo frames ------------------------------ */
#define MEM_ALIGNMENT               8
#define MEM_SIZE                    (256 * 1024)  /* PBUF_RAM: tx data, replies */
/* One pool pbuf holds a whole received frame: 9000-byte MTU + 14-byte
 * Ethernet header (+4 for a VLAN tag), rounded up to 9216. */
#define DUET_LWIP_MAX_FRAME         9216
#define PBUF_POOL_BUFSIZE           LWIP_MEM_ALIGN_SIZE(DUET_LWIP_MAX_FRAME + \
                                        PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN)
#ifndef PBUF_POOL_SIZE
/* A whole receive window of segments (TCP_WND / TCP_MSS = 88) plus slack,
 * for frames netif_duet copies rather than lends (jumbo frames, half the
 * ring already out): fewer, and a window's burst is dropped and resent. */
#define PBUF_POOL_SIZE              128
#endif
#define MEMP_NUM_PBUF               64  /* PBUF_REF/ROM: no-copy tcp_write, etc. */
#ifndef MEMP_NUM_TCP_PCB
#define MEMP_NUM_UDP_PCB            8
#define MEMP_NUM_TCP_PCB            16
#define MEMP_NUM_TCP_PCB_LISTEN     8
#endif

/* --- TCP ------------------------------------------------------------------ */
#define TCP_MSS                     1460
/* Window scaling (RFC 7323): windows past 64 KB, for the bandwidth-delay
 * product of a fast path (e.g. 1 GB/s x 100 us = 100 KB). Scale 2: up to
 * 256 KB; received segments sit in lent ring buffers or pool pbufs. */
#define LWIP_WND_SCALE              1
#define TCP_RCV_SCALE               2
#ifndef TCP_WND
#define TCP_WND                     (88 * TCP_MSS)   /* 128 KB */
#endif
#define TCP_SND_BUF                 (88 * TCP_MSS)
#define TCP_SNDLOWAT                (16 * TCP_MSS)   /* a u16_t: lwIP's default is SND_BUF/2 */
/* lwIP's default formula, spelled out: what its sanity check requires. */
#define TCP_SND_QUEUELEN            ((4 * TCP_SND_BUF + (TCP_MSS - 1)) / TCP_MSS)
#define MEMP_NUM_TCP_SEG            (4 * TCP_SND_QUEUELEN)  /* shared by all PCBs */

/* --- checksums: compiled in, switched per netif --------------------------- */
/* netif_duet.c turns TCP/UDP checks off (the host vouches, or the driver
 * checks) and, with virtio's CSUM feature, TCP/UDP generation too (the
 * device fills them in). Zero-copy receive lends ring buffers as custom pbufs. */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define LWIP_SUPPORT_CUSTOM_PBUF    1
#define CHECKSUM_GEN_IP             1
#define CHECKSUM_GEN_UDP            1
#define CHECKSUM_GEN_TCP            1
#define CHECKSUM_GEN_ICMP           1
#define CHECKSUM_CHECK_IP           1
#define CHECKSUM_CHECK_UDP          1
#define CHECKSUM_CHECK_TCP          1
#define CHECKSUM_CHECK_ICMP         1

/* --- diagnostics ---------------------------------------------------------- */
#define LWIP_STATS                  0

#endif /* DUET_LWIPOPTS_H */
