/* The parts of socktest: each mode returns its failure count. */
#ifndef SOCKTEST_H
#define SOCKTEST_H

#include <netinet/in.h>

extern int failures;
extern struct in_addr peer;  /* a host with a closed TCP port 1 (peer=ADDR) */

/* Prints "ck LABEL: RESULT" (RESULT: an errno name, or the value); counts a
 * result other than `want` as a failure. */
void check(const char *label, const char *got, const char *want);
/* The result of a call that should fail: its errno's name, or "ok N". */
const char *err(long ret);
const char *errname(int e);
long now_ms(void);

int mode_errors(void);
int mode_names(void);
int mode_poll(void);
int mode_backlog(int backlog, int clients);
int mode_resolve(int argc, char **argv);
int mode_dnsd(int argc, char **argv);
int mode_chaos(int n, int seed);
int mode_loopback(void);
#endif
