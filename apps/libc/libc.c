/* The C library in a guest: globals, FP/SIMD and libm, TLS, malloc, setjmp. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define EXPECT(name, cond) do { \
    int ok_ = (cond); printf("%-28s %s\n", name, ok_ ? "PASS" : "FAIL"); failures += !ok_; \
} while (0)

int initialised = 42;        /* .data */
int zeroed;                  /* .bss */
static char big_zeroed[100000];
static _Thread_local int tls_counter = 7;
static jmp_buf jb;

static void jump_back(int v) { longjmp(jb, v); }

static double dot(const double *a, const double *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];   /* vectorised with SIMD at -O2 */
    return s;
}

static void test_memory(void)
{
    /* Many sizes, everything checked, everything freed. */
    enum { N = 200 };
    static unsigned char *blocks[N];
    size_t total = 0;
    int ok = 1;
    for (int i = 0; i < N; i++) {
        size_t sz = (size_t)(i * 977) % 20000 + 1;
        blocks[i] = malloc(sz);
        ok &= blocks[i] != NULL;
        if (blocks[i])
            memset(blocks[i], (unsigned char)i, sz), total += sz;
    }
    for (int i = 0; i < N; i++) {
        size_t sz = (size_t)(i * 977) % 20000 + 1;
        ok &= blocks[i] && blocks[i][0] == (unsigned char)i && blocks[i][sz - 1] == (unsigned char)i;
        free(blocks[i]);
    }
    EXPECT("malloc many sizes", ok && total > 0);
    /* Exhaustion: NULL and ENOMEM, not a crash; then memory is usable again. */
    void *huge = malloc((size_t)1 << 40);
    EXPECT("malloc exhaustion -> NULL", huge == NULL && errno == ENOMEM);
    size_t got = 0;
    void *chain = NULL;
    for (;;) {
        void **p = malloc(1 << 20);
        if (!p)
            break;
        *p = chain;
        chain = p;
        got++;
    }
    while (chain) {
        void *next = *(void **)chain;
        free(chain);
        chain = next;
    }
    EXPECT("malloc until full, free all", got > 0 && malloc(1 << 20) != NULL);
    printf("heap held %zu MiB at most\n", got);
}

int main(void)
{
    EXPECT(".data initialised", initialised == 42);
    EXPECT(".bss zeroed", zeroed == 0 && big_zeroed[0] == 0 && big_zeroed[99999] == 0);
    double a[64], b[64];
    for (int i = 0; i < 64; i++)
        a[i] = i * 0.5, b[i] = 2.0;
    EXPECT("SIMD dot product", dot(a, b, 64) == 2016.0);
    EXPECT("libm sqrt/sin/exp", fabs(sqrt(2.0) - 1.41421356237) < 1e-9 &&
           fabs(sin(M_PI / 2) - 1.0) < 1e-12 && fabs(exp(1.0) - M_E) < 1e-12);
    char buf[64];
    snprintf(buf, sizeof buf, "%.3f", 3.14159);
    EXPECT("printf of a double", !strcmp(buf, "3.142"));
    EXPECT("TLS initial value", tls_counter == 7);
    tls_counter++;
    EXPECT("TLS write", tls_counter == 8);
    errno = 0;
    strtol("99999999999999999999999", NULL, 10);
    EXPECT("errno (TLS) set by libc", errno == ERANGE);
    volatile int steps = 0;
    int v = setjmp(jb);
    if (v == 0) {
        steps++;
        jump_back(5);
    }
    EXPECT("setjmp/longjmp", v == 5 && steps == 1);
    test_memory();
    return failures ? 1 : 0;
}
