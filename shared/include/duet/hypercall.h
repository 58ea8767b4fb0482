/*
 * The hypercall ABI between a Duet guest and the Duet host.
 *
 * A hypercall is one 64-bit store of a guest-physical address to
 *     DUET_HC_BASE + 8 * nr
 * The window has no memslot, so the store exits to the host as MMIO. The
 * stored value is the IPA of the argument struct for that hypercall (see
 * below). The store must be a plain `str xN, [xM]` (no writeback addressing)
 * so KVM can decode it. When the vCPU resumes, the host has filled in the
 * OUT fields.
 *
 * Every field is marked IN (guest -> host) or OUT (host -> guest). Guest
 * pointers are plain 64-bit integers (duet_gpa_t): the host must translate
 * and bounds-check them, and cannot dereference one by accident.
 *
 * Freestanding C99: no libc headers beyond <stdint.h>.
 */
#ifndef DUET_HYPERCALL_H
#define DUET_HYPERCALL_H

#include <stdint.h>
#include "memmap.h"

#define DUET_ABI_VERSION 2 /* 2: the network hypercalls (8..11) retired */

typedef uint64_t duet_gpa_t; /* a guest-physical address */

/*
 * The one HVC that reaches the host: an SMC64 OEM-service function id
 * (owner 3, never PSCI's or KVM's own) that the host forwards to itself
 * with KVM's SMCCC filter (Linux >= 6.4) and resumes at once, touching no
 * register: the guest sees x0 unchanged. Where the kernel has no filter KVM
 * answers it with SMCCC NOT_SUPPORTED (x0 = -1). Only exitbench uses it,
 * as the HVC counterpart of DUET_HC_FLOOR.
 */
#define DUET_HVC_FLOOR 0xC3000d00u

enum duet_hc_nr {
    DUET_HC_FLOOR         = 0,  /* no arguments: the host resumes the guest at
                                 * once, before any decoding. The floor that
                                 * the exit benchmark compares hypercalls to. */
    DUET_HC_CONSOLE_WRITE = 1,
    DUET_HC_WALLTIME      = 2,
    DUET_HC_HALT          = 3,
    DUET_HC_BLOCK_INFO    = 4,
    DUET_HC_BLOCK_READ    = 5,
    DUET_HC_BLOCK_WRITE   = 6,
    DUET_HC_BLOCK_FLUSH   = 7,
    /* 8..11: retired (the per-frame network hypercalls; NICs are virtio-net
     * devices now, see virtio.h): a guest that still uses them is stopped
     * with "unknown hypercall". */
    DUET_HC_FS            = 12, /* host-directory shares: struct duet_hc_fs */
    /* 16..31: diagnostics and benchmarks */
    DUET_HC_IRQ_PULSE     = 16, /* the host pulses an SPI via KVM_IRQ_LINE */
    DUET_HC_BOOT_TIMES    = 17, /* the guest's boot milestones, for duet run --verbose */
    DUET_HC_CRASH_FRAME   = 18, /* the crashing context, just before a crash halt */
    DUET_HC_BENCH_IOEVENTFD = 19, /* exitbench: with duet run --bench-exits the kernel
                                 * completes this store (KVM_IOEVENTFD, no exit);
                                 * without, the host sets *(uint64_t *)arg = 1 */
    DUET_HC_MAX           = 32  /* table size; nr must be < this */
};

#define DUET_HC_ADDR(nr) (DUET_HC_BASE + 8ULL * (uint64_t)(nr))

/*
 * At entry the host has zeroed all of RAM except the loaded ELF segments'
 * file bytes and the device tree, so a Duet guest need not clear its BSS.
 */

/* Error codes returned in `ret` fields (negative, like -errno). */
#define DUET_EOK      0
#define DUET_EINVAL   (-22)
#define DUET_EFAULT   (-14)
#define DUET_EIO      (-5)
#define DUET_ENOSPC   (-28)  /* e.g. the host's console output bound is reached */
#define DUET_EROFS    (-30)  /* write to a read-only device */
#define DUET_ENODEV   (-19)  /* no device with that index */
#define DUET_EAGAIN   (-11)  /* nothing to receive now: wait for the device's interrupt */
/* Shares (DUET_HC_FS): Linux's numbers; the guest maps them to its libc's. */
#define DUET_EPERM    (-1)
#define DUET_ENOENT   (-2)
#define DUET_EBADF    (-9)
#define DUET_EACCES   (-13)   /* a path the share refuses: outside it, a device, a FIFO */
#define DUET_EEXIST   (-17)
#define DUET_EXDEV    (-18)
#define DUET_ENOTDIR  (-20)
#define DUET_EISDIR   (-21)
#define DUET_EMFILE   (-24)
#define DUET_ENAMETOOLONG (-36)
#define DUET_ENOTEMPTY (-39)
#define DUET_ELOOP    (-40)

/* DUET_HC_CONSOLE_WRITE: write bytes to the host's console. */
struct duet_hc_console_write {
    duet_gpa_t data;   /* IN: address of the bytes */
    uint64_t   len;    /* IN: number of bytes */
    int64_t    ret;    /* OUT: bytes written, or DUET_E* */
};

/* DUET_HC_WALLTIME: wall-clock time from the host. */
struct duet_hc_walltime {
    uint64_t nsecs;    /* OUT: nanoseconds since the Unix epoch */
};

/* DUET_HC_HALT: stop the guest; `status` becomes duet's exit status. */
struct duet_hc_halt {
    int64_t status;    /* IN: exit status 0..255 */
};

/*
 * Block devices, addressed by index: the order of the host's --block options,
 * which is the order of the /duet@.../block@N nodes in the device tree.
 * Transfers are whole sectors: len a multiple of the sector size, inside the
 * device. Errors come back in `ret`; a buffer outside guest RAM stops the guest.
 */
struct duet_hc_block_info {
    uint32_t index;        /* IN */
    uint32_t sector_size;  /* OUT: 512 or 4096 */
    uint64_t sectors;      /* OUT */
    uint32_t read_only;    /* OUT: 1 if writes fail with DUET_EROFS */
    int32_t  ret;          /* OUT: 0 or DUET_E* */
};

struct duet_hc_block_io {  /* DUET_HC_BLOCK_READ and DUET_HC_BLOCK_WRITE */
    uint32_t   index;      /* IN */
    uint32_t   pad;
    uint64_t   sector;     /* IN: first sector */
    duet_gpa_t data;       /* IN: guest buffer */
    uint64_t   len;        /* IN: bytes, a multiple of the sector size */
    int64_t    ret;        /* OUT: bytes transferred, or DUET_E* */
};

struct duet_hc_block_flush {
    uint32_t index;        /* IN */
    int32_t  ret;          /* OUT: 0 once the data is on stable storage (fdatasync) */
};

/*
 * Host-directory shares (duet run --dir:NAME=HOSTDIR[,ro]), addressed by
 * index: the order of the --dir options and of the /duet@.../dir@N nodes.
 * Paths are relative to the share's root, at most DUET_FS_PATH_MAX bytes
 * (no NUL needed); the host resolves every one beneath the root and
 * refuses what would leave it ("..", symlinks out, absolute symlinks),
 * device nodes, FIFOs and sockets (DUET_EACCES). Handles are the host's,
 * small integers per VM (at most DUET_FS_HANDLES open at once).
 */
#define DUET_FS_PATH_MAX 4095
#define DUET_FS_NAME_MAX 255
#define DUET_FS_HANDLES  64

enum duet_fs_op {
    DUET_FS_INFO     = 0,  /* OUT: flags = DUET_FS_RO if the share is read-only */
    DUET_FS_STAT     = 1,  /* path -> struct duet_fs_stat in buf */
    DUET_FS_OPEN     = 2,  /* path, flags (DUET_FS_O_*), mode -> handle */
    DUET_FS_CLOSE    = 3,  /* handle */
    DUET_FS_PREAD    = 4,  /* handle, buf, len, offset -> done */
    DUET_FS_PWRITE   = 5,  /* handle, buf, len, offset -> done */
    DUET_FS_FSTAT    = 6,  /* handle -> struct duet_fs_stat in buf */
    DUET_FS_TRUNCATE = 7,  /* handle, offset = the new size */
    DUET_FS_FSYNC    = 8,  /* handle: the data is on stable storage (fsync) */
    DUET_FS_READDIR  = 9,  /* handle of a directory, offset = cookie (0: first)
                            * -> struct duet_fs_dirent in buf; done = 0 at the end */
    DUET_FS_MKDIR    = 10, /* path, mode */
    DUET_FS_UNLINK   = 11, /* path (not a directory) */
    DUET_FS_RMDIR    = 12, /* path (an empty directory) */
    DUET_FS_RENAME   = 13, /* path -> path2 (within the share) */
    DUET_FS_OP_MAX
};

#define DUET_FS_RO        1u      /* DUET_FS_INFO: the share refuses writes */
#define DUET_FS_O_WRITE   0x01u   /* open for writing (else read-only) */
#define DUET_FS_O_CREAT   0x02u
#define DUET_FS_O_EXCL    0x04u
#define DUET_FS_O_TRUNC   0x08u
#define DUET_FS_O_DIR     0x10u   /* must be a directory */

struct duet_hc_fs {
    uint32_t   op;         /* IN: enum duet_fs_op */
    uint32_t   share;      /* IN: share index */
    int32_t    handle;     /* IN (handle ops) / OUT (DUET_FS_OPEN) */
    uint32_t   flags;      /* IN: DUET_FS_O_*; OUT of DUET_FS_INFO */
    uint32_t   mode;       /* IN: permission bits for OPEN with CREAT, MKDIR */
    uint32_t   path_len;   /* IN */
    duet_gpa_t path;       /* IN: guest address of the path */
    duet_gpa_t path2;      /* IN: RENAME's new path */
    uint32_t   path2_len;  /* IN */
    uint32_t   pad;
    duet_gpa_t buf;        /* IN: guest buffer (data, stat, dirent) */
    uint64_t   len;        /* IN: bytes in buf */
    uint64_t   offset;     /* IN: file offset, new size, readdir cookie */
    uint64_t   done;       /* OUT: bytes transferred; READDIR: 1 or 0 (end) */
    int64_t    ret;        /* OUT: 0 or DUET_E* */
};

#define DUET_FS_TYPE_REG 1
#define DUET_FS_TYPE_DIR 2

struct duet_fs_stat {
    uint64_t size;
    uint64_t ino;
    uint64_t blocks;       /* 512-byte blocks allocated */
    int64_t  mtime_sec;
    uint32_t mtime_nsec;
    uint32_t mode;         /* permission bits */
    uint32_t type;         /* DUET_FS_TYPE_* (nothing else is shown) */
    uint32_t nlink;
};

struct duet_fs_dirent {
    uint64_t ino;
    uint64_t next;         /* the cookie of the entry after this one */
    uint32_t type;         /* DUET_FS_TYPE_*, or 0 for what the share refuses to open */
    uint32_t name_len;
    char     name[DUET_FS_NAME_MAX + 1];  /* NUL-terminated */
};

/*
 * Network devices are virtio-net over virtio-mmio (virtio.h), not
 * hypercalls. Their frame sizes, shared by the host's MTU checks and the
 * guest's buffers: a whole Ethernet frame without FCS is a header, an
 * optional VLAN tag and at most `mtu` bytes of payload.
 */
#define DUET_NET_FRAME_OVERHEAD 18   /* Ethernet header 14 + one VLAN tag 4 */
#define DUET_NET_MTU_MAX        9000
#define DUET_NET_FRAME_MAX      (DUET_NET_MTU_MAX + DUET_NET_FRAME_OVERHEAD)

/* DUET_HC_IRQ_PULSE: raise and lower SPI `intid` (edge: the vGIC latches it). */
struct duet_hc_irq_pulse {
    uint32_t intid;    /* IN: DUET_IRQ_TEST (kvm_irq.h); others are refused */
    int32_t  ret;      /* OUT: 0 or DUET_E* */
};

/*
 * DUET_HC_BOOT_TIMES: sent once, just before main(), only when the device
 * tree's /chosen has DUET_FDT_BOOT_TIMES (duet run --verbose asks for it).
 */
struct duet_hc_boot_times {
    uint64_t entry_count;  /* IN: CNTVCT_EL0 at the guest's first instruction */
    uint64_t main_count;   /* IN: CNTVCT_EL0 just before main() */
    uint64_t table_pages;  /* IN: pages of stage-1 page tables the guest built */
};
#define DUET_FDT_BOOT_TIMES "duet,boot-times"
/* /chosen "duet,env": NAME=VALUE strings (duet run --env), NUL-separated;
 * the guest puts them in its environment over app.cfg's defaults. */
#define DUET_FDT_ENV "duet,env"

/*
 * DUET_HC_CRASH_FRAME: sent by the guest's crash handler before it halts
 * with DUET_STATUS_CRASH, with the registers the exception interrupted, so
 * that gdb (duet run --gdb) stops and a core (--core) is written at the
 * faulting instruction, not in the handler. The argument is the frame itself.
 */
struct duet_crash_frame {
    uint64_t x[31];    /* IN: x0..x30 of the interrupted code */
    uint64_t sp;       /* IN: its stack pointer (SP_EL0, or SP_EL1 inside a handler) */
    uint64_t elr;      /* IN: ELR_EL1: the faulting instruction */
    uint64_t spsr;     /* IN: SPSR_EL1: its PSTATE */
    uint64_t esr, far; /* IN: ESR_EL1, FAR_EL1 */
};

/* Device-tree node the host writes so the guest can find the window. */
#define DUET_FDT_NODE      "duet"
#define DUET_FDT_COMPAT    "duet,hypercall-v1"

/*
 * duet's exit statuses (documented in `duet --help`). A guest halting with
 * 0..DUET_STATUS_GUEST_MAX passes its status through unchanged; a halt
 * outside that range is treated as a guest crash.
 */
#define DUET_STATUS_BAD_IMAGE   1   /* the ELF image was refused (before KVM) */
#define DUET_STATUS_USAGE       2   /* bad command line */
#define DUET_STATUS_GUEST_MAX   111
#define DUET_STATUS_CRASH       112 /* guest crashed: exception, bad hypercall, stray MMIO */
#define DUET_STATUS_HOST_ERROR  113 /* the host failed: KVM, memory, ... */

#endif
