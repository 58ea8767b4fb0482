/*
 * Splits /chosen/bootargs back into argv, with the grammar the host's
 * bootargs_join() writes (host/image/bootargs.h): blanks separate words; '...'
 * literal; "..." with \" and \\ escapes; \c outside quotes is c.
 */
#include <stdlib.h>
#include <string.h>
#include "duet/guest.h"

/* Splits s into argv[0..]; returns argc, or -1 when out of memory. */
int args_split(const char *s, int max, char **argv)
{
    size_t n = strlen(s), i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == n)
        return 0; /* no words: no scratch buffer, so boot touches no heap page */
    char *w = malloc(n + 1);  /* every word is at most as long as the input */
    int argc = 0;
    if (!w)
        return -1;
    while (argc < max) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i >= n)
            break;
        size_t len = 0;
        while (i < n && s[i] != ' ' && s[i] != '\t') {
            char c = s[i++];
            if (c == '\'') {
                while (i < n && s[i] != '\'')
                    w[len++] = s[i++];
                i += i < n;
            } else if (c == '"') {
                while (i < n && s[i] != '"') {
                    if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\'))
                        i++;
                    w[len++] = s[i++];
                }
                i += i < n;
            } else if (c == '\\' && i < n) {
                w[len++] = s[i++];
            } else {
                w[len++] = c;
            }
        }
        argv[argc] = malloc(len + 1);
        if (!argv[argc]) {
            free(w);
            return -1;
        }
        memcpy(argv[argc], w, len);
        argv[argc++][len] = 0;
    }
    free(w);
    return argc;
}
