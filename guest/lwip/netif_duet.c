/*
 * lwIP's Ethernet driver over duet/net.h's zero-copy and offload calls.
 *
 * Receive: a frame stays in the virtio ring buffer the device wrote; lwIP
 * gets a custom pbuf pointing at it (pbuf_alloced_custom), and the buffer
 * goes back to the device when lwIP frees the pbuf. Frames that span
 * buffers (jumbo) or arrive while half the ring is lent out are copied into
 * a pool pbuf instead.
 * Checksums (LWIP_CHECKSUM_CTRL_PER_NETIF): lwIP never checks TCP/UDP
 * checksums on this netif; frames the host vouches for (virtio's
 * DATA_VALID / NEEDS_CSUM: it checked them, or they come from its own stack
 * and were never computed) are taken as they are, the others are checked
 * here. With VIRTIO_NET_F_CSUM lwIP does not compute TCP/UDP checksums
 * either: each frame asks the device to (NEEDS_CSUM, the field holding the
 * pseudo-header sum). IP and ICMP checksums stay lwIP's (20 bytes, rare).
 * Send: frames are copied once, straight into a send buffer; the device is
 * notified once per poll, not per frame.
 * For measuring each step, the environment (duet run --env) turns them off:
 * DUET_NET_ZEROCOPY=0 copies every received frame into a pool pbuf;
 * DUET_NET_CSUM=sw also makes lwIP compute and check every checksum itself
 * (received partial checksums completed by the driver), as before offloads;
 * DUET_NET_LRO=1 turns large receive on (not with CSUM=sw).
 * Large receive (DUET_NET_LRO=1: virtio's GUEST_TSO4, off by default): the
 * host may hand over a TCP segment of up to 64 KB (its stack's GSO, never
 * cut into MSS frames) spanning ring buffers, copied into a chain of pool
 * pbufs (lent, 32 buffers a segment ran the ring dry while the app held
 * data: 2.1 MB/s); one frame where there were up to 45, but in the lab no
 * faster (TCP echo 10.8 vs 10.3 MB/s, one run), hence off.
 * TSO: lwIP 2.1 builds every segment itself (at most one MSS per pbuf chain
 * given to linkoutput) and has no notion of a large send, so GSO/TSO buys
 * it nothing; not offered.
 */
#include <stdlib.h>
#include <string.h>
#include "duet/net.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif_duet.h"
#if !NO_SYS
#include "duet/wait.h"
#endif

_Static_assert(PBUF_POOL_BUFSIZE >= DUET_NET_FRAME_MAX, "a pool pbuf must hold a jumbo frame");
_Static_assert(LWIP_CHECKSUM_CTRL_PER_NETIF, "netif_duet sets checksums per netif");
_Static_assert(LWIP_SUPPORT_CUSTOM_PBUF, "netif_duet lends ring buffers as custom pbufs");

struct netstack_stats netif_duet_stats;


#define ETH_HLEN_ 14
#define PROTO_TCP 6
#define PROTO_UDP 17

static size_t frame_max(const struct netif_duet *d)
{
    return d->info.mtu + DUET_NET_FRAME_OVERHEAD;
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += be16(p + i);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/*
 * An IPv4 TCP or UDP frame that is not a fragment: its L4 offset, length and
 * protocol; 0 for anything else (and for headers that lie about lengths).
 */
static size_t l4_of(const uint8_t *f, size_t len, size_t *l4len, unsigned *proto)
{
    if (len < ETH_HLEN_ + 20 || be16(f + 12) != 0x0800 || (f[14] >> 4) != 4)
        return 0;
    size_t ihl = (size_t)(f[14] & 15) * 4, total = be16(f + 16);
    if (ihl < 20 || total < ihl + 8 || ETH_HLEN_ + total > len || (be16(f + 20) & 0x3fff))
        return 0; /* short, or a fragment (MF or an offset) */
    *proto = f[23];
    if (*proto != PROTO_TCP && *proto != PROTO_UDP)
        return 0;
    *l4len = total - ihl;
    return ETH_HLEN_ + ihl;
}

static uint32_t pseudo_sum(const uint8_t *f, unsigned proto, size_t l4len)
{
    return sum16(f + 26, 8, 0) + proto + (uint32_t)l4len; /* source, destination */
}

/* A frame the host did not vouch for: its TCP/UDP checksum, checked here. */
static int l4_checksum_ok(const uint8_t *f, size_t len)
{
    size_t l4len;
    unsigned proto;
    size_t at = l4_of(f, len, &l4len, &proto);
    if (!at)
        return 1; /* not ours to check: lwIP checks IP and ICMP itself */
    if (proto == PROTO_UDP && be16(f + at + 6) == 0)
        return 1; /* UDP without a checksum */
    return fold(sum16(f + at, l4len, pseudo_sum(f, proto, l4len))) == 0xffff;
}

/* Asks the device for the frame's TCP/UDP checksum: the field gets the pseudo-header sum. */
static void offload_checksum(uint8_t *f, size_t len, unsigned *start, unsigned *offset)
{
    size_t l4len;
    unsigned proto;
    size_t at = l4_of(f, len, &l4len, &proto);
    *start = *offset = 0;
    if (!at || (proto == PROTO_TCP ? l4len < 20 : l4len < 8))
        return;
    unsigned field = proto == PROTO_TCP ? 16 : 6;
    uint16_t ph = fold(pseudo_sum(f, proto, l4len));
    f[at + field] = (uint8_t)(ph >> 8);
    f[at + field + 1] = (uint8_t)ph;
    *start = (unsigned)at;
    *offset = field;
}

void netif_duet_flush(struct netif_duet *d)
{
    if (d->tx_n)
        duet_net_tx_flush(d->dev);
    d->tx_n = 0;
}

static err_t link_output(struct netif *nif, struct pbuf *p)
{
    struct netif_duet *d = nif->state;
    if (p->tot_len > frame_max(d)) {
        netif_duet_stats.tx_errors++;
        return ERR_BUF;
    }
    uint8_t *buf = duet_net_tx_begin(d->dev, p->tot_len);
    if (!buf) { /* the ring is full: let the device catch up once */
        netif_duet_flush(d);
        buf = duet_net_tx_begin(d->dev, p->tot_len);
    }
    if (!buf) {
        netif_duet_stats.tx_errors++;
        return ERR_MEM;
    }
    /* A copy: lwIP may change or free the pbuf once this returns. */
    pbuf_copy_partial(p, buf, p->tot_len, 0);
    unsigned start = 0, offset = 0;
    if (d->offloads & DUET_NET_TX_CSUM)
        offload_checksum(buf, p->tot_len, &start, &offset);
    if (duet_net_tx_end(d->dev, p->tot_len, start, offset) < 0) {
        netif_duet_stats.tx_errors++;
        return ERR_BUF;
    }
    netif_duet_stats.tx_frames++;
    if (++d->tx_n >= 32)
        netif_duet_flush(d); /* a long burst: let the device start on it */
#if !NO_SYS
    sched_event_signal(); /* the receive thread notifies the device at its next turn */
#endif
    return ERR_OK;
}

static int env_is(const char *name, const char *value)
{
    const char *v = getenv(name);
    return v && !strcmp(v, value);
}

/* Asked by the driver when it brings the NICs up (duet/net.h). */
int duet_net_large_receive(void)
{
    return env_is("DUET_NET_LRO", "1") && !env_is("DUET_NET_CSUM", "sw");
}

err_t netif_duet_init(struct netif *nif)
{
    struct netif_duet *d = nif->state;
    d->sw_csum = env_is("DUET_NET_CSUM", "sw");
    d->copy = d->sw_csum || env_is("DUET_NET_ZEROCOPY", "0");
    d->offloads = d->sw_csum ? 0 : duet_net_offloads(d->dev);
    nif->name[0] = 'e';
    nif->name[1] = 'n';
    nif->output = etharp_output;
    nif->linkoutput = link_output;
    nif->mtu = (u16_t)d->info.mtu;
    nif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(nif->hwaddr, d->info.mac, ETH_HWADDR_LEN);
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
                 NETIF_FLAG_LINK_UP;
    u16_t checks = NETIF_CHECKSUM_ENABLE_ALL & ~(NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP);
    if (d->offloads & DUET_NET_TX_CSUM)
        checks &= (u16_t)~(NETIF_CHECKSUM_GEN_TCP | NETIF_CHECKSUM_GEN_UDP);
    NETIF_SET_CHECKSUM_CTRL(nif, d->sw_csum ? NETIF_CHECKSUM_ENABLE_ALL : checks);
    return ERR_OK;
}

static void give_back(struct pbuf *p)
{
    struct netif_duet_pbuf *b = (struct netif_duet_pbuf *)p;
    duet_net_rx_release(b->owner->dev, b->token);
}

/* A lent ring buffer as a pbuf (given back when freed); NULL (and given back) if none. */
static struct pbuf *lend(struct netif_duet *d, const struct duet_net_rx *r)
{
    if (r->token >= NETIF_DUET_RX_MAX) {
        duet_net_rx_release(d->dev, r->token);
        return NULL;
    }
    struct netif_duet_pbuf *b = &d->rx[r->token];
    b->owner = d;
    b->token = r->token;
    b->pc.custom_free_function = give_back;
    struct pbuf *p = pbuf_alloced_custom(PBUF_RAW, (u16_t)r->len, PBUF_REF, &b->pc, r->data,
                                         (u16_t)r->len);
    if (!p)
        duet_net_rx_release(d->dev, r->token);
    return p;
}

/* The other parts of a large frame after its first, p; NULL if one is missing or too long. */
static struct pbuf *rest_of(struct netif_duet *d, struct pbuf *p, unsigned parts)
{
    for (; p && parts; parts--) {
        struct duet_net_rx part;
        struct pbuf *q = duet_net_rx_next_part(d->dev, &part) == 1 ? lend(d, &part) : NULL;
        if (!q || (uint32_t)p->tot_len + q->tot_len > 0xffff) { /* a pbuf's u16 length */
            if (q)
                pbuf_free(q);
            pbuf_free(p);
            return NULL; /* the parts not taken go back at the next duet_net_rx_next */
        }
        pbuf_cat(p, q);
    }
    return p;
}

/* The next frame as a pbuf (lent or copied), NULL when none waits; *err < 0 on failure. */
static struct pbuf *next_frame(struct netif_duet *d, int *more)
{
    struct duet_net_rx r;
    struct pbuf *p;
    if (d->sw_csum) { /* the copying receive, which completes partial checksums */
        static uint8_t drop[DUET_NET_FRAME_MAX];
        p = pbuf_alloc(PBUF_RAW, (u16_t)frame_max(d), PBUF_POOL);
        int64_t n = duet_net_recv(d->dev, p ? p->payload : drop, frame_max(d));
        *more = n > 0;
        if (n > 0 && p) {
            pbuf_realloc(p, (u16_t)n);
            return p;
        }
        if (p)
            pbuf_free(p);
        else if (n > 0) /* no pbuf left: the frame is dropped, not left to spin on */
            netif_duet_stats.rx_dropped++;
        return NULL;
    }
    int got = duet_net_rx_next(d->dev, &r);
    *more = got > 0;
    if (got <= 0)
        return NULL;
    /* Measuring what zero copy saves; and large segments, which would hold
     * 32 ring buffers each for as long as the app keeps any of their data. */
    if (r.data && (d->copy || r.parts)) {
        struct pbuf *lent = rest_of(d, lend(d, &r), r.parts);
        p = lent ? pbuf_clone(PBUF_RAW, PBUF_POOL, lent) : NULL;
        if (lent)
            pbuf_free(lent);
    } else if (r.data) {
        p = rest_of(d, lend(d, &r), r.parts);
    } else {
        p = pbuf_alloc(PBUF_RAW, (u16_t)frame_max(d), PBUF_POOL);
        int64_t n = duet_net_rx_copy(d->dev, &r, p ? p->payload : NULL, p ? frame_max(d) : 0);
        if (p && n > 0)
            pbuf_realloc(p, (u16_t)n);
        else if (p)
            pbuf_free(p), p = NULL;
    }
    /* A chain is a large segment, which the host always vouches for. */
    if (p && !(r.flags & DUET_NET_RX_CSUM_OK) && (p->next || !l4_checksum_ok(p->payload, p->len))) {
        pbuf_free(p);
        p = NULL;
    }
    if (!p)
        netif_duet_stats.rx_dropped++;
    return p;
}

int netif_duet_poll(struct netif_duet *d, int budget)
{
    for (int done = 0; done < budget; done++) {
        int more;
        struct pbuf *p = next_frame(d, &more);
        if (!more) {
            netif_duet_flush(d);
            return NETIF_DUET_DRAINED; /* the interrupt is armed */
        }
        if (!p)
            continue;
        netif_duet_stats.rx_frames++;
        if (d->netif.input(p, &d->netif) != ERR_OK) { /* replies join the send queue */
            netif_duet_stats.rx_dropped++;
            pbuf_free(p);
        }
    }
    netif_duet_flush(d);
    return NETIF_DUET_BUSY; /* budget ran out before the frames did */
}
