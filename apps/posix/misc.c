/* Process, time, environment, signals: the answers a single-program
 * system gives. */
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static int handled;
static void on_usr1(int sig) { handled = sig; }

void test_misc(void)
{
    CHECK("env default from app.cfg", getenv("POSIX_DEFAULT") &&
          !strcmp(getenv("POSIX_DEFAULT"), "from-app-cfg"));
    const char *ov = getenv("POSIX_OVERRIDE");
    printf("POSIX_OVERRIDE=%s\n", ov ? ov : "(unset)");
    CHECK("setenv/getenv", setenv("X", "1", 1) == 0 && !strcmp(getenv("X"), "1"));
    CHECK("unsetenv", unsetenv("X") == 0 && !getenv("X"));

    CHECK("fork -> ENOSYS", fork() == -1 && errno == ENOSYS);
    char *av[] = { "sh", NULL };
    CHECK("execv -> ENOSYS", execv("/bin/sh", av) == -1 && errno == ENOSYS);
    CHECK("system(NULL): no shell", system(NULL) == 0);
    CHECK("waitpid -> ECHILD", waitpid(-1, NULL, 0) == -1 && errno == ECHILD);
    CHECK("getuid 0", getuid() == 0 && geteuid() == 0 && getgid() == 0);
    CHECK("getpid", getpid() > 0);
    struct utsname u;
    CHECK("uname", uname(&u) == 0 && !strcmp(u.machine, "aarch64"));
    CHECK("sysconf pagesize", sysconf(_SC_PAGESIZE) == 4096 && getpagesize() == 4096);
    CHECK("sysconf unknown -> EINVAL", sysconf(-12345) == -1 && errno == EINVAL);
    struct rlimit rl;
    CHECK("getrlimit", getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 256);

    struct timeval tv;
    CHECK("gettimeofday after 2020", gettimeofday(&tv, NULL) == 0 && tv.tv_sec > 1577836800);
    time_t now = time(NULL);
    struct tm tm;
    char buf[64];
    CHECK("gmtime + strftime", gmtime_r(&now, &tm) && strftime(buf, sizeof buf, "%Y-%m-%d", &tm) == 10);
    struct tm lt;
    CHECK("localtime is UTC without TZ", localtime_r(&now, &lt) && lt.tm_hour == tm.tm_hour &&
          lt.tm_min == tm.tm_min);
    struct tms t;
    CHECK("times", times(&t) != (clock_t)-1);
    struct rusage ru;
    CHECK("getrusage", getrusage(RUSAGE_SELF, &ru) == 0);
    CHECK("clock", clock() != (clock_t)-1);

    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    CHECK("sigaction", sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK("raise runs the handler", raise(SIGUSR1) == 0 && handled == SIGUSR1);
    CHECK("signal SIG_IGN", signal(SIGUSR2, SIG_IGN) != SIG_ERR && raise(SIGUSR2) == 0);
    CHECK("sigaction SIGKILL -> EINVAL", sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL);

    char *p = mmap(NULL, 10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap anonymous, zeroed", p != MAP_FAILED && p[0] == 0 && p[9999] == 0);
    if (p != MAP_FAILED)
        munmap(p, 10000);
    CHECK("mmap a file -> ENODEV", mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0) == MAP_FAILED &&
          errno == ENODEV);
}
