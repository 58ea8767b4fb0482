/*
 * The bytes of an aarch64 ELF core's head: Elf64 header, PT_NOTE and
 * PT_LOAD, and the notes, laid out by hand with the documented offsets
 * (elf_prstatus for aarch64: pr_reg, 34 u64, at byte 112 of 392), so the
 * x86_64 build writes and unit-tests the same bytes as the arm64 one.
 */
#include <elf.h>
#include <string.h>
#include "debug/core_dump.h"

#define PRSTATUS_SIZE   392
#define PRSTATUS_CURSIG 12
#define PRSTATUS_PID    32
#define PRSTATUS_REG    112
#define FPSIMD_SIZE     528   /* vregs[32] u128, fpsr, fpcr, 2 x u32 reserved */

static size_t note(uint8_t *p, uint32_t type, const void *desc, uint32_t size)
{
    Elf64_Nhdr h = { .n_namesz = 5, .n_descsz = size, .n_type = type };
    memcpy(p, &h, sizeof h);
    memcpy(p + sizeof h, "CORE\0\0\0", 8);           /* "CORE" + NUL, padded to 8 */
    memcpy(p + sizeof h + 8, desc, size);
    return sizeof h + 8 + ((size + 3) & ~3u);
}

size_t core_headers(uint8_t *buf, size_t cap, const struct core_regs *r, int signal,
                    uint64_t ram_base, uint64_t ram_size)
{
    uint8_t prs[PRSTATUS_SIZE] = { 0 }, fp[FPSIMD_SIZE] = { 0 };
    uint16_t sig = (uint16_t)signal;
    uint32_t pid = 1;
    memcpy(prs, &signal, 4);                         /* pr_info.si_signo */
    memcpy(prs + PRSTATUS_CURSIG, &sig, 2);
    memcpy(prs + PRSTATUS_PID, &pid, 4);
    memcpy(prs + PRSTATUS_REG, r->x, 31 * 8);
    memcpy(prs + PRSTATUS_REG + 31 * 8, &r->sp, 8);
    memcpy(prs + PRSTATUS_REG + 32 * 8, &r->pc, 8);
    memcpy(prs + PRSTATUS_REG + 33 * 8, &r->pstate, 8);
    memcpy(fp, r->v, sizeof r->v);
    memcpy(fp + 512, &r->fpsr, 4);
    memcpy(fp + 516, &r->fpcr, 4);

    size_t phoff = sizeof(Elf64_Ehdr), notes = phoff + 2 * sizeof(Elf64_Phdr);
    size_t notes_size = 2 * (sizeof(Elf64_Nhdr) + 8) + PRSTATUS_SIZE + FPSIMD_SIZE;
    size_t data = (notes + notes_size + 4095) & ~(size_t)4095;
    if (cap < data)
        return 0;
    memset(buf, 0, data);
    Elf64_Ehdr eh = {
        .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT,
                     ELFOSABI_NONE },
        .e_type = ET_CORE, .e_machine = EM_AARCH64, .e_version = EV_CURRENT,
        .e_phoff = phoff, .e_ehsize = sizeof eh, .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 2,
    };
    Elf64_Phdr ph[2] = {
        { .p_type = PT_NOTE, .p_offset = notes, .p_filesz = notes_size, .p_align = 4 },
        { .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = data,
          .p_vaddr = ram_base, .p_paddr = ram_base, .p_filesz = ram_size, .p_memsz = ram_size,
          .p_align = 4096 },
    };
    memcpy(buf, &eh, sizeof eh);
    memcpy(buf + phoff, ph, sizeof ph);
    size_t n = notes;
    n += note(buf + n, NT_PRSTATUS, prs, PRSTATUS_SIZE);
    note(buf + n, NT_FPREGSET, fp, FPSIMD_SIZE);
    return data;
}
