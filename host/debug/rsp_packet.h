/*
 * gdb's remote serial protocol, the byte layer: framing ($payload#cs),
 * checksums, '}' escapes, acks and the Ctrl-C byte. The reader is pure (no
 * I/O) and bounded: it sees untrusted bytes from a socket, so it is
 * unit-tested and fuzzed (tests/fuzz/fuzz_gdb.c). Run-length encoding is
 * only something a stub may send; the reader takes '*' literally.
 */
#ifndef DUET_RSP_PACKET_H
#define DUET_RSP_PACKET_H

#include <stddef.h>
#include <stdint.h>

/* Payload bytes of one packet, both ways (advertised as PacketSize). */
enum { RSP_PACKET_MAX = 4096 };

enum rsp_event {
    RSP_NONE,          /* byte consumed, nothing complete yet */
    RSP_PACKET,        /* a packet with a good checksum: r->buf[0..r->len), NUL-terminated */
    RSP_ACK,           /* '+' */
    RSP_NAK,           /* '-': resend the last reply */
    RSP_INTERRUPT,     /* 0x03 outside a packet: Ctrl-C */
    RSP_BAD_CHECKSUM,  /* a packet whose checksum is wrong or not hex: answer '-' */
    RSP_TOO_LONG,      /* a packet longer than RSP_PACKET_MAX: answer E01 */
};

struct rsp_reader {
    int state;
    int escaped;       /* the previous data byte was '}' */
    int overflow;      /* more payload than fits: the packet is refused */
    uint8_t sum;       /* running checksum of the raw bytes between $ and # */
    uint8_t cks_hi;
    size_t len;
    char buf[RSP_PACKET_MAX + 1];
};

void rsp_reader_init(struct rsp_reader *r);
enum rsp_event rsp_feed(struct rsp_reader *r, uint8_t c);

/*
 * Frames `len` payload bytes as $...#cs into out (escaping $ # } *).
 * Returns the frame's length, or 0 when it does not fit in outcap.
 */
size_t rsp_frame(char *out, size_t outcap, const char *payload, size_t len);

/* Hex helpers: every digit checked. -1 on a bad digit or overflow. */
int rsp_hex_digit(int c);
/* Decodes 2*n hex digits at s into n bytes. */
int rsp_hex_decode(const char *s, uint8_t *out, size_t n);
void rsp_hex_encode(char *out, const uint8_t *in, size_t n);
/* A hex number of 1..16 digits at *p; advances *p past it. */
int rsp_parse_hex_u64(const char **p, uint64_t *v);

#endif
