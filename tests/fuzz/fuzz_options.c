/* libFuzzer target: `duet run` option parsing. Input: NUL-separated argv. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cli/run_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = 0;
    char *argv[64];
    int argc = 0;
    argv[argc++] = "run";
    for (char *p = buf; p <= buf + size && argc < 63; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;
    struct run_options o;
    char err[256];
    if (run_options_parse(&o, argc, argv, err, sizeof err) == 0 && !o.help) {
        /* Whatever was accepted must be coherent. */
        if (!o.image || o.guest_argc < 0 || o.guest_argv + o.guest_argc != argv + argc)
            abort();
    } else if (!o.help && !memchr(err, 0, sizeof err)) {
        abort();
    }
    uint64_t v;
    parse_size(buf, &v);
    free(buf);
    return 0;
}
