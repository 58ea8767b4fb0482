/* Path strings: joining a relative path to a directory and resolving "."
 * and ".." lexically. Pure string work, unit-tested natively. */
#include <errno.h>
#include <string.h>
#include "duet/vfs.h"

int vfs_normalize(const char *base, const char *path, char *out, size_t outlen)
{
    if (!path || !*path)
        return -ENOENT;
    if (strlen(path) >= VFS_PATH_MAX)
        return -ENAMETOOLONG;
    size_t n = 0;  /* out[0..n) holds "/a/b" without a trailing slash */
    const char *srcs[2] = { path[0] == '/' ? "" : base, path };
    for (int s = 0; s < 2; s++) {
        const char *p = srcs[s];
        while (*p) {
            size_t len;
            const char *c = vfs_component(&p, &len);
            if (len == 0 || (len == 1 && c[0] == '.'))
                continue;
            if (len > VFS_NAME_MAX)
                return -ENAMETOOLONG;
            if (len == 2 && c[0] == '.' && c[1] == '.') {
                while (n > 0 && out[--n] != '/')
                    ;  /* back to the previous '/', which goes too ("/.." is "/") */
                continue;
            }
            if (n + 1 + len + 1 > outlen)
                return -ENAMETOOLONG;
            out[n++] = '/';
            memcpy(out + n, c, len);
            n += len;
        }
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
    return 0;
}
