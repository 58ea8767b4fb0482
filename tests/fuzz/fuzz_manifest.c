/* libFuzzer target: the manifest reader, fed arbitrary images. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "image/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct manifest m;
    char err[256] = "";
    if (manifest_read_buffer(data, size, &m, err, sizeof err) == 0) {
        if (m.count > DUET_MANIFEST_MAX || (!m.present && m.count))
            abort();
        for (unsigned i = 0; i < m.count; i++)
            if (!memchr(m.entries[i].name, 0, sizeof m.entries[i].name))
                abort();
    } else if (!err[0]) {
        abort(); /* every refusal says why */
    }
    return 0;
}
