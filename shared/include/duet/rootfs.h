/*
 * The boot archive: an app's rootfs/ packed by build.py
 * (tools/duetbuild/rootfs.py) into the guest image's DUET_ROOTFS_SECTION.
 * The host only maps it, read-only, at DUET_ROOTFS_BASE (a KVM_MEM_READONLY
 * memslot over the image file: pages are read when the guest touches them,
 * never copied) and says where in /chosen DUET_FDT_ROOTFS; on qemu-virt it
 * is QEMU's second flash bank. The guest parses it (guest/fs/rofs.c),
 * trusting nothing: every index, offset and length is checked on use.
 *
 *   offset 0        struct duet_rootfs_header
 *   nodes_off       struct duet_rootfs_node[nnodes]; node 0 is "/"
 *   names_off       names, not NUL-terminated
 *   (page aligned)  file data, each file on its own page boundary
 *
 * A directory's children are nodes [first, first + count), sorted by name
 * (bytewise), so a lookup is a binary search and readdir an index.
 * Little-endian, as both ends are.
 */
#ifndef DUET_ROOTFS_H
#define DUET_ROOTFS_H

#include <stdint.h>

#define DUET_ROOTFS_SECTION ".duet_rootfs"
#define DUET_ROOTFS_MAGIC   "DUETROFS"      /* 8 bytes, no NUL */
#define DUET_ROOTFS_VERSION 1
#define DUET_FDT_ROOTFS     "duet,rootfs"   /* /chosen: <addr64 size64> */
#define DUET_ROOTFS_ALIGN   4096

#define DUET_ROOTFS_S_IFDIR 0040000
#define DUET_ROOTFS_S_IFREG 0100000
#define DUET_ROOTFS_S_IFMT  0170000

struct duet_rootfs_header {
    char magic[8];
    uint32_t version;
    uint32_t nnodes;
    uint64_t size;          /* bytes of the whole archive */
    uint64_t nodes_off;
    uint64_t names_off;
    uint64_t names_size;
};

struct duet_rootfs_node {
    uint32_t mode;          /* DUET_ROOTFS_S_IFDIR or _IFREG | permission bits */
    uint32_t name_len;      /* 1..255; the root's is 0 */
    uint64_t name_off;      /* into the names */
    uint64_t first;         /* directory: first child; file: data offset */
    uint64_t count;         /* directory: children; file: size in bytes */
    int64_t mtime;          /* seconds since the epoch */
    uint64_t reserved;
};

#endif
