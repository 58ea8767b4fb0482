/*
 * The manifest reader: finds the DUET_MANIFEST_SECTION section by name
 * through the ELF section headers and validates it. A hostile image must
 * get an error, never an out-of-bounds read (fuzzed: tests/fuzz/fuzz_manifest.c).
 */
#include <stdio.h>
#include <string.h>
#include "image/elf_section.h"
#include "image/image_file.h"
#include "image/manifest.h"
#include "lib/errmsg.h"

const char *manifest_type_name(uint32_t type)
{
    return type == DUET_DEVICE_BLOCK ? "block" : type == DUET_DEVICE_NET ? "net"
         : type == DUET_DEVICE_DIR ? "dir" : "unknown";
}

static int parse_section(const uint8_t *p, uint64_t size, struct manifest *m, char *err, size_t errlen)
{
    struct duet_manifest_header h;
    if (size < sizeof h)
        return errmsg(err, errlen, "manifest section too small (%llu bytes)", (unsigned long long)size);
    memcpy(&h, p, sizeof h);
    if (h.magic != DUET_MANIFEST_MAGIC)
        return errmsg(err, errlen, "manifest has a bad magic number 0x%08x", h.magic);
    if (h.count > DUET_MANIFEST_MAX || h.count * sizeof(struct duet_manifest_entry) > size - sizeof h)
        return errmsg(err, errlen, "manifest claims %u devices, more than it holds", h.count);
    m->present = 1;
    m->abi_version = h.abi_version;
    m->count = h.count;
    memcpy(m->entries, p + sizeof h, h.count * sizeof(struct duet_manifest_entry));
    for (unsigned i = 0; i < m->count; i++) {
        struct duet_manifest_entry *e = &m->entries[i];
        if (!memchr(e->name, 0, sizeof e->name) || !e->name[0])
            return errmsg(err, errlen, "manifest entry %u has no valid name", i);
        if (e->type != DUET_DEVICE_BLOCK && e->type != DUET_DEVICE_NET &&
            e->type != DUET_DEVICE_DIR)
            return errmsg(err, errlen, "manifest entry '%s' has unknown type %u", e->name, e->type);
        if (e->flags & ~DUET_DEVICE_OPTIONAL)
            return errmsg(err, errlen, "manifest entry '%s' has unknown flags 0x%x", e->name,
                          e->flags);
    }
    return 0;
}

int manifest_read_buffer(const void *buf, size_t len, struct manifest *m, char *err, size_t errlen)
{
    uint64_t off, size;
    memset(m, 0, sizeof *m);
    int found = elf_find_section(buf, len, DUET_MANIFEST_SECTION, &off, &size, err, errlen);
    if (found <= 0)
        return found;
    if (parse_section((const uint8_t *)buf + off, size, m, err, errlen) < 0)
        return -1;
    /* Only an image with a manifest is trusted to say it takes no interrupts. */
    int irq = elf_find_section(buf, len, DUET_IRQ_SECTION, &off, &size, err, errlen);
    if (irq < 0)
        return -1;
    m->takes_interrupts = irq;
    return 0;
}

/* The option that attaches a device of this type, for messages. */
static const char *option_for(uint32_t type)
{
    return type == DUET_DEVICE_NET ? "--net:%s=TAP"
         : type == DUET_DEVICE_DIR ? "--dir:%s=HOSTDIR" : "--block:%s=FILE";
}

int manifest_check(const struct manifest *m, const struct attached_device *devs, unsigned n,
                   char *err, size_t errlen)
{
    char opt[48];
    for (unsigned i = 0; i < m->count; i++) {
        const struct duet_manifest_entry *e = &m->entries[i];
        unsigned k = 0;
        while (k < n && !(devs[k].type == e->type && !strcmp(devs[k].name, e->name)))
            k++;
        if (k < n || (e->flags & DUET_DEVICE_OPTIONAL))
            continue;
        snprintf(opt, sizeof opt, option_for(e->type), e->name);
        return errmsg(err, errlen, "the image needs %s device '%s': attach it with %s",
                      manifest_type_name(e->type), e->name, opt);
    }
    for (unsigned k = 0; k < n; k++) {
        unsigned i = 0;
        while (i < m->count && !(m->entries[i].type == devs[k].type &&
                                 !strcmp(m->entries[i].name, devs[k].name)))
            i++;
        if (i == m->count)
            return errmsg(err, errlen, "%s device '%s' is attached but the image does not "
                          "declare it (add '%s: %s' to its app.cfg)",
                          manifest_type_name(devs[k].type), devs[k].name,
                          manifest_type_name(devs[k].type), devs[k].name);
    }
    return 0;
}

int manifest_read_file(const char *path, struct manifest *m, char *err, size_t errlen)
{
    struct image_file f;
    if (image_file_map(path, &f, err, errlen) < 0)
        return -1;
    int rc = manifest_read_buffer(f.data, f.size, m, err, errlen);
    image_file_unmap(&f);
    return rc;
}
