/*
 * fsbench: file write and read throughput through the POSIX calls.
 *   fsbench PATH MIB [CHUNK_KIB [ROUNDS]]
 *   fsbench -r PATH [CHUNK_KIB [ROUNDS]]
 * Each round writes MIB MiB to PATH (a fresh file) in CHUNK_KIB writes and
 * closes it, then reads it back in the same chunks, and prints
 *   round N write_MBps W read_MBps R
 * With -r it only reads the existing PATH whole each round (a shipped file
 * on the rootfs): round N read_MBps R.
 * The same source is the guest app (apps/fsbench) and, compiled as a static
 * aarch64 Linux program, the native side of `./build.py bench --only files`
 * (tools/duetbuild/bench/files.py), so both do exactly the same calls.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Reads path whole in chunk-byte reads; bytes read or -1. */
static long long read_all(const char *path, unsigned char *buf, size_t chunk, unsigned *sum)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long long got = 0;
    ssize_t n;
    while ((n = read(fd, buf, chunk)) > 0) {
        got += n;
        *sum += buf[0];
    }
    close(fd);
    return n < 0 ? -1 : got;
}

static int read_only(int argc, char **argv)
{
    size_t chunk = (size_t)(argc > 3 ? strtoul(argv[3], NULL, 10) : 1024) << 10;
    int rounds = argc > 4 ? atoi(argv[4]) : 3;
    unsigned char *buf = chunk ? malloc(chunk) : NULL;
    unsigned sum = 0;
    for (int r = 1; buf && r <= rounds; r++) {
        double t0 = now();
        long long got = read_all(argv[2], buf, chunk, &sum);
        double t1 = now();
        if (got <= 0) {
            perror("fsbench: read");
            return 1;
        }
        printf("round %d read_MBps %.1f bytes %lld check %u\n", r, (double)got / 1e6 / (t1 - t0),
               got, sum & 0xff);
    }
    free(buf);
    return buf ? 0 : 2;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "-r"))
        return read_only(argc, argv);
    if (argc < 3) {
        fprintf(stderr, "usage: fsbench PATH MIB [CHUNK_KIB [ROUNDS]]\n");
        return 2;
    }
    const char *path = argv[1];
    size_t total = (size_t)strtoul(argv[2], NULL, 10) << 20;
    size_t chunk = (size_t)(argc > 3 ? strtoul(argv[3], NULL, 10) : 1024) << 10;
    int rounds = argc > 4 ? atoi(argv[4]) : 3;
    unsigned char *buf = malloc(chunk);
    if (!buf || !chunk || total % chunk) {
        fprintf(stderr, "fsbench: MIB must be a multiple of CHUNK_KIB\n");
        return 2;
    }
    for (size_t i = 0; i < chunk; i++)
        buf[i] = (unsigned char)(i * 31 + 7);
    for (int r = 1; r <= rounds; r++) {
        unlink(path);
        double t0 = now();
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) {
            perror("fsbench: open for writing");
            return 1;
        }
        for (size_t done = 0; done < total; done += chunk)
            if (write(fd, buf, chunk) != (ssize_t)chunk) {
                perror("fsbench: write");
                return 1;
            }
        if (close(fd) < 0) {
            perror("fsbench: close");
            return 1;
        }
        double t1 = now();
        unsigned sum = 0;
        long long got = read_all(path, buf, chunk, &sum);
        double t2 = now();
        if (got != (long long)total) {
            fprintf(stderr, "fsbench: read back %lld of %zu bytes\n", got, total);
            return 1;
        }
        printf("round %d write_MBps %.1f read_MBps %.1f check %u\n", r,
               (double)total / 1e6 / (t1 - t0), (double)total / 1e6 / (t2 - t1), sum & 0xff);
    }
    unlink(path);
    free(buf);
    return 0;
}
