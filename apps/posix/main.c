/* apps/posix: what ported programs call, each checked against POSIX's
 * answer. Arguments pick groups: files dirs misc enospc (default: the first three). */
#include <string.h>
#include "check.h"

int failures;

int main(int argc, char **argv)
{
    int all = argc < 2;
    for (int i = all ? 0 : 1; i < (all ? 1 : argc); i++) {
        const char *g = all ? NULL : argv[i];
        if (!g || !strcmp(g, "files")) test_files();
        if (!g || !strcmp(g, "dirs")) test_dirs();
        if (!g || !strcmp(g, "misc")) test_misc();
        if (g && !strcmp(g, "enospc")) test_enospc();
    }
    printf("posix: %d failure(s)\n", failures);
    return failures;
}
