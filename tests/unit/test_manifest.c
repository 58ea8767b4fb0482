/* The manifest reader and the declared-vs-attached check, on images made here. */
#include <elf.h>
#include "check.h"
#include "devices/block/block_dev.h"
#include "duet/hypercall.h"
#include "image/manifest.h"

static uint8_t img[4096];
static const char names[] = "\0.shstrtab\0" DUET_MANIFEST_SECTION "\0" DUET_IRQ_SECTION;

/* An ELF64 with three sections: null, .shstrtab and the manifest. */
static size_t make(unsigned count, const struct duet_manifest_entry *e)
{
    memset(img, 0, sizeof img);
    Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_shoff = 1024;
    eh->e_shentsize = sizeof(Elf64_Shdr);
    eh->e_shnum = 3;
    eh->e_shstrndx = 1;
    memcpy(img + 256, names, sizeof names);
    struct duet_manifest_header h = { DUET_MANIFEST_MAGIC, DUET_ABI_VERSION, count, 0 };
    memcpy(img + 512, &h, sizeof h);
    memcpy(img + 512 + sizeof h, e, count * sizeof *e);
    Elf64_Shdr *sh = (Elf64_Shdr *)(img + 1024);
    sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = 256, .sh_size = sizeof names };
    sh[2] = (Elf64_Shdr){ .sh_name = 11, .sh_type = SHT_PROGBITS, .sh_offset = 512,
                          .sh_size = sizeof h + count * sizeof *e };
    return 1024 + 3 * sizeof(Elf64_Shdr);
}

static const struct duet_manifest_entry two[] = {
    { DUET_DEVICE_BLOCK, 0, "disk0" }, { DUET_DEVICE_BLOCK, 0, "logs" },
};

static void test_reads_entries(void)
{
    struct manifest m;
    char err[256];
    size_t len = make(2, two);
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == 0);
    CHECK(m.present && m.count == 2 && m.abi_version == DUET_ABI_VERSION);
    CHECK_STR(m.entries[1].name, "logs");
    CHECK_STR(manifest_type_name(m.entries[0].type), "block");
}

/* The interrupt marker is a fourth section: present, the image takes them. */
static void test_interrupt_marker(void)
{
    struct manifest m;
    char err[256];
    size_t len = make(2, two);
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == 0 && !m.takes_interrupts);
    Elf64_Shdr *sh = (Elf64_Shdr *)(img + 1024);
    sh[3] = (Elf64_Shdr){ .sh_name = 11 + sizeof DUET_MANIFEST_SECTION, .sh_type = SHT_PROGBITS,
                          .sh_offset = 768, .sh_size = 1 };
    ((Elf64_Ehdr *)img)->e_shnum = 4;
    len = 1024 + 4 * sizeof(Elf64_Shdr);
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == 0 && m.takes_interrupts);
    CHECK(m.present && m.count == 2);
    sh[3].sh_offset = 1u << 30; /* outside the file: a bad image, not a silent "no" */
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == -1);
}

static void test_no_section_is_empty(void)
{
    struct manifest m;
    char err[256];
    size_t len = make(0, two);
    ((Elf64_Ehdr *)img)->e_shnum = 2; /* drop the manifest section */
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == 0 && !m.present && !m.count);
}

static void test_hostile_images(void)
{
    struct manifest m;
    char err[256];
    size_t len = make(2, two);
    for (size_t cut = 0; cut < len; cut += 7) /* every truncation: an error or no manifest */
        if (manifest_read_buffer(img, cut, &m, err, sizeof err) == 0)
            CHECK(!m.present || m.count <= 2);
    make(2, two);
    ((struct duet_manifest_header *)(img + 512))->count = 1000;
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == -1 && strstr(err, "claims"));
    make(2, two);
    ((struct duet_manifest_header *)(img + 512))->magic = 0;
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == -1 && strstr(err, "magic"));
    make(2, two);
    memset(img + 512 + sizeof(struct duet_manifest_header) + 4, 'x', 16); /* no NUL */
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == -1 && strstr(err, "name"));
    make(2, two);
    ((Elf64_Shdr *)(img + 1024))[2].sh_offset = ~0ULL - 4;
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == -1);
    make(2, two);
    ((Elf64_Ehdr *)img)->e_shoff = ~0ULL - 100;
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == -1);
}

static void test_check_declared_vs_attached(void)
{
    struct manifest m;
    char err[256];
    size_t len = make(2, two);
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == 0);
    struct attached_device b[3] = { { DUET_DEVICE_BLOCK, "logs" }, { DUET_DEVICE_BLOCK, "disk0" },
                                    { DUET_DEVICE_BLOCK, "extra" } };
    CHECK(manifest_check(&m, b, 2, err, sizeof err) == 0);
    CHECK(manifest_check(&m, b, 1, err, sizeof err) == -1 && strstr(err, "'disk0'"));
    CHECK(manifest_check(&m, b, 3, err, sizeof err) == -1 && strstr(err, "'extra'"));
    struct duet_manifest_entry net = { DUET_DEVICE_NET, 0, "net0" };
    len = make(1, &net);
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == 0);
    CHECK(manifest_check(&m, b, 0, err, sizeof err) == -1 && strstr(err, "--net:net0=TAP"));
    struct attached_device wrong_type = { DUET_DEVICE_BLOCK, "net0" };
    CHECK(manifest_check(&m, &wrong_type, 1, err, sizeof err) == -1 && strstr(err, "net device 'net0'"));
    struct attached_device right = { DUET_DEVICE_NET, "net0" };
    CHECK(manifest_check(&m, &right, 1, err, sizeof err) == 0);
    /* An optional device may be left out, never attached as another type. */
    struct duet_manifest_entry opt[2] = { { DUET_DEVICE_NET, 0, "net0" },
                                          { DUET_DEVICE_NET, DUET_DEVICE_OPTIONAL, "net1" } };
    len = make(2, opt);
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == 0);
    CHECK(manifest_check(&m, &right, 1, err, sizeof err) == 0);
    struct attached_device both[2] = { { DUET_DEVICE_NET, "net0" }, { DUET_DEVICE_NET, "net1" } };
    CHECK(manifest_check(&m, both, 2, err, sizeof err) == 0);
    struct attached_device net1_as_block[2] = { { DUET_DEVICE_NET, "net0" }, { DUET_DEVICE_BLOCK, "net1" } };
    CHECK(manifest_check(&m, net1_as_block, 2, err, sizeof err) == -1);
    opt[1].flags = 0x80;
    len = make(2, opt);
    CHECK(manifest_read_buffer(img, len, &m, err, sizeof err) == -1 && strstr(err, "flags"));
}

int main(void)
{
    RUN_TEST(test_reads_entries);
    RUN_TEST(test_no_section_is_empty);
    RUN_TEST(test_interrupt_marker);
    RUN_TEST(test_hostile_images);
    RUN_TEST(test_check_declared_vs_attached);
    return CHECK_EXIT();
}
