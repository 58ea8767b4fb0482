/* ustar headers are 512-byte records; data follows, padded to 512. */
#include <string.h>
#include "duet/block.h"
#include "tarfs.h"

static int dev = -1;
static struct duet_block_info info;
static struct tarfs_file files[TARFS_MAX_FILES];
static int nfiles;
static uint8_t sector_buf[2 * 4096];  /* two sectors of the largest size */

/* Bytes [pos, pos + len) of the device with len <= one sector, via whole sectors. */
static int64_t read_bytes(uint64_t pos, void *out, size_t len)
{
    uint64_t ss = info.sector_size, first = pos / ss;
    uint64_t count = (pos % ss + len + ss - 1) / ss;
    if (len > ss || first + count > info.sectors)
        return -1;
    int64_t r = duet_block_read(dev, first, sector_buf, count * ss);
    if (r < 0)
        return r;
    memcpy(out, sector_buf + pos % ss, len);
    return (int64_t)len;
}

static uint64_t octal(const char *s, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n && s[i] >= '0' && s[i] <= '7'; i++)
        v = v * 8 + (uint64_t)(s[i] - '0');
    return v;
}

int tarfs_mount(int block_dev)
{
    dev = block_dev;
    if (duet_block_info(dev, &info) < 0)
        return -1;
    uint64_t end = info.sectors * info.sector_size, pos = 0;
    char h[512];
    nfiles = 0;
    while (pos + 512 <= end && nfiles < TARFS_MAX_FILES) {
        if (read_bytes(pos, h, 512) < 0)
            return -1;
        if (h[0] == '\0')
            break; /* the end-of-archive record */
        uint64_t size = octal(h + 124, 12);
        if ((h[156] == '0' || h[156] == '\0') && memcmp(h + 257, "ustar", 5) == 0) {
            struct tarfs_file *f = &files[nfiles++];
            const char *name = h;
            while (name[0] == '.' && name[1] == '/')
                name += 2;
            memset(f->name, 0, sizeof f->name);
            memcpy(f->name, name, strnlen(name, (size_t)(h + TARFS_NAME_MAX - name)));
            f->offset = pos + 512;
            f->size = size;
            if (f->offset + size > end)
                nfiles--; /* truncated archive: leave the file out */
        }
        pos += 512 + (size + 511) / 512 * 512;
    }
    return nfiles;
}

const struct tarfs_file *tarfs_lookup(const char *name)
{
    for (int i = 0; i < nfiles; i++)
        if (!strcmp(files[i].name, name))
            return &files[i];
    return NULL;
}

const struct tarfs_file *tarfs_file(int i) { return i >= 0 && i < nfiles ? &files[i] : NULL; }
int tarfs_count(void) { return nfiles; }

int64_t tarfs_read(const struct tarfs_file *f, uint64_t pos, void *buf, size_t len)
{
    if (pos >= f->size)
        return 0;
    if (len > f->size - pos)
        len = (size_t)(f->size - pos);
    if (len > info.sector_size)
        len = info.sector_size;
    return read_bytes(f->offset + pos, buf, len);
}
