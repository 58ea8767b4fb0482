/*
 * The gdb stub's connection and stops: listen, accept one gdb, serve
 * packets while the guest is stopped, turn a Ctrl-C into a stop. See
 * gdb_stub.h for when it runs relative to the sandbox.
 */
#define _GNU_SOURCE /* accept4, F_SETOWN_EX */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "debug/gdb_stub.h"
#include "lib/errmsg.h"
#if defined(__aarch64__)
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <linux/kvm.h>
#include "debug/gdb_stub_internal.h"
#include "duet/hypercall.h"
#include "duet/kvm_regs.h"
#include "lib/strict_num.h"
#include "kvm/vm.h"

static struct kvm_run *volatile sigio_run;

/* gdb sent bytes while the guest runs (Ctrl-C): make KVM_RUN return EINTR now. */
static void on_sigio(int sig)
{
    (void)sig;
    if (sigio_run)
        sigio_run->immediate_exit = 1;
}

struct gdb_stub *gdb_stub_listen(const char *spec, char *err, size_t errlen)
{
    struct gdb_stub *g = calloc(1, sizeof *g);
    if (!g) {
        errmsg(err, errlen, "gdb: out of memory");
        return NULL;
    }
    g->fd = -1;
    if (!strncmp(spec, "unix:", 5)) {
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        if (!spec[5] || strlen(spec + 5) >= sizeof a.sun_path) {
            errmsg(err, errlen, "--gdb=unix:PATH: the path is empty or too long");
            goto fail;
        }
        strcpy(a.sun_path, spec + 5);
        g->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (g->listen_fd < 0 || bind(g->listen_fd, (struct sockaddr *)&a, sizeof a) < 0) {
            errmsg(err, errlen, "gdb: cannot listen on %s: %s", spec + 5, strerror(errno));
            goto fail;
        }
        strcpy(g->unix_path, a.sun_path);
        snprintf(g->where, sizeof g->where, "%s", spec + 5);
    } else {
        /* [ADDR:]PORT, ADDR an IPv4 address (default 127.0.0.1): the lab listens on its
         * NIC's address so that QEMU can forward the user's port to it. */
        char addr_text[INET_ADDRSTRLEN] = "127.0.0.1";
        const char *colon = strrchr(spec, ':'), *port_text = colon ? colon + 1 : spec;
        struct in_addr addr;
        uint64_t port;
        if (colon && (size_t)(colon - spec) >= sizeof addr_text) {
            errmsg(err, errlen, "--gdb=%s: not [ADDR:]PORT (an IPv4 address) or unix:PATH", spec);
            goto fail;
        }
        if (colon) {
            memcpy(addr_text, spec, (size_t)(colon - spec));
            addr_text[colon - spec] = 0;
        }
        if (inet_pton(AF_INET, addr_text, &addr) != 1) {
            errmsg(err, errlen, "--gdb=%s: '%s' is not an IPv4 address", spec, addr_text);
            goto fail;
        }
        if (strict_u64(port_text, 65535, &port) < 0 || port < 1) {
            errmsg(err, errlen, "--gdb=%s: not a TCP port (1..65535), ADDR:PORT or unix:PATH",
                   spec);
            goto fail;
        }
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                 .sin_addr = addr };
        int one = 1;
        g->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (g->listen_fd >= 0)
            setsockopt(g->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (g->listen_fd < 0 || bind(g->listen_fd, (struct sockaddr *)&a, sizeof a) < 0) {
            errmsg(err, errlen, "gdb: cannot listen on %s:%llu: %s", addr_text,
                   (unsigned long long)port, strerror(errno));
            goto fail;
        }
        snprintf(g->where, sizeof g->where, "%s:%llu", addr_text, (unsigned long long)port);
    }
    if (listen(g->listen_fd, 1) < 0) {
        errmsg(err, errlen, "gdb: listen: %s", strerror(errno));
        goto fail;
    }
    return g;
fail:
    gdb_stub_close(g);
    return NULL;
}

static int send_frame(struct gdb_stub *g)
{
    if (g->fd < 0)
        return -1;
    size_t off = 0;
    while (off < g->frame_len) {
        ssize_t n = write(g->fd, g->frame + off, g->frame_len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

static int send_reply(struct gdb_stub *g, const char *payload, size_t len)
{
    g->frame_len = rsp_frame(g->frame, sizeof g->frame, payload, len);
    return send_frame(g);
}

static void drop_connection(struct gdb_stub *g, const char *why)
{
    if (g->fd < 0)
        return;
    gdb_kvm_remove_all(g);
    memset(g->bp, 0, sizeof g->bp);
    memset(g->wp, 0, sizeof g->wp);
    g->stepping = 0;
    gdb_kvm_apply_debug(g);
    sigio_run = NULL;
    close(g->fd);
    g->fd = -1;
    fprintf(stderr, "duet: gdb %s; the guest runs on\n", why);
}

/* One packet handled; the action for the run loop (GDB_STAY: keep serving). */
static enum gdb_action packet(struct gdb_stub *g)
{
    static const char ack = '+';
    if (write(g->fd, &ack, 1) != 1)
        return GDB_DETACH;
    size_t rl = 0;
    enum gdb_action a = gdb_handle(&g->s, g->r.buf, g->r.len, g->reply, &rl);
    if (a == GDB_STAY || a == GDB_DETACH)
        send_reply(g, g->reply, rl);
    return a;
}

/* Serves gdb with the guest stopped, until it resumes, kills or leaves. */
static enum gdb_action serve(struct gdb_stub *g)
{
    uint8_t buf[512];
    for (;;) {
        ssize_t n = read(g->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return GDB_DETACH;
        for (ssize_t i = 0; i < n; i++) {
            enum rsp_event e = rsp_feed(&g->r, buf[i]);
            if (e == RSP_NAK)
                send_frame(g);
            else if (e == RSP_BAD_CHECKSUM) {
                if (write(g->fd, "-", 1) != 1)
                    return GDB_DETACH;
            } else if (e == RSP_TOO_LONG) {
                if (write(g->fd, "+", 1) != 1 || send_reply(g, "E01", 3) < 0)
                    return GDB_DETACH;
            } else if (e == RSP_PACKET) {
                enum gdb_action a = packet(g);
                if (a != GDB_STAY)
                    return a; /* gdb waits for our reply before sending more */
            }
        }
    }
}

static int resume_with(struct gdb_stub *g, enum gdb_action a)
{
    g->stepping = a == GDB_STEP;
    if (g->s.resume_addr_set)
        (void)gdb_kvm_ops.write_reg(g, GDB_REG_PC, (const uint8_t *)&g->s.resume_addr);
    if (gdb_kvm_apply_debug(g) < 0)
        fprintf(stderr, "duet: gdb: KVM_SET_GUEST_DEBUG: %s\n", strerror(errno));
    sigio_run = g->vm->run;
    return GDB_RUN_RESUME;
}

/* stopped() and resume_with() together: the run loop's answer to a stop. */
static int stop_and_serve(struct gdb_stub *g)
{
    sigio_run = NULL;
    size_t n = gdb_stop_reply(&g->s, g->reply);
    if (send_reply(g, g->reply, n) < 0) {
        drop_connection(g, "went away");
        return GDB_RUN_RESUME;
    }
    enum gdb_action a = serve(g);
    if (a == GDB_KILL) {
        fprintf(stderr, "duet: gdb killed the guest\n");
        return DUET_STATUS_CRASH;
    }
    if (a == GDB_DETACH) {
        drop_connection(g, "detached");
        return GDB_RUN_RESUME;
    }
    return resume_with(g, a);
}

int gdb_stub_attach(struct gdb_stub *g, struct vm *vm, char *err, size_t errlen)
{
    g->vm = vm;
    int bps = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_DEBUG_HW_BPS);
    int wps = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_DEBUG_HW_WPS);
    g->nbp = bps > 0 ? (bps < GDB_HW_MAX ? (unsigned)bps : GDB_HW_MAX) : 0;
    g->nwp = wps > 0 ? (wps < GDB_HW_MAX ? (unsigned)wps : GDB_HW_MAX) : 0;
    g->s = (struct gdb_session){ .ops = &gdb_kvm_ops, .target = g, .stop = { .signal = 5 } };
    fprintf(stderr, "duet: gdb: waiting for gdb on %s (%u hardware breakpoints, %u watchpoints)\n",
            g->where, g->nbp, g->nwp);
    do
        g->fd = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    while (g->fd < 0 && errno == EINTR);
    if (g->fd < 0)
        return errmsg(err, errlen, "gdb: accept: %s", strerror(errno));
    close(g->listen_fd); /* one gdb: a second one is refused by the kernel */
    g->listen_fd = -1;
    int one = 1;
    setsockopt(g->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    /* Bytes from gdb while the guest runs raise SIGIO on this (the vCPU) thread. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigio;
    sa.sa_flags = SA_RESTART;
    struct f_owner_ex owner = { .type = F_OWNER_TID, .pid = (pid_t)syscall(SYS_gettid) };
    if (sigaction(SIGIO, &sa, NULL) < 0 || fcntl(g->fd, F_SETOWN_EX, &owner) < 0 ||
        fcntl(g->fd, F_SETFL, fcntl(g->fd, F_GETFL) | O_ASYNC) < 0)
        return errmsg(err, errlen, "gdb: cannot arrange for Ctrl-C: %s", strerror(errno));
    if (gdb_kvm_apply_debug(g) < 0)
        return errmsg(err, errlen, "gdb: KVM_SET_GUEST_DEBUG: %s", strerror(errno));
    fprintf(stderr, "duet: gdb: connected; the guest waits before its first instruction\n");
    /* The first stop: gdb asks '?' itself, so no unsolicited stop reply here. */
    enum gdb_action a = serve(g);
    if (a == GDB_KILL)
        return errmsg(err, errlen, "gdb killed the guest before it started");
    if (a == GDB_DETACH) {
        drop_connection(g, "detached");
        return 0;
    }
    resume_with(g, a);
    return 0;
}

int gdb_stub_interrupted(struct gdb_stub *g)
{
    g->vm->run->immediate_exit = 0;
    if (g->fd < 0)
        return GDB_RUN_RESUME;
    struct pollfd p = { .fd = g->fd, .events = POLLIN };
    struct timespec zero = { 0, 0 };
    if (ppoll(&p, 1, &zero, NULL) <= 0)
        return GDB_RUN_RESUME;
    uint8_t buf[64];
    ssize_t n = read(g->fd, buf, sizeof buf);
    if (n <= 0) {
        drop_connection(g, "went away");
        return GDB_RUN_RESUME;
    }
    int interrupt = 0;
    for (ssize_t i = 0; i < n; i++)
        interrupt |= rsp_feed(&g->r, buf[i]) == RSP_INTERRUPT;
    if (!interrupt)
        return GDB_RUN_RESUME;
    g->s.stop = (struct gdb_stop){ .signal = 2 }; /* SIGINT */
    return stop_and_serve(g);
}

int gdb_stub_debug_exit(struct gdb_stub *g)
{
    if (g->fd < 0)
        return GDB_RUN_RESUME;
    if (!gdb_kvm_decode_debug_exit(g)) {
        /* The guest's own BRK (abort): show it to gdb, then let the guest take it. */
        g->s.stop = (struct gdb_stop){ .signal = 6 }; /* SIGABRT */
        int st = stop_and_serve(g);
        if (st == GDB_RUN_RESUME && gdb_kvm_inject_brk(g) < 0)
            return DUET_STATUS_HOST_ERROR;
        return st;
    }
    return stop_and_serve(g);
}

int gdb_stub_guest_done(struct gdb_stub *g, int status)
{
    if (g->fd < 0)
        return status;
    char msg[8];
    if (status == DUET_STATUS_CRASH) {
        g->s.stop = (struct gdb_stop){ .signal = 11 }; /* SIGSEGV */
        int st = stop_and_serve(g);
        if (st != GDB_RUN_RESUME || g->fd < 0)
            return status;
        snprintf(msg, sizeof msg, "X%02x", 11); /* then gdb: "terminated with SIGSEGV" */
    } else {
        snprintf(msg, sizeof msg, "W%02x", status & 0xff);
    }
    send_reply(g, msg, strlen(msg));
    gdb_kvm_remove_all(g);
    close(g->fd);
    g->fd = -1;
    return status;
}

void gdb_stub_close(struct gdb_stub *g)
{
    if (!g)
        return;
    if (g->fd >= 0)
        close(g->fd);
    if (g->listen_fd >= 0)
        close(g->listen_fd);
    if (g->unix_path[0])
        unlink(g->unix_path);
    free(g);
}
int gdb_stub_fd(const struct gdb_stub *g)
{
    return g ? g->fd : -1;
}
#else
struct gdb_stub *gdb_stub_listen(const char *spec, char *err, size_t errlen)
{
    (void)spec;
    errmsg(err, errlen, "--gdb needs an arm64 host with KVM");
    return NULL;
}
int gdb_stub_attach(struct gdb_stub *g, struct vm *vm, char *err, size_t errlen)
{
    (void)g; (void)vm;
    return errmsg(err, errlen, "--gdb needs an arm64 host with KVM");
}
int gdb_stub_interrupted(struct gdb_stub *g) { (void)g; return GDB_RUN_RESUME; }
int gdb_stub_debug_exit(struct gdb_stub *g) { (void)g; return GDB_RUN_RESUME; }
int gdb_stub_guest_done(struct gdb_stub *g, int status) { (void)g; return status; }
void gdb_stub_close(struct gdb_stub *g) { (void)g; }
int gdb_stub_fd(const struct gdb_stub *g) { (void)g; return -1; }
#endif
