/* Finding a section of an ELF64 image by name (the manifest, the rootfs). */
#ifndef DUET_ELF_SECTION_H
#define DUET_ELF_SECTION_H

#include <stddef.h>
#include <stdint.h>

/* 1 and the section's file range [*off, *off + *size) (inside the buffer,
 * SHT_PROGBITS), 0 if the image has no such section (or no section
 * headers), -1 with a reason in err. Every offset is bounds-checked. */
int elf_find_section(const void *buf, size_t len, const char *name, uint64_t *off,
                     uint64_t *size, char *err, size_t errlen);

#endif
