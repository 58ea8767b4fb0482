/* `duet info IMAGE`: the ABI version and the devices an image declares. */
#include <stdio.h>
#include "cli/commands.h"
#include "duet/hypercall.h"
#include "image/manifest.h"

int cmd_info(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: duet info IMAGE\n");
        return DUET_STATUS_USAGE;
    }
    struct manifest m;
    char err[256];
    if (manifest_read_file(argv[1], &m, err, sizeof err) < 0) {
        fprintf(stderr, "duet: %s: %s\n", argv[1], err);
        return DUET_STATUS_BAD_IMAGE;
    }
    if (!m.present) {
        printf("no manifest (not built by build.py): ABI unknown, no devices declared\n");
        return 0;
    }
    printf("abi %u%s\n", m.abi_version, m.abi_version == DUET_ABI_VERSION ? "" : " (this host: other)");
    printf("devices %u\n", m.count);
    for (unsigned i = 0; i < m.count; i++)
        printf("%s %s%s\n", manifest_type_name(m.entries[i].type), m.entries[i].name,
               m.entries[i].flags & DUET_DEVICE_OPTIONAL ? " optional" : "");
    return 0;
}
