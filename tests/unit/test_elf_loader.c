/* Unit tests for host/image/elf_loader.c: images are built in memory, then broken. */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "image/elf_loader.h"

#define RAM_SIZE  0x400000ULL          /* RAM [0x40000000, 0x40400000) */
#define SEG_VA(i) (DUET_GUEST_LOAD_MIN + 0x10000ULL * (i))
#define FILESZ    0x100
#define MEMSZ     0x200
#define IMG_MAX   0x6000

static uint8_t img[IMG_MAX];
static struct guest_mem mem;
static struct guest_image gi;
static char err[256];

#define EH ((Elf64_Ehdr *)img)
#define PH(i) ((Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)) + (i))

/* A valid image: segment 0 is text (R+X, entry inside), the others data;
 * segment i's bytes sit at file offset 0x1000 * (i + 1), filled with i+1. */
static size_t make_elf(int nseg)
{
    memset(img, 0, sizeof(img));
    memcpy(EH->e_ident, ELFMAG, SELFMAG);
    EH->e_ident[EI_CLASS] = ELFCLASS64;
    EH->e_ident[EI_DATA] = ELFDATA2LSB;
    EH->e_ident[EI_VERSION] = EV_CURRENT;
    EH->e_type = ET_EXEC;
    EH->e_machine = EM_AARCH64;
    EH->e_version = EV_CURRENT;
    EH->e_entry = SEG_VA(0) + 0x10;
    EH->e_phoff = sizeof(Elf64_Ehdr);
    EH->e_ehsize = sizeof(Elf64_Ehdr);
    EH->e_phentsize = sizeof(Elf64_Phdr);
    EH->e_phnum = (uint16_t)nseg;
    for (int i = 0; i < nseg; i++) {
        Elf64_Phdr *p = PH(i);
        p->p_type = PT_LOAD;
        p->p_flags = i == 0 ? (PF_R | PF_X) : (PF_R | PF_W);
        p->p_offset = 0x1000ULL * (i + 1);
        p->p_vaddr = p->p_paddr = SEG_VA(i);
        p->p_filesz = FILESZ;
        p->p_memsz = MEMSZ;
        p->p_align = 0x1000;
        memset(img + p->p_offset, i + 1, FILESZ);
    }
    return 0x1000ULL * nseg + FILESZ; /* ends with the last segment's bytes */
}

static int load(size_t len)
{
    memset(mem.host, 0xAA, mem.size); /* so that bss zeroing is visible */
    mem.fresh = 0;                     /* ... and the loader must do it */
    err[0] = '\0';
    return elf_load_buffer(img, len, &mem, &gi, err, sizeof(err));
}

/* Expects a refusal whose reason contains `want` and is one line. */
#define EXPECT_ERR(len, want) do { \
    CHECK(load(len) == -1); \
    if (!strstr(err, want)) printf("  got \"%s\", want \"%s\"\n", err, want); \
    CHECK(strstr(err, want) != NULL); \
    CHECK(strchr(err, '\n') == NULL); \
} while (0)

static void test_valid_image_loads(void)
{
    size_t len = make_elf(3);
    CHECK(load(len) == 0);
    CHECK_EQ_U64(gi.entry, SEG_VA(0) + 0x10);
    CHECK_EQ_U64(gi.lowest, SEG_VA(0));
    CHECK_EQ_U64(gi.highest, SEG_VA(2) + MEMSZ);
    CHECK(gi.nload == 3);
    for (int i = 0; i < 3; i++) {
        uint8_t *p = gmem_ptr(&mem, SEG_VA(i), MEMSZ);
        CHECK(p[0] == i + 1 && p[FILESZ - 1] == i + 1);
        CHECK(p[FILESZ] == 0 && p[MEMSZ - 1] == 0);          /* bss zeroed */
        CHECK(*(uint8_t *)gmem_ptr(&mem, SEG_VA(i) + MEMSZ, 1) == 0xAA); /* no spill */
    }
    /* Empty PT_LOADs and other segment types are ignored. */
    make_elf(3);
    PH(1)->p_filesz = PH(1)->p_memsz = 0;
    PH(2)->p_type = PT_NOTE;
    CHECK(load(len) == 0 && gi.nload == 1);
}

static void test_header_rejections(void)
{
    size_t len = make_elf(2);
    EXPECT_ERR(0, "empty");
    memcpy(img, "\x7f" "ELX", 4);            EXPECT_ERR(len, "not an ELF");
    make_elf(2);
    EXPECT_ERR(3, "not an ELF");
    EH->e_ident[EI_CLASS] = ELFCLASS32;       EXPECT_ERR(len, "not a 64-bit ELF");
    EXPECT_ERR(52, "not a 64-bit ELF");       /* a short 32-bit header too */
    make_elf(2); EH->e_ident[EI_DATA] = ELFDATA2MSB; EXPECT_ERR(len, "little-endian");
    make_elf(2); EH->e_ident[EI_VERSION] = 0; EXPECT_ERR(len, "ELF version");
    make_elf(2); EH->e_version = 2;           EXPECT_ERR(len, "ELF version");
    make_elf(2); EXPECT_ERR(40, "truncated ELF header");
    make_elf(2); EH->e_machine = EM_X86_64;   EXPECT_ERR(len, "x86-64 (62)");
    make_elf(2); EH->e_machine = 9999;        EXPECT_ERR(len, "(9999), not AArch64");
    make_elf(2); EH->e_type = ET_DYN;         EXPECT_ERR(len, "static PIE");
    make_elf(2); EH->e_type = ET_REL;         EXPECT_ERR(len, "not an executable");
    make_elf(2); EH->e_ehsize = 52;           EXPECT_ERR(len, "e_ehsize");
    make_elf(2); EH->e_phentsize = 32;        EXPECT_ERR(len, "e_phentsize");
    make_elf(2); EH->e_phnum = 0;             EXPECT_ERR(len, "no program headers");
    make_elf(2); EH->e_phnum = ELF_MAX_PHDRS + 1; EXPECT_ERR(len, "too many program headers");
    make_elf(2); EH->e_phnum = PN_XNUM;       EXPECT_ERR(len, "too many program headers");
    make_elf(2); EH->e_phoff = len - 8;       EXPECT_ERR(len, "program header table");
    make_elf(2); EH->e_phoff = UINT64_MAX - 8; EXPECT_ERR(len, "program header table");
}

static void test_segment_rejections(void)
{
    size_t len = make_elf(2);
    PH(0)->p_type = PH(1)->p_type = PT_NOTE;  EXPECT_ERR(len, "no loadable");
    make_elf(2); PH(1)->p_type = PT_INTERP;   EXPECT_ERR(len, "PT_INTERP");
    make_elf(2); PH(1)->p_offset = len - 0x10; EXPECT_ERR(len, "outside the file");
    make_elf(2); PH(1)->p_offset = UINT64_MAX - 0x10; EXPECT_ERR(len, "outside the file");
    make_elf(2); PH(1)->p_filesz = MEMSZ + 1; EXPECT_ERR(len, "p_filesz");
    make_elf(2); PH(1)->p_paddr += 0x1000;    EXPECT_ERR(len, "p_paddr");
    make_elf(2); PH(1)->p_align = 0x1800;     EXPECT_ERR(len, "power of two");
    make_elf(2); PH(1)->p_vaddr = PH(1)->p_paddr = SEG_VA(1) + 8; EXPECT_ERR(len, "bad alignment");
    make_elf(2); PH(1)->p_align = 1; PH(1)->p_vaddr = PH(1)->p_paddr = SEG_VA(1) + 8;
    CHECK(load(len) == 0);                    /* p_align 1: anything goes */
    make_elf(2); PH(0)->p_vaddr = PH(0)->p_paddr = DUET_RAM_BASE;
    EXPECT_ERR(len, "segment 0 [0x40000000-0x40000200) is below 0x40100000");
    EXPECT_ERR(len, "[0x40100000-0x40400000)");
    make_elf(2); PH(1)->p_vaddr = PH(1)->p_paddr = DUET_RAM_BASE + RAM_SIZE - 0x1000;
    PH(1)->p_memsz = 0x2000;
    EXPECT_ERR(len, "segment 1 [0x403ff000-0x40401000) is outside guest RAM [0x40100000-0x40400000)");
    make_elf(2); PH(1)->p_vaddr = PH(1)->p_paddr = 0xfffffffffffff000ULL;
    PH(1)->p_memsz = 0x2000;                  EXPECT_ERR(len, "wraps");
    make_elf(2); PH(1)->p_memsz = UINT64_MAX; EXPECT_ERR(len, "wraps");
    make_elf(2); PH(1)->p_vaddr = PH(1)->p_paddr = SEG_VA(0) + 0x1000; PH(0)->p_memsz = 0x1001;
    EXPECT_ERR(len, "segments 0 [0x40100000-0x40101001) and 1 [0x40101000-0x40101200) overlap");
    make_elf(2); EH->e_entry = SEG_VA(1);     EXPECT_ERR(len, "entry point 0x40110000");
    make_elf(2); EH->e_entry = SEG_VA(0) + FILESZ; EXPECT_ERR(len, "entry point"); /* in bss */
    make_elf(2); EH->e_entry = 0;             EXPECT_ERR(len, "entry point");
    make_elf(2); PH(0)->p_flags = PF_R;       EXPECT_ERR(len, "executable (PF_X)");
}

/* Every truncation errors; random corruption never crashes (ASan watches). */
static void test_truncation_and_corruption(void)
{
    size_t len = make_elf(3);
    uint8_t *copy = malloc(len);
    for (size_t n = 0; n < len; n++) {
        memcpy(copy, img, n);
        err[0] = '\0';
        CHECK(elf_load_buffer(copy, n, &mem, &gi, err, sizeof(err)) == -1);
        CHECK(err[0] != '\0');
    }
    uint32_t seed = 12345;
    for (int iter = 0; iter < 20000; iter++) {
        make_elf(1 + iter % 3);
        for (int k = 0; k < 1 + iter % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % (sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr));
            img[at] = (uint8_t)(seed >> 24);
        }
        memcpy(copy, img, len);
        err[0] = '\0';
        int rc = elf_load_buffer(copy, len, &mem, &gi, err, sizeof(err));
        CHECK(rc == 0 || (rc == -1 && err[0] != '\0'));
    }
    free(copy);
    CHECK(elf_load_buffer(NULL, 0, &mem, &gi, err, sizeof(err)) == -1);
    CHECK(elf_load_buffer(img, 0, &mem, &gi, NULL, 0) == -1); /* no err buffer: fine */
}

static void test_load_file(void)
{
    char dir[] = "/tmp/duet-elf-XXXXXX", path[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/g.elf", dir);
    size_t len = make_elf(2);
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(img, 1, len, f) == len);
    fclose(f);
    CHECK(elf_load_file(path, &mem, &gi, err, sizeof(err)) == 0);
    CHECK(*(uint8_t *)gmem_ptr(&mem, SEG_VA(1), 1) == 2);
    CHECK(truncate(path, len - 1) == 0);
    CHECK(elf_load_file(path, &mem, &gi, err, sizeof(err)) == -1 && strstr(err, "outside the file"));
    CHECK(truncate(path, 0) == 0);
    CHECK(elf_load_file(path, &mem, &gi, err, sizeof(err)) == -1 && strstr(err, "empty"));
    CHECK(elf_load_file(dir, &mem, &gi, err, sizeof(err)) == -1 && strstr(err, "not a regular file"));
    unlink(path);
    rmdir(dir);
    CHECK(elf_load_file(path, &mem, &gi, err, sizeof(err)) == -1 &&
          strstr(err, "cannot open: No such file"));
    /* Our own executable: x86-64 is named; an aarch64 host has a PIE. */
    CHECK(elf_load_file("/proc/self/exe", &mem, &gi, err, sizeof(err)) == -1);
    CHECK(strstr(err, "x86-64 (62)") || strstr(err, "static PIE"));
}

/* From a file, a read-only segment's whole pages are the file's (copy on
 * write), its partial last page and the writable segment are copied. */
static void test_read_only_pages_mapped_from_the_file(void)
{
    char path[] = "/tmp/duet-elfmap-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    long page = sysconf(_SC_PAGESIZE);
    make_elf(2);
    size_t len = 0x3000;
    PH(0)->p_filesz = PH(0)->p_memsz = 0x1800; /* 1.5 pages of 4 KiB */
    for (int i = 0; i < 0x1800; i++)
        img[0x1000 + i] = (uint8_t)(i * 7);
    CHECK(write(fd, img, len) == (ssize_t)len);
    struct guest_mem fresh;
    CHECK(gmem_alloc(&fresh, DUET_RAM_BASE, RAM_SIZE) == 0);
    CHECK(elf_load_file(path, &fresh, &gi, err, sizeof err) == 0);
    uint8_t *text = gmem_ptr(&fresh, SEG_VA(0), 0x1800);
    CHECK(memcmp(text, img + 0x1000, 0x1800) == 0);
    if (page == 0x1000) {
        CHECK(fresh.nfile_ranges == 1 && gmem_file_pages(&fresh) == 1);
        CHECK_EQ_U64(fresh.file_ranges[0].off, SEG_VA(0) - DUET_RAM_BASE);
        /* Private pages: the text's copied half page and the data segment's
         * page (the mapped page reads resident but is counted apart). */
        CHECK(gmem_resident_pages(&fresh) == 2);
    } else {
        CHECK(fresh.nfile_ranges == 0); /* a larger host page: nothing aligned, all copied */
    }
    /* A second read-only segment continuing the first in the file and in RAM
     * shares its mmap (text then rodata). */
    struct guest_mem two;
    CHECK(gmem_alloc(&two, DUET_RAM_BASE, RAM_SIZE) == 0);
    PH(0)->p_filesz = PH(0)->p_memsz = 0x1000;
    PH(1)->p_flags = PF_R;
    PH(1)->p_offset = 0x2000;
    PH(1)->p_vaddr = PH(1)->p_paddr = SEG_VA(0) + 0x1000;
    PH(1)->p_filesz = PH(1)->p_memsz = 0x1000;
    CHECK(pwrite(fd, img, 0x200, 0) == 0x200);
    CHECK(elf_load_file(path, &two, &gi, err, sizeof err) == 0);
    CHECK(memcmp(gmem_ptr(&two, SEG_VA(0), 0x2000), img + 0x1000, 0x2000) == 0);
    if (page == 0x1000)
        CHECK(two.nfile_ranges == 1 && gmem_file_pages(&two) == 2 && gmem_resident_pages(&two) == 0);
    gmem_free(&two);
    /* A write through the host (a gdb breakpoint) changes RAM, not the file. */
    text[0] ^= 0xff;
    uint8_t b = 0;
    CHECK(pread(fd, &b, 1, 0x1000) == 1 && b == img[0x1000] && text[0] != b);
    /* A buffer image is always copied. */
    struct guest_mem copy;
    CHECK(gmem_alloc(&copy, DUET_RAM_BASE, RAM_SIZE) == 0);
    CHECK(elf_load_buffer(img, len, &copy, &gi, err, sizeof err) == 0 && copy.nfile_ranges == 0);
    gmem_free(&copy);
    gmem_free(&fresh);
    close(fd);
    unlink(path);
}

/* Real linker output, when the cross toolchain is there: a guest linked at
 * DUET_GUEST_LOAD_MIN loads; plain -Ttext leaves the ELF headers in a
 * PT_LOAD far below RAM; a static PIE is refused. */
#define XCC "aarch64-linux-gnu-gcc -nostdlib -static -Wl,--build-id=none "
static int xcc(const char *dir, const char *flags, const char *out)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), XCC "%s -o %s/%s %s/s.S 2>/dev/null", flags, dir, out, dir);
    return system(cmd);
}

static void test_real_linker_output(void)
{
    char dir[] = "/tmp/duet-xcc-XXXXXX", path[96];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/s.S", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs(".globl _start\n_start: b _start\n.data\n.quad 7\n.bss\n.space 64\n", f);
    fclose(f);
    CHECK(xcc(dir, "-no-pie -Wl,-Ttext-segment=0x40100000", "good") == 0);
    CHECK(xcc(dir, "-no-pie -Wl,-Ttext=0x40100000", "low") == 0);
    CHECK(xcc(dir, "-static-pie", "pie") == 0);
    snprintf(path, sizeof(path), "%s/good", dir);
    CHECK(elf_load_file(path, &mem, &gi, err, sizeof(err)) == 0);
    CHECK(gi.entry >= DUET_GUEST_LOAD_MIN && gi.lowest == DUET_GUEST_LOAD_MIN && gi.nload == 2);
    snprintf(path, sizeof(path), "%s/low", dir);
    CHECK(elf_load_file(path, &mem, &gi, err, sizeof(err)) == -1 && strstr(err, "is below 0x40100000"));
    snprintf(path, sizeof(path), "%s/pie", dir);
    CHECK(elf_load_file(path, &mem, &gi, err, sizeof(err)) == -1 && strstr(err, "static PIE"));
    snprintf(path, sizeof(path), "rm -rf %s", dir);
    CHECK(system(path) == 0);
}

/* Fresh RAM is zero already: the bss reads zero without the loader clearing it. */
static void test_fresh_memory(void)
{
    struct guest_mem fresh;
    CHECK(gmem_alloc(&fresh, DUET_RAM_BASE, RAM_SIZE) == 0 && fresh.fresh);
    size_t len = make_elf(3);
    CHECK(elf_load_buffer(img, len, &fresh, &gi, err, sizeof err) == 0);
    for (int i = 0; i < 3; i++) {
        uint8_t *p = gmem_ptr(&fresh, SEG_VA(i), MEMSZ);
        CHECK(p[0] == i + 1 && p[FILESZ] == 0 && p[MEMSZ - 1] == 0);
    }
    gmem_free(&fresh);
}

int main(void)
{
    if (gmem_alloc(&mem, DUET_RAM_BASE, RAM_SIZE) != 0) {
        printf("FAIL gmem_alloc\n");
        return 1;
    }
    RUN_TEST(test_valid_image_loads);
    RUN_TEST(test_fresh_memory);
    RUN_TEST(test_read_only_pages_mapped_from_the_file);
    RUN_TEST(test_header_rejections);
    RUN_TEST(test_segment_rejections);
    RUN_TEST(test_truncation_and_corruption);
    RUN_TEST(test_load_file);
    if (system("aarch64-linux-gnu-gcc --version >/dev/null 2>&1") == 0)
        RUN_TEST(test_real_linker_output);
    else
        printf("SKIP test_real_linker_output: aarch64-linux-gnu-gcc not found\n");
    gmem_free(&mem);
    return CHECK_EXIT();
}
