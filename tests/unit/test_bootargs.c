/* Unit tests for host/image/bootargs.c, including a round trip through a
 * reference splitter that implements the grammar documented in bootargs.h
 * (the guest has its own; this one keeps the documentation honest). */
#include <stdlib.h>
#include "check.h"
#include "image/bootargs.h"

#define MAXW 16

/* Splits s in place into words[]; returns the count. Grammar: bootargs.h. */
static int split(char *s, char *words[MAXW])
{
    int n = 0;
    char *r = s, *w = s;
    for (;;) {
        while (*r == ' ' || *r == '\t')
            r++;
        if (!*r || n == MAXW)
            return n;
        words[n++] = w;
        while (*r && *r != ' ' && *r != '\t') {
            if (*r == '\\') {
                r++;
                *w++ = *r ? *r++ : '\\';
            } else if (*r == '\'') {
                for (r++; *r && *r != '\''; )
                    *w++ = *r++;
                if (*r) r++;
            } else if (*r == '"') {
                for (r++; *r && *r != '"'; ) {
                    if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
                        r++;
                    *w++ = *r++;
                }
                if (*r) r++;
            } else {
                *w++ = *r++;
            }
        }
        /* The word's terminator may overwrite the blank we just stopped
         * at: the writer never runs ahead of the reader. */
        int more = *r != '\0';
        *w++ = '\0';
        if (more) r++;
        if (!more)
            return n;
    }
}

static char out[256];

#define JOIN(expect, ...) do { \
    char *const argv_[] = { __VA_ARGS__ }; \
    int argc_ = (int)(sizeof(argv_) / sizeof(argv_[0])); \
    CHECK(bootargs_join(out, sizeof(out), argc_, argv_) == (int)strlen(expect)); \
    CHECK_STR(out, expect); \
    char *words_[MAXW]; \
    CHECK(split(out, words_) == argc_); \
    for (int i_ = 0; i_ < argc_; i_++) CHECK_STR(words_[i_], argv_[i_]); \
} while (0)

static void test_plain_and_quoted(void)
{
    JOIN("hello", "hello");
    JOIN("a b c", "a", "b", "c");
    JOIN("--x=1,2:3 path/to.f +@%_", "--x=1,2:3", "path/to.f", "+@%_");
    JOIN("'a b'", "a b");
    JOIN("'' x ''", "", "x", "");
    JOIN("'it'\\''s'", "it's");
    JOIN("''\\'''", "'");
    JOIN("'say \"hi\"'", "say \"hi\"");
    JOIN("'back\\slash'", "back\\slash");
    JOIN("'tab\there' 'new\nline'", "tab\there", "new\nline");
    JOIN("'$HOME' '*' 'a;b' '~'", "$HOME", "*", "a;b", "~");
    JOIN("'caf\xc3\xa9'", "caf\xc3\xa9");
}

static void test_empty_argv(void)
{
    CHECK(bootargs_join(out, sizeof(out), 0, NULL) == 0);
    CHECK_STR(out, "");
}

/* The splitter's wider grammar: what a human might write, not the joiner. */
static void test_reference_grammar(void)
{
    char s[] = "  a\\ b \"q \\\" \\\\ \\n\" x'y'z \"\" end\\";
    char *w[MAXW];
    CHECK(split(s, w) == 5);
    CHECK_STR(w[0], "a b");
    CHECK_STR(w[1], "q \" \\ \\n");
    CHECK_STR(w[2], "xyz");
    CHECK_STR(w[3], "");
    CHECK_STR(w[4], "end\\");
}

static void test_overflow(void)
{
    char small[8];
    char *const argv[] = { "abc", "def" };     /* "abc def" is 7 bytes + NUL */
    CHECK(bootargs_join(small, 8, 2, argv) == 7);
    CHECK_STR(small, "abc def");
    CHECK(bootargs_join(small, 7, 2, argv) == -1);
    CHECK_STR(small, "");
    char *const q[] = { "it's" };             /* 'it'\''s' is 10 bytes */
    CHECK(bootargs_join(small, 8, 1, q) == -1);
    CHECK_STR(small, "");
    CHECK(bootargs_join(small, 0, 1, q) == -1);
    CHECK(bootargs_join(NULL, 8, 1, q) == -1);
    /* Every buffer size: fits exactly at strlen + 1, never writes past. */
    char *const t[] = { "a b", "", "x'y" };
    int full = bootargs_join(out, sizeof(out), 3, t);
    CHECK(full > 0);
    for (int n = 1; n <= full + 1; n++) {
        char *b = malloc((size_t)n);
        CHECK(bootargs_join(b, (size_t)n, 3, t) == (n == full + 1 ? full : -1));
        free(b);
    }
}

int main(void)
{
    RUN_TEST(test_plain_and_quoted);
    RUN_TEST(test_empty_argv);
    RUN_TEST(test_reference_grammar);
    RUN_TEST(test_overflow);
    return CHECK_EXIT();
}
