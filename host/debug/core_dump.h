/*
 * `duet run --core=PATH|DIR`: an ELF core of a crashed guest (ET_CORE,
 * EM_AARCH64) that `gdb-multiarch GUEST.elf CORE` opens: NT_PRSTATUS with
 * the registers at the crash (crash_rewind() put the vCPU at the faulting
 * instruction), NT_FPREGSET, and guest RAM as one PT_LOAD at its addresses
 * (the guest's map is the identity, so virtual = physical).
 *
 * Sandbox: the file is made before seccomp as an unnamed O_TMPFILE in the
 * target directory; after a crash it is filled with write() and given its
 * name with linkat(), which fails with EEXIST rather than replace anything
 * (O_EXCL's guarantee), relative to the directory fd opened up front, with
 * a name without '/' chosen here. linkat is allowed only with --core.
 * A run that does not crash leaves nothing behind.
 */
#ifndef DUET_CORE_DUMP_H
#define DUET_CORE_DUMP_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/* The registers of NT_PRSTATUS (user_pt_regs) and NT_FPREGSET (user_fpsimd_state). */
struct core_regs {
    uint64_t x[31], sp, pc, pstate;
    uint8_t v[32][16];
    uint32_t fpsr, fpcr;
};

/* ELF header, program headers and notes for a core of RAM at ram_base; their size (the
 * RAM follows at the returned offset, page aligned), or 0 when cap is too small. */
size_t core_headers(uint8_t *buf, size_t cap, const struct core_regs *r, int signal,
                    uint64_t ram_base, uint64_t ram_size);
enum { CORE_HEADERS_MAX = 4096 };

struct core_file {
    int dir_fd, fd;
    char name[256];     /* final name inside dir_fd; unique when a directory was given */
    char shown[800];    /* the path as the user gave it, with the name, for the report */
    int in_dir;         /* a directory was given: a taken name means try the next */
};

/* Before the sandbox. 0, or -1 with a reason (path refused, no O_TMPFILE there). */
int core_prepare(struct core_file *c, const char *path, const char *image, char *err, size_t errlen);
/* After a crash: writes and names the core; 0 with the path in c->shown, or -1 and err. */
int core_write(struct core_file *c, struct vm *vm, char *err, size_t errlen);
void core_discard(struct core_file *c);

#endif
