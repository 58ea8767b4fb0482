/*
 * The device manifest: the devices an app declares (apps/NAME/app.cfg),
 * embedded by build.py in the guest image as the section DUET_MANIFEST_SECTION.
 * `duet run` refuses to start when a declared device is not attached (unless
 * it is optional) or an attached one is not declared; `duet info IMAGE` prints it.
 *
 * Layout (little-endian): a header, then `count` entries.
 */
#ifndef DUET_MANIFEST_H
#define DUET_MANIFEST_H

#include <stdint.h>

#define DUET_MANIFEST_SECTION  ".duet_manifest"
/*
 * Present only in an image whose code can register an interrupt handler:
 * guest/gic.c's irq_register() refers to it, so --gc-sections drops it with
 * that function from a program that never takes an interrupt (hello). An
 * image with a manifest and without this section boots with no vGIC.
 */
#define DUET_IRQ_SECTION       ".duet_irq"
#define DUET_MANIFEST_MAGIC    0x4e414d44u   /* "DMAN" */
#define DUET_MANIFEST_MAX      16
#define DUET_DEVICE_NAME_MAX   15

enum duet_device_type {
    DUET_DEVICE_BLOCK = 1,
    DUET_DEVICE_NET   = 2,
    DUET_DEVICE_DIR   = 3,   /* a host-directory share (duet run --dir:NAME=HOSTDIR) */
};

/* Entry flags. */
#define DUET_DEVICE_OPTIONAL 0x1u   /* the app runs without it (app.cfg: `net: NAME optional`) */

struct duet_manifest_entry {
    uint16_t type;                            /* enum duet_device_type */
    uint16_t flags;                           /* DUET_DEVICE_* flags */
    char     name[DUET_DEVICE_NAME_MAX + 1];  /* NUL-terminated, a-z 0-9 _ */
};

struct duet_manifest_header {
    uint32_t magic;        /* DUET_MANIFEST_MAGIC */
    uint32_t abi_version;  /* DUET_ABI_VERSION the image was built against */
    uint32_t count;        /* entries that follow, <= DUET_MANIFEST_MAX */
    uint32_t reserved;     /* 0 */
};

#endif
