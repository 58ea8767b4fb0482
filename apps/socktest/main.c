/*
 * socktest MODE [peer=ADDR]: socket behaviour as Linux defines it, checked
 * call by call. Every line "ck LABEL: RESULT" is also what the same program
 * prints natively on Linux (the lab compares the two outputs); a result
 * other than the one written here is a FAIL.
 *   errors   bad fds, lengths, addresses, options; refused connects
 *   names    inet_pton/ntop/aton, getaddrinfo/getnameinfo
 *   poll     poll/select timeouts, files and sockets together
 *   backlog [N CLIENTS]  listen(N) on port 8, wait, count the queue, serve all
 *   resolve NAME=ADDR|none...   names through the resolver (dns.c)
 *   dnsd ADDR NAME=IP...        a tiny DNS server, run natively in the lab
 *   loopback    a program talking to itself through 127.0.0.1
 *   chaos [N [SEED]]   N random calls with bad fds, lengths, pointers: no crash (chaos.c)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "socktest.h"

int failures;
struct in_addr peer;

static const struct { int e; const char *name; } names[] = {
#define E(x) { x, #x }
    E(EBADF), E(ENOTSOCK), E(EFAULT), E(EINVAL), E(EAFNOSUPPORT), E(EPROTONOSUPPORT),
    E(EADDRINUSE), E(EPIPE), E(ENOTCONN), E(ECONNREFUSED), E(EINPROGRESS), E(EAGAIN),
    E(EALREADY), E(EISCONN), E(ENOPROTOOPT), E(EDOM), E(EMSGSIZE), E(EOPNOTSUPP),
    E(ECONNRESET), E(EDESTADDRREQ), E(ENOSPC), E(ETIMEDOUT), E(EADDRNOTAVAIL), E(ENOTTY),
    E(ESPIPE), E(EMFILE), E(ENOMEM), E(EHOSTUNREACH), E(ENETUNREACH), E(ECONNABORTED),
    E(EEXIST), E(ENOENT), E(EPERM),
#undef E
};

const char *errname(int e)
{
    static char buf[32];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].e == e)
            return names[i].name;
    snprintf(buf, sizeof buf, "errno %d", e);
    return buf;
}

const char *err(long ret)
{
    static char buf[32];
    if (ret < 0)
        return errname(errno);
    snprintf(buf, sizeof buf, "ok %ld", ret);
    return buf;
}

void check(const char *label, const char *got, const char *want)
{
    int ok = !strcmp(got, want);
    printf("ck %s: %s%s%s\n", label, got, ok ? "" : "   FAIL, want ", ok ? "" : want);
    failures += !ok;
}

long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "errors";
    inet_aton("127.0.0.1", &peer);
    int nums[2] = { 2, 6 }, n = 0;
    for (int i = 2; i < argc; i++) {
        if (!strncmp(argv[i], "peer=", 5))
            inet_aton(argv[i] + 5, &peer);
        else if (n < 2)
            nums[n++] = atoi(argv[i]);
    }
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!strcmp(mode, "resolve"))
        mode_resolve(argc - 2, argv + 2);
    else if (!strcmp(mode, "dnsd"))
        mode_dnsd(argc - 2, argv + 2);
    else if (!strcmp(mode, "loopback"))
        mode_loopback();
    else if (!strcmp(mode, "chaos"))
        mode_chaos(n ? nums[0] : 3000, n > 1 ? nums[1] : 0);
    else if (!strcmp(mode, "errors"))
        mode_errors();
    else if (!strcmp(mode, "names"))
        mode_names();
    else if (!strcmp(mode, "poll"))
        mode_poll();
    else if (!strcmp(mode, "backlog"))
        mode_backlog(nums[0], nums[1]);
    else {
        printf("socktest: no mode '%s'\n", mode);
        return 2;
    }
    printf("socktest %s: %d failure(s)\n", mode, failures);
    return failures ? 1 : 0;
}
