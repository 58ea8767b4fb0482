/* libFuzzer target: the manifest reader and the rootfs locator, fed
 * arbitrary images. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "duet/memmap.h"
#include "image/manifest.h"
#include "image/rootfs_image.h"

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
    /* The rootfs section: inside the image, page-aligned in it, bounded. */
    struct image_file f = { data, size, -1 };
    struct rootfs_image r;
    err[0] = '\0';
    int found = rootfs_image_find(&f, &r, err, sizeof err);
    if (found < 0 && !err[0])
        abort();
    if (found > 0) {
        uint64_t off = (uint64_t)((const uint8_t *)r.host - data);
        if (off % 4096 || !r.size || r.size > DUET_ROOTFS_MAX || off > size || r.size > size - off ||
            r.slot_size < r.size || r.slot_size % 4096)
            abort();
    }
    return 0;
}
