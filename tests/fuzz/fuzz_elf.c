/* libFuzzer target: the guest ELF loader, fed arbitrary images. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "duet/memmap.h"
#include "image/elf_loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct guest_mem mem;
    if (!mem.host && gmem_alloc(&mem, DUET_RAM_BASE, DUET_RAM_MIN) < 0)
        abort();
    struct guest_image img;
    char err[256] = "";
    if (elf_load_buffer(data, size, &mem, &img, err, sizeof err) == 0) {
        /* An accepted image must really fit where the loader said. */
        if (img.lowest < DUET_GUEST_LOAD_MIN || img.highest > mem.base + mem.size ||
            img.entry < img.lowest || img.entry >= img.highest)
            abort();
    } else if (!err[0] || memchr(err, '\n', sizeof err)) {
        abort(); /* every refusal is one non-empty line */
    }
    return 0;
}
