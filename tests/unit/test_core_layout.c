/* The aarch64 core's head: ELF header, PT_NOTE + PT_LOAD, NT_PRSTATUS registers where gdb reads them. */
#include <elf.h>
#include "check.h"
#include "debug/core_dump.h"

static void test_layout(void)
{
    static uint8_t buf[CORE_HEADERS_MAX];
    struct core_regs r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < 31; i++)
        r.x[i] = 0x1000 + (uint64_t)i;
    r.sp = 0x40129f60; r.pc = 0x40100160; r.pstate = 0x3c4;
    r.v[31][15] = 0xab; r.fpsr = 0x11; r.fpcr = 0x22;
    size_t n = core_headers(buf, sizeof buf, &r, 11, 0x40000000, 32 << 20);
    CHECK(n == 4096);
    Elf64_Ehdr eh;
    memcpy(&eh, buf, sizeof eh);
    CHECK(!memcmp(eh.e_ident, ELFMAG, SELFMAG) && eh.e_ident[EI_CLASS] == ELFCLASS64);
    CHECK(eh.e_type == ET_CORE && eh.e_machine == EM_AARCH64 && eh.e_phnum == 2);
    Elf64_Phdr ph[2];
    memcpy(ph, buf + eh.e_phoff, sizeof ph);
    CHECK(ph[0].p_type == PT_NOTE && ph[0].p_offset + ph[0].p_filesz <= n);
    CHECK(ph[1].p_type == PT_LOAD && ph[1].p_offset == n && ph[1].p_vaddr == 0x40000000 &&
          ph[1].p_filesz == 32 << 20);
    /* First note: NT_PRSTATUS, "CORE", 392 bytes, pr_reg at 112: x0 .. pc at 112 + 32*8. */
    Elf64_Nhdr nh;
    const uint8_t *p = buf + ph[0].p_offset;
    memcpy(&nh, p, sizeof nh);
    CHECK(nh.n_type == NT_PRSTATUS && nh.n_namesz == 5 && nh.n_descsz == 392);
    CHECK(!memcmp(p + 12, "CORE", 5));
    const uint8_t *desc = p + 12 + 8;
    uint64_t x0, pc, pstate;
    memcpy(&x0, desc + 112, 8);
    memcpy(&pc, desc + 112 + 32 * 8, 8);
    memcpy(&pstate, desc + 112 + 33 * 8, 8);
    CHECK(x0 == 0x1000 && pc == 0x40100160 && pstate == 0x3c4);
    /* Second note: NT_FPREGSET, user_fpsimd_state (528 bytes): v31's top byte, fpsr, fpcr. */
    p = desc + 392;
    memcpy(&nh, p, sizeof nh);
    CHECK(nh.n_type == NT_FPREGSET && nh.n_descsz == 528);
    desc = p + 20;
    uint32_t fpsr, fpcr;
    memcpy(&fpsr, desc + 512, 4);
    memcpy(&fpcr, desc + 516, 4);
    CHECK(desc[31 * 16 + 15] == 0xab && fpsr == 0x11 && fpcr == 0x22);
    CHECK(desc + 528 == buf + ph[0].p_offset + ph[0].p_filesz);
    CHECK(core_headers(buf, 100, &r, 11, 0x40000000, 1 << 20) == 0);
}

int main(void)
{
    RUN_TEST(test_layout);
    return CHECK_EXIT();
}
