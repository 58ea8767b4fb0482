/* Mapping the guest image once (see image_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "image/image_file.h"
#include "lib/errmsg.h"

static const char empty[1];

int image_file_map(const char *path, struct image_file *f, char *err, size_t errlen)
{
    f->data = NULL;
    f->size = 0;
    f->fd = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errmsg(err, errlen, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return errmsg(err, errlen, "cannot stat: %s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return errmsg(err, errlen, "not a regular file");
    }
    if (st.st_size == 0) { /* mmap refuses length 0; the parsers say what is wrong */
        close(fd);
        f->data = empty;
        return 0;
    }
    /* MAP_PRIVATE: a file changed while duet runs is the user's own race
     * (the parsers bound every offset by the size seen here). */
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        int e = errno;
        close(fd);
        return errmsg(err, errlen, "cannot map: %s", strerror(e));
    }
    f->data = p;
    f->size = (size_t)st.st_size;
    f->fd = fd;
    return 0;
}

void image_file_unmap(struct image_file *f)
{
    if (f->data && f->data != empty)
        munmap((void *)f->data, f->size);
    if (f->fd >= 0)
        close(f->fd);
    f->data = NULL;
    f->size = 0;
    f->fd = -1;
}
