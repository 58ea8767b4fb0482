/* gdb's remote protocol commands: see gdb_commands.h. */
#include <stdio.h>
#include <string.h>
#include "debug/gdb_commands.h"

/* Memory bytes per m/M: their hex must fit in one packet. */
enum { MEM_MAX = (RSP_PACKET_MAX - 32) / 2 };

/* E NN codes: 01 malformed packet, 14 (EFAULT) outside guest RAM, 22 refused. */
static size_t put(char *reply, const char *s)
{
    size_t n = strlen(s);
    memcpy(reply, s, n + 1);
    return n;
}

size_t gdb_stop_reply(const struct gdb_session *s, char *reply)
{
    static const char *const watch_kind[] = { "", "", "watch", "rwatch", "awatch" };
    int n = snprintf(reply, RSP_PACKET_MAX + 1, "T%02xthread:1;", s->stop.signal & 0xff);
    if (s->stop.watch >= GDB_WP_WRITE && s->stop.watch <= GDB_WP_ACCESS)
        n += snprintf(reply + n, RSP_PACKET_MAX + 1 - (size_t)n, "%s:%llx;",
                      watch_kind[s->stop.watch], (unsigned long long)s->stop.watch_addr);
    else if (s->stop.swbreak)
        n += snprintf(reply + n, RSP_PACKET_MAX + 1 - (size_t)n, "swbreak:;");
    else if (s->stop.hwbreak)
        n += snprintf(reply + n, RSP_PACKET_MAX + 1 - (size_t)n, "hwbreak:;");
    return (size_t)n;
}

/* "ADDR,LEN" then `end` (':' or NUL); *p left after `end`. */
static int addr_len(const char **p, uint64_t *addr, uint64_t *len, char end)
{
    if (rsp_parse_hex_u64(p, addr) || **p != ',')
        return -1;
    (*p)++;
    if (rsp_parse_hex_u64(p, len) || **p != end)
        return -1;
    if (end)
        (*p)++;
    return 0;
}

static size_t read_regs(struct gdb_session *s, char *reply, int all, unsigned only)
{
    size_t n = 0;
    for (unsigned r = all ? 0 : only; r < (all ? GDB_NREGS : only + 1); r++) {
        uint8_t v[16];
        if (s->ops->read_reg(s->target, r, v) < 0)
            return put(reply, "E22");
        rsp_hex_encode(reply + n, v, gdb_reg_size(r));
        n += 2 * gdb_reg_size(r);
    }
    reply[n] = 0;
    return n;
}

static size_t write_regs(struct gdb_session *s, const char *hex, size_t hexlen, char *reply)
{
    size_t off = 0;
    /* gdb may send fewer registers than we have; never more, never half of one. */
    for (unsigned r = 0; r < GDB_NREGS && off < hexlen; r++) {
        uint8_t v[16];
        size_t sz = gdb_reg_size(r);
        if (hexlen - off < 2 * sz || rsp_hex_decode(hex + off, v, sz) < 0)
            return put(reply, "E01");
        if (s->ops->write_reg(s->target, r, v) < 0)
            return put(reply, "E22");
        off += 2 * sz;
    }
    return put(reply, off == hexlen ? "OK" : "E01");
}

static size_t one_reg(struct gdb_session *s, const char *p, char *reply, int write)
{
    uint64_t r;
    if (rsp_parse_hex_u64(&p, &r) || r >= GDB_NREGS)
        return put(reply, "E01");
    if (!write)
        return *p ? put(reply, "E01") : read_regs(s, reply, 0, (unsigned)r);
    uint8_t v[16];
    size_t sz = gdb_reg_size((unsigned)r);
    if (*p++ != '=' || strlen(p) != 2 * sz || rsp_hex_decode(p, v, sz) < 0)
        return put(reply, "E01");
    return put(reply, s->ops->write_reg(s->target, (unsigned)r, v) < 0 ? "E22" : "OK");
}

static size_t memory(struct gdb_session *s, const char *p, size_t len, const char *pkt, char *reply, int write)
{
    uint64_t addr, n;
    if (addr_len(&p, &addr, &n, write ? ':' : 0) < 0)
        return put(reply, "E01");
    uint8_t buf[MEM_MAX];
    if (!write) {
        if (n > MEM_MAX)
            n = MEM_MAX; /* a shorter reply is allowed; gdb asks again for the rest */
        size_t got = n ? s->ops->read_mem(s->target, addr, buf, (size_t)n) : 0;
        if (n && !got)
            return put(reply, "E14");
        rsp_hex_encode(reply, buf, got);
        reply[2 * got] = 0;
        return 2 * got;
    }
    size_t hexlen = len - (size_t)(p - pkt);
    if (n > MEM_MAX || hexlen != 2 * n || rsp_hex_decode(p, buf, (size_t)n) < 0)
        return put(reply, "E01");
    if (n && s->ops->write_mem(s->target, addr, buf, (size_t)n) < 0)
        return put(reply, "E14");
    return put(reply, "OK");
}

static size_t breakpoint(struct gdb_session *s, const char *p, char *reply, int insert)
{
    uint64_t type, addr, kind;
    if (rsp_parse_hex_u64(&p, &type) || *p++ != ',')
        return put(reply, "E01");
    if (type > GDB_WP_ACCESS)
        return put(reply, ""); /* a kind we do not know: gdb falls back */
    /* Conditions and commands after ';' (target-side) are not supported: refuse them. */
    if (addr_len(&p, &addr, &kind, 0) < 0)
        return put(reply, "E01");
    int rc = s->ops->breakpoint(s->target, (enum gdb_bp_type)type, addr, kind, insert);
    return put(reply, rc > 0 ? "" : rc < 0 ? "E22" : "OK");
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static size_t xfer_features(const char *p, char *reply)
{
    static const char annex[] = "target.xml:";
    uint64_t off, n;
    if (strncmp(p, annex, sizeof annex - 1))
        return put(reply, "E00");
    p += sizeof annex - 1;
    if (addr_len(&p, &off, &n, 0) < 0)
        return put(reply, "E01");
    size_t xlen;
    const char *xml = gdb_target_xml(&xlen);
    if (off > xlen)
        return put(reply, "E01");
    /* Leave room for escapes: rsp_frame doubles at most every byte. */
    size_t max = RSP_PACKET_MAX / 2 - 1;
    size_t take = xlen - (size_t)off;
    if (take > n) take = (size_t)n;
    if (take > max) take = max;
    reply[0] = (size_t)off + take < xlen ? 'm' : 'l';
    memcpy(reply + 1, xml + off, take);
    reply[1 + take] = 0;
    return 1 + take;
}

/* 'c [ADDR]' / 's [ADDR]' and vCont;ACTION[:thread]... (all-stop, one thread). */
static enum gdb_action resume(struct gdb_session *s, const char *p, int step, char *reply, size_t *rl)
{
    s->resume_addr_set = 0;
    if (*p) {
        if (rsp_parse_hex_u64(&p, &s->resume_addr) || *p) {
            *rl = put(reply, "E01");
            return GDB_STAY;
        }
        s->resume_addr_set = 1;
    }
    *rl = 0;
    reply[0] = 0;
    return step ? GDB_STEP : GDB_CONTINUE;
}

static enum gdb_action vcont(struct gdb_session *s, const char *p, char *reply, size_t *rl)
{
    if (!strcmp(p, "?")) {
        *rl = put(reply, "vCont;c;C;s;S");
        return GDB_STAY;
    }
    if (*p != ';')
        goto bad;
    p++;
    /* One thread: the first action is the one that applies to it. */
    char a = *p++;
    if (a == 'C' || a == 'S') { /* a signal number to deliver: a unikernel has none */
        uint64_t sig;
        if (rsp_parse_hex_u64(&p, &sig))
            goto bad;
        a = (char)(a - 'A' + 'a');
    }
    if ((a != 'c' && a != 's') || (*p && *p != ':' && *p != ';'))
        goto bad;
    s->resume_addr_set = 0;
    *rl = 0;
    reply[0] = 0;
    return a == 's' ? GDB_STEP : GDB_CONTINUE;
bad:
    *rl = put(reply, "E01");
    return GDB_STAY;
}

static size_t query(const char *p, char *reply)
{
    if (!strncmp(p, "qSupported", 10))
        return (size_t)snprintf(reply, RSP_PACKET_MAX + 1,
                                "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+",
                                RSP_PACKET_MAX);
    if (!strncmp(p, "qXfer:features:read:", 20))
        return xfer_features(p + 20, reply);
    if (!strcmp(p, "qAttached"))
        return put(reply, "1");
    if (!strcmp(p, "qC"))
        return put(reply, "QC1");
    if (!strcmp(p, "qfThreadInfo"))
        return put(reply, "m1");
    if (!strcmp(p, "qsThreadInfo"))
        return put(reply, "l");
    return put(reply, "");
}

enum gdb_action gdb_handle(struct gdb_session *s, const char *pkt, size_t len,
                           char *reply, size_t *rl)
{
    const char *p = pkt + 1;
    /* A NUL inside a packet would hide the rest from the string parsers. */
    if (!len || strlen(pkt) != len) {
        *rl = put(reply, "E01");
        return GDB_STAY;
    }
    switch (pkt[0]) {
    case '?': *rl = gdb_stop_reply(s, reply); break;
    case 'g': *rl = *p ? put(reply, "E01") : read_regs(s, reply, 1, 0); break;
    case 'G': *rl = write_regs(s, p, len - 1, reply); break;
    case 'p': *rl = one_reg(s, p, reply, 0); break;
    case 'P': *rl = one_reg(s, p, reply, 1); break;
    case 'm': *rl = memory(s, p, len, pkt, reply, 0); break;
    case 'M': *rl = memory(s, p, len, pkt, reply, 1); break;
    case 'Z': *rl = breakpoint(s, p, reply, 1); break;
    case 'z': *rl = breakpoint(s, p, reply, 0); break;
    case 'c': return resume(s, p, 0, reply, rl);
    case 's': return resume(s, p, 1, reply, rl);
    case 'k': *rl = 0; reply[0] = 0; return GDB_KILL;
    case 'D': *rl = put(reply, "OK"); return GDB_DETACH;
    case 'H': *rl = put(reply, "OK"); break;  /* one thread: any selection is it */
    case 'T': *rl = put(reply, "OK"); break;  /* thread 1 is alive */
    case 'q': *rl = query(pkt, reply); break;
    case 'v':
        if (!strncmp(pkt, "vCont", 5))
            return vcont(s, pkt + 5, reply, rl);
        *rl = put(reply, ""); /* vMustReplyEmpty and everything we do not do */
        break;
    default: *rl = put(reply, ""); break;
    }
    return GDB_STAY;
}
