/* Sections by name, through the section headers of an untrusted ELF64
 * (fuzzed through the manifest: tests/fuzz/fuzz_manifest.c). */
#include <elf.h>
#include <string.h>
#include "image/elf_section.h"
#include "lib/errmsg.h"

/* [off, off + n) inside a buffer of len bytes, without wrap-around. */
static int inside(size_t len, uint64_t off, uint64_t n)
{
    return off <= len && n <= len - off;
}

int elf_find_section(const void *buf, size_t len, const char *name, uint64_t *off,
                     uint64_t *size, char *err, size_t errlen)
{
    const uint8_t *b = buf;
    Elf64_Ehdr eh;
    if (len < sizeof eh || memcmp(b, ELFMAG, SELFMAG) || b[EI_CLASS] != ELFCLASS64)
        return errmsg(err, errlen, "not an ELF64 file");
    memcpy(&eh, b, sizeof eh);
    if (eh.e_shnum == 0)
        return 0; /* stripped of section headers */
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shstrndx >= eh.e_shnum ||
        !inside(len, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr)))
        return errmsg(err, errlen, "section header table is malformed or outside the file");
    Elf64_Shdr strtab;
    memcpy(&strtab, b + eh.e_shoff + eh.e_shstrndx * sizeof(Elf64_Shdr), sizeof strtab);
    if (!inside(len, strtab.sh_offset, strtab.sh_size))
        return errmsg(err, errlen, "section name table lies outside the file");
    size_t want = strlen(name) + 1; /* with its NUL */
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        Elf64_Shdr sh;
        memcpy(&sh, b + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof sh);
        if (sh.sh_name >= strtab.sh_size || strtab.sh_size - sh.sh_name < want ||
            memcmp(b + strtab.sh_offset + sh.sh_name, name, want))
            continue;
        if (sh.sh_type != SHT_PROGBITS || !inside(len, sh.sh_offset, sh.sh_size))
            return errmsg(err, errlen, "%s section lies outside the file", name);
        *off = sh.sh_offset;
        *size = sh.sh_size;
        return 1;
    }
    return 0;
}
