/*
 * setsockopt/getsockopt: Linux's levels and names to lwIP's. What lwIP does
 * not keep itself (the buffer sizes Linux reports, SO_DOMAIN, SO_PROTOCOL)
 * lives in struct sock; an option neither has is ENOPROTOOPT, as Linux says
 * for one it does not know.
 */
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include "lwip/tcp.h"
#include "socket.h"

#define RMEM_MAX 212992   /* Linux's net.core.rmem_max / wmem_max defaults */
#define MIN_RCVBUF 2304
#define MIN_SNDBUF 4608

static int int_arg(const void *val, socklen_t len, int *out)
{
    if (len < sizeof(int))
        return -EINVAL;
    memcpy(out, val, sizeof *out);
    return 0;
}

/* The lwIP (level, name) of a Linux option, or 0 when lwIP has none. */
static int lwip_name(int level, int name, int *llevel, int *lname)
{
    if (level == LX_SOL_SOCKET) {
        *llevel = SOL_SOCKET;
        switch (name) {
        case LX_SO_REUSEADDR: case LX_SO_REUSEPORT: *lname = SO_REUSEADDR; return 1;
        case LX_SO_KEEPALIVE: *lname = SO_KEEPALIVE; return 1;
        case LX_SO_BROADCAST: *lname = SO_BROADCAST; return 1;
        case LX_SO_RCVTIMEO: *lname = SO_RCVTIMEO; return 1;
        case LX_SO_SNDTIMEO: *lname = SO_SNDTIMEO; return 1;
        case LX_SO_LINGER: *lname = SO_LINGER; return 1;
        case LX_SO_ERROR: *lname = SO_ERROR; return 1;
        }
    } else if (level == LX_IPPROTO_TCP) {
        *llevel = IPPROTO_TCP;
        switch (name) {
        case LX_TCP_NODELAY: *lname = TCP_NODELAY; return 1;
        case LX_TCP_KEEPIDLE: *lname = TCP_KEEPIDLE; return 1;
        case LX_TCP_KEEPINTVL: *lname = TCP_KEEPINTVL; return 1;
        case LX_TCP_KEEPCNT: *lname = TCP_KEEPCNT; return 1;
        }
    } else if (level == LX_IPPROTO_IP) {
        *llevel = IPPROTO_IP;
        switch (name) {
        case LX_IP_TOS: *lname = IP_TOS; return 1;
        case LX_IP_TTL: *lname = IP_TTL; return 1;
        }
    }
    return 0;
}

static int level_ok(struct sock *k, int level)
{
    if (level == LX_IPPROTO_TCP && k->type != LX_SOCK_STREAM)
        return 0;
    if (level == LX_IPPROTO_UDP && k->type != LX_SOCK_DGRAM)
        return 0;
    return level == LX_SOL_SOCKET || level == LX_IPPROTO_TCP || level == LX_IPPROTO_IP ||
           level == LX_IPPROTO_UDP;
}

int sock_setsockopt(struct sock *k, int level, int name, const void *val, socklen_t len)
{
    if (!level_ok(k, level))
        return -ENOPROTOOPT;
    int v = 0;
    if (level == LX_SOL_SOCKET && (name == LX_SO_SNDBUF || name == LX_SO_RCVBUF)) {
        if (int_arg(val, len, &v) < 0)
            return -EINVAL;
        long b = v < 0 ? 0 : v > RMEM_MAX ? RMEM_MAX : v;
        if (name == LX_SO_SNDBUF) {
            k->sndbuf = (int)(2 * b < MIN_SNDBUF ? MIN_SNDBUF : 2 * b);
            return 0;  /* lwIP's send buffer is one size for all (TCP_SND_BUF) */
        }
        k->rcvbuf = (int)(2 * b < MIN_RCVBUF ? MIN_RCVBUF : 2 * b);
        if (k->type == LX_SOCK_DGRAM) {  /* lwIP bounds what a UDP socket queues */
            int q = k->rcvbuf;
            lwip_setsockopt(k->s, SOL_SOCKET, SO_RCVBUF, &q, sizeof q);
        }
        return 0;
    }
    if (level == LX_IPPROTO_TCP && name == LX_TCP_MAXSEG)
        return int_arg(val, len, &v) < 0 ? -EINVAL : v < 88 || v > 32767 ? -EINVAL : 0;
    int ll, ln;
    if (!lwip_name(level, name, &ll, &ln) || (ll == SOL_SOCKET && ln == SO_ERROR))
        return -ENOPROTOOPT;
    if (ln == SO_RCVTIMEO || ln == SO_SNDTIMEO) {
        struct timeval tv;
        if (len < sizeof tv)
            return -EINVAL;
        memcpy(&tv, val, sizeof tv);
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -EDOM;
        if (tv.tv_sec < 0)
            tv.tv_sec = 0, tv.tv_usec = 0;  /* Linux: a negative timeout means none */
        if (tv.tv_sec > 1000000)
            tv.tv_sec = 1000000;  /* lwIP keeps milliseconds in an int */
        return lwip_setsockopt(k->s, ll, ln, &tv, sizeof tv) < 0 ? sock_err() : 0;
    }
    if (ln == SO_LINGER) {
        struct linger l;
        if (len < sizeof l)
            return -EINVAL;
        memcpy(&l, val, sizeof l);
        return lwip_setsockopt(k->s, ll, ln, &l, sizeof l) < 0 ? sock_err() : 0;
    }
    if (int_arg(val, len, &v) < 0)
        return -EINVAL;
    if (ll == IPPROTO_TCP && ln != TCP_NODELAY && v < 1)
        return -EINVAL;
    if (ll == IPPROTO_TCP && k->listening)
        return 0;  /* lwIP has no TCP options on a listening PCB; accepted ones get defaults */
    if (ll == SOL_SOCKET && ln != SO_RCVTIMEO)
        v = v != 0;
    return lwip_setsockopt(k->s, ll, ln, &v, sizeof v) < 0 ? sock_err() : 0;
}

static int put_int(void *val, socklen_t *len, int v)
{
    socklen_t n = *len < sizeof v ? *len : sizeof v;
    memcpy(val, &v, n);
    *len = n;
    return 0;
}

int sock_getsockopt(struct sock *k, int level, int name, void *val, socklen_t *len)
{
    if (!level_ok(k, level))
        return -ENOPROTOOPT;
    if (level == LX_SOL_SOCKET) {
        switch (name) {
        case LX_SO_TYPE: return put_int(val, len, k->type);
        case LX_SO_DOMAIN: return put_int(val, len, LX_AF_INET);
        case LX_SO_PROTOCOL: return put_int(val, len, k->protocol);
        case LX_SO_ACCEPTCONN: return put_int(val, len, k->listening);
        case LX_SO_SNDBUF: return put_int(val, len, k->sndbuf ? k->sndbuf : TCP_SND_BUF);
        case LX_SO_RCVBUF: return put_int(val, len, k->rcvbuf ? k->rcvbuf : TCP_WND);
        case LX_SO_ERROR: {
            int e = 0;
            socklen_t l = sizeof e;
            if (lwip_getsockopt(k->s, SOL_SOCKET, SO_ERROR, &e, &l) < 0)
                e = -sock_err();
            if (k->connecting) {
                if (e == ECONNRESET)
                    e = ECONNREFUSED;  /* the RST answered our SYN */
                else if (e == ECONNABORTED)
                    e = ETIMEDOUT;     /* lwIP gave up resending the SYN */
                if (e == EINPROGRESS || e == EALREADY) {
                    e = 0;  /* still connecting: nothing to report yet */
                } else {
                    k->connecting = 0;
                    k->connected = e == 0;
                }
            }
            if (e == EWOULDBLOCK || e == EINPROGRESS)
                e = 0;  /* what lwIP remembers of a non-blocking call, not an error */
            return put_int(val, len, e);
        }
        }
    }
    if (level == LX_IPPROTO_TCP && name == LX_TCP_MAXSEG)
        return put_int(val, len, TCP_MSS);
    int ll, ln;
    if (!lwip_name(level, name, &ll, &ln))
        return -ENOPROTOOPT;
    if (ln == SO_RCVTIMEO || ln == SO_SNDTIMEO) {
        struct timeval tv = { 0, 0 };
        socklen_t l = sizeof tv;
        if (lwip_getsockopt(k->s, ll, ln, &tv, &l) < 0)
            return sock_err();
        socklen_t n = *len < sizeof tv ? *len : sizeof tv;
        memcpy(val, &tv, n);
        *len = n;
        return 0;
    }
    if (ln == SO_LINGER) {
        struct linger lg = { 0, 0 };
        socklen_t l = sizeof lg;
        if (lwip_getsockopt(k->s, ll, ln, &lg, &l) < 0)
            return sock_err();
        socklen_t n = *len < sizeof lg ? *len : sizeof lg;
        memcpy(val, &lg, n);
        *len = n;
        return 0;
    }
    int v = 0;
    socklen_t l = sizeof v;
    if (ll == IPPROTO_TCP && k->listening)
        return put_int(val, len, ln == TCP_NODELAY ? 0 : ln == TCP_KEEPCNT ? 9 :
                                 ln == TCP_KEEPINTVL ? 75 : 7200);  /* Linux defaults */
    if (lwip_getsockopt(k->s, ll, ln, &v, &l) < 0)
        return sock_err();
    if (ll == SOL_SOCKET)
        v = v != 0;
    return put_int(val, len, v);
}
