/* The byte layer of gdb's remote protocol: see rsp_packet.h. */
#include <string.h>
#include "debug/rsp_packet.h"

enum { ST_IDLE, ST_DATA, ST_CKS1, ST_CKS2 };

void rsp_reader_init(struct rsp_reader *r)
{
    memset(r, 0, sizeof *r);
}

int rsp_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void start(struct rsp_reader *r)
{
    r->state = ST_DATA;
    r->len = 0;
    r->sum = 0;
    r->escaped = 0;
    r->overflow = 0;
}

static void append(struct rsp_reader *r, char c)
{
    if (r->len < RSP_PACKET_MAX)
        r->buf[r->len++] = c;
    else
        r->overflow = 1;
}

enum rsp_event rsp_feed(struct rsp_reader *r, uint8_t c)
{
    switch (r->state) {
    case ST_IDLE:
        if (c == '$')
            start(r);
        else if (c == '+')
            return RSP_ACK;
        else if (c == '-')
            return RSP_NAK;
        else if (c == 0x03)
            return RSP_INTERRUPT;
        return RSP_NONE; /* noise between packets is ignored, as gdb's own stubs do */
    case ST_DATA:
        if (c == '$' && !r->escaped) { /* a new start: gdb gave up on the old one */
            start(r);
            return RSP_NONE;
        }
        if (c == '#' && !r->escaped) {
            r->state = ST_CKS1;
            return RSP_NONE;
        }
        r->sum = (uint8_t)(r->sum + c);
        if (r->escaped) {
            r->escaped = 0;
            append(r, (char)(c ^ 0x20));
        } else if (c == '}') {
            r->escaped = 1;
        } else {
            append(r, (char)c);
        }
        return RSP_NONE;
    case ST_CKS1:
        r->cks_hi = c;
        r->state = ST_CKS2;
        return RSP_NONE;
    default: {
        r->state = ST_IDLE;
        int hi = rsp_hex_digit(r->cks_hi), lo = rsp_hex_digit(c);
        if (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != r->sum)
            return RSP_BAD_CHECKSUM;
        if (r->overflow || r->escaped)
            return RSP_TOO_LONG;
        r->buf[r->len] = 0;
        return RSP_PACKET;
    }
    }
}

size_t rsp_frame(char *out, size_t outcap, const char *payload, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    uint8_t sum = 0;
    if (outcap < 4)
        return 0;
    out[n++] = '$';
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)payload[i];
        int esc = c == '$' || c == '#' || c == '}' || c == '*';
        if (n + (esc ? 2 : 1) + 3 > outcap)
            return 0;
        if (esc) {
            out[n++] = '}';
            sum = (uint8_t)(sum + '}');
            c ^= 0x20;
        }
        out[n++] = (char)c;
        sum = (uint8_t)(sum + c);
    }
    out[n++] = '#';
    out[n++] = hex[sum >> 4];
    out[n++] = hex[sum & 15];
    return n;
}

int rsp_hex_decode(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = rsp_hex_digit((unsigned char)s[2 * i]);
        int lo = hi < 0 ? -1 : rsp_hex_digit((unsigned char)s[2 * i + 1]);
        if (lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

void rsp_hex_encode(char *out, const uint8_t *in, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
}

int rsp_parse_hex_u64(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int n = 0, d;
    while ((d = rsp_hex_digit((unsigned char)s[n])) >= 0) {
        if (++n > 16)
            return -1;
        x = x << 4 | (uint64_t)d;
    }
    if (!n)
        return -1;
    *p = s + n;
    *v = x;
    return 0;
}
