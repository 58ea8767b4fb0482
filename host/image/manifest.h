/* Reading the device manifest out of a guest image (shared/include/duet/manifest.h). */
#ifndef DUET_HOST_MANIFEST_H
#define DUET_HOST_MANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include "duet/manifest.h"

struct manifest {
    int present;           /* 0: the image has no manifest section (counts as empty) */
    int takes_interrupts;  /* the image has DUET_IRQ_SECTION: its code can register a handler */
    uint32_t abi_version;
    unsigned count;
    struct duet_manifest_entry entries[DUET_MANIFEST_MAX];
};

/* 0, or -1 with a one-line reason in err. Every offset is bounds-checked. */
int manifest_read_buffer(const void *buf, size_t len, struct manifest *m, char *err, size_t errlen);
int manifest_read_file(const char *path, struct manifest *m, char *err, size_t errlen);

struct attached_device {   /* one --block or --net option */
    uint32_t type;          /* DUET_DEVICE_BLOCK or DUET_DEVICE_NET */
    const char *name;
};
/* Declared and attached devices must match, by name and type. 0 or -1 (err). */
int manifest_check(const struct manifest *m, const struct attached_device *devs, unsigned n,
                   char *err, size_t errlen);

/* "block", "net" or "unknown". */
const char *manifest_type_name(uint32_t type);

#endif
