/*
 * The guest's page tables: an identity map with 4 KiB granule, 36-bit VA
 * (64 GiB: RAM up to 16 GiB from 1 GiB, the rootfs at 32 GiB, memmap.h).
 *   - page 0 and everything that is not RAM or a device: unmapped (faults);
 *   - devices (GIC, UART, hypercall window): Device-nGnRE, never executable;
 *   - RAM: Normal write-back; the image page by page with W^X
 *     (text RX, rodata R, data/bss/stacks/heap RW + XN), a guard page under
 *     each stack; the rest of RAM in 2 MiB / 1 GiB blocks, RW + XN (a last,
 *     partial GiB through one more level-2 table, a tail under 2 MiB page
 *     by page).
 * Every table is a page the guest touches before main() (a stage-2 fault
 * each): hello needs three (devices' L2, RAM's L2, the image's L3). The
 * 36-bit L1 is 64 entries (512 bytes): it starts a page that the small .bss
 * variables share (guest.ld places it after the page-sized tables), so it
 * costs no page of its own.
 * Runs with the MMU off, before any libc call: only aligned 64-bit stores,
 * and no loops the compiler could turn into memset.
 */
#include <stddef.h>
#include <stdint.h>
#include "duet/layout.h"
#include "duet/memmap.h"

#define PAGE        4096ULL
#define BLOCK_2M    (2ULL << 20)
#define BLOCK_1G    (1ULL << 30)

#define DESC_VALID  1ULL
#define DESC_TABLE  3ULL             /* table (L1/L2) or page (L3) */
#define ATTR_DEVICE (0ULL << 2)      /* MAIR index 0 */
#define ATTR_NORMAL (1ULL << 2)      /* MAIR index 1 */
#define AP_RO       (2ULL << 6)
#define SH_INNER    (3ULL << 8)
#define AF          (1ULL << 10)
#define PXN         (1ULL << 53)
#define UXN         (1ULL << 54)

#define PROT_DEVICE (ATTR_DEVICE | AF | PXN | UXN)
#define PROT_RW     (ATTR_NORMAL | SH_INNER | AF | PXN | UXN)
#define PROT_RO     (PROT_RW | AP_RO)
#define PROT_RX     (ATTR_NORMAL | SH_INNER | AF | AP_RO | UXN)

#define L3_POOL     4   /* page-precise 2 MiB blocks: the image's, and RAM's tail */

#define VA_BITS     DUET_IPA_BITS
#define L1_ENTRIES  (1u << (VA_BITS - 30))

/* Sections guest.ld places first in .bss: the page-sized tables, then L1
 * (one section each, so the linker can still drop an unused one). */
#define TABLE(name) __attribute__((section(".bss.mmu_tables." #name)))
typedef uint64_t table_t[512] __attribute__((aligned(4096)));
static table_t l2_low TABLE(l2_low), l2_ram0 TABLE(l2_ram0), l2_ram_last TABLE(l2_ram_last);
static table_t l3_pool[L3_POOL] TABLE(l3_pool);
static uint64_t l1[L1_ENTRIES] __attribute__((aligned(4096), section(".bss.mmu_l1")));
static unsigned l3_used, l2_last_used;

/* Read by mmu_enable (boot.S). */
uint64_t mmu_mair, mmu_tcr, mmu_ttbr0, mmu_sctlr;
uint64_t guest_ram_end;

#define NO_MEMSET __attribute__((optimize("no-tree-loop-distribute-patterns")))

static uint64_t page_prot(uint64_t a)
{
    uint64_t text = (uintptr_t)__image_start, text_end = (uintptr_t)__text_end;
    if (a >= guest_ram_end || in_guard_page(a))
        return 0;
    if (a >= text && a < text_end)
        return PROT_RX;
    if (a >= text_end && a < (uintptr_t)__rodata_end)
        return PROT_RO;
    return PROT_RW;
}

static NO_MEMSET void map_block_2m(uint64_t *slot, uint64_t base)
{
    uint64_t img_lo = DUET_RAM_BASE, img_hi = (uintptr_t)__image_end;
    int precise = (base < img_hi && base + BLOCK_2M > img_lo) || base + BLOCK_2M > guest_ram_end;
    if (!precise) {
        *slot = base | PROT_RW | DESC_VALID;
        return;
    }
    if (l3_used == L3_POOL)
        return; /* image too large for the pool: left unmapped, faults loudly */
    uint64_t *l3 = l3_pool[l3_used++];
    for (unsigned i = 0; i < 512; i++) {
        uint64_t a = base + i * PAGE, prot = page_prot(a);
        l3[i] = prot ? (a | prot | DESC_TABLE) : 0;
    }
    *slot = (uint64_t)(uintptr_t)l3 | DESC_TABLE;
}

/* One GiB of RAM from `gib` through the level-2 table l2: 2 MiB blocks up to RAM's end. */
static NO_MEMSET void map_gib(uint64_t *l2, uint64_t gib)
{
    l1[gib / BLOCK_1G] = (uint64_t)(uintptr_t)l2 | DESC_TABLE;
    for (unsigned i = 0; i < 512; i++) {
        uint64_t base = gib + i * BLOCK_2M;
        if (base >= guest_ram_end)
            break;
        map_block_2m(&l2[i], base);
    }
}

static NO_MEMSET void map_ram(void)
{
    map_gib(l2_ram0, DUET_RAM_BASE);
    /* Beyond the first GiB: whole GiBs as 1 GiB blocks, a partial last one in 2 MiB blocks. */
    for (uint64_t g = DUET_RAM_BASE + BLOCK_1G; g < guest_ram_end; g += BLOCK_1G) {
        if (g + BLOCK_1G <= guest_ram_end) {
            l1[g / BLOCK_1G] = g | PROT_RW | DESC_VALID;
        } else {
            map_gib(l2_ram_last, g);
            l2_last_used = 1;
        }
    }
}

unsigned mmu_table_pages(void)
{
    /* The devices' L2, RAM's first L2, ...: L1 shares its page (see above). */
    return 2 + l2_last_used + l3_used;
}

static void map_devices(void)
{
    l1[0] = (uint64_t)(uintptr_t)l2_low | DESC_TABLE;
    static const uint64_t devices[] = {
        DUET_GICD_BASE,   /* GIC distributor, CPU interface, redistributors */
        0x09000000ULL,    /* qemu-virt: PL011 UART, PL031 RTC */
        DUET_HC_BASE,     /* Duet: hypercall window; qemu-virt: virtio-mmio */
    };
    for (unsigned i = 0; i < sizeof devices / sizeof devices[0]; i++)
        l2_low[devices[i] / BLOCK_2M] = (devices[i] & ~(BLOCK_2M - 1)) | PROT_DEVICE | DESC_VALID;
}

/* With the MMU off, these stores went straight to RAM: drop stale cache lines. */
static void invalidate(const void *p, uint64_t len)
{
    for (uint64_t a = (uintptr_t)p & ~63ULL; a < (uintptr_t)p + len; a += 64)
        __asm__ volatile("dc ivac, %0" :: "r"(a) : "memory");
    __asm__ volatile("dsb sy" ::: "memory");
}

/* ram_end_hint: what the host put in SP (Duet: the end of RAM), else junk. */
void mmu_init(const void *fdt, uint64_t ram_end_hint)
{
    (void)fdt;
    uint64_t min_end = (uintptr_t)__image_end + PAGE;
    if (ram_end_hint >= min_end && ram_end_hint <= DUET_RAM_BASE + DUET_RAM_MAX &&
        !(ram_end_hint & (PAGE - 1)))
        guest_ram_end = ram_end_hint;
    else
        guest_ram_end = DUET_RAM_BASE + (128ULL << 20); /* QEMU virt as tests boot it */
    map_devices();
    map_ram();
    /* Only the tables in use: maintenance of an untouched page would make
     * the host back it (a stage-2 fault and a zeroed page for nothing). */
    invalidate(&l1, sizeof l1);
    invalidate(&l2_low, sizeof l2_low);
    invalidate(&l2_ram0, sizeof l2_ram0);
    if (l2_last_used)
        invalidate(&l2_ram_last, sizeof l2_ram_last);
    invalidate(l3_pool, l3_used * sizeof l3_pool[0]);

    mmu_mair = 0x04ULL            /* index 0: Device-nGnRE */
             | (0xffULL << 8);    /* index 1: Normal, write-back read/write-allocate */
    mmu_tcr = (64 - VA_BITS)      /* T0SZ; walks start at level 1 */
            | (1ULL << 8)         /* IRGN0: write-back */
            | (1ULL << 10)        /* ORGN0: write-back */
            | (3ULL << 12)        /* SH0: inner shareable */
            | (1ULL << 23)        /* EPD1: no TTBR1 walks */
            | (2ULL << 32);       /* IPS: 40-bit physical */
    mmu_ttbr0 = (uint64_t)(uintptr_t)l1;
    mmu_sctlr = 0x30d00800ULL     /* RES1 bits */
              | (1ULL << 0)       /* M: MMU on */
              | (1ULL << 2)       /* C: data cache */
              | (1ULL << 3)       /* SA: SP alignment checked at EL1 */
              | (1ULL << 12)      /* I: instruction cache */
              | (1ULL << 19);     /* WXN: anything writable is never executable */
}

/* The level-2 table of RAM's first GiB: guest/sched/mmu_guard.c splits its
 * blocks to put guard pages under thread stacks. */
uint64_t *mmu_ram_table(void)
{
    return l2_ram0;
}

/*
 * Maps [base, base + size) read-only and never executable, in 2 MiB blocks,
 * after boot (the MMU is on): the boot archive (guest/rootfs.c). It must
 * lie inside one GiB that is either unused so far or the devices' first
 * GiB (qemu-virt's flash bank). The entries were invalid, so no TLB entry
 * can hold them: a barrier is enough. 0, or -1 if the range does not fit.
 */
int mmu_map_readonly(uint64_t base, uint64_t size)
{
    static table_t l2_ro TABLE(l2_ro);
    uint64_t g = base / BLOCK_1G;
    if (size == 0 || base % BLOCK_2M || size > BLOCK_1G || g >= L1_ENTRIES ||
        (base + size - 1) / BLOCK_1G != g)
        return -1;
    uint64_t *l2 = g == 0 ? l2_low : l1[g] == 0 ? l2_ro : NULL;
    if (!l2)
        return -1;
    for (uint64_t a = base; a < base + size; a += BLOCK_2M)
        if (l2[(a % BLOCK_1G) / BLOCK_2M])
            return -1;  /* a device is there */
    for (uint64_t a = base; a < base + size; a += BLOCK_2M)
        l2[(a % BLOCK_1G) / BLOCK_2M] = a | PROT_RO | DESC_VALID;
    if (g != 0) {
        __asm__ volatile("dsb ishst" ::: "memory");
        l1[g] = (uint64_t)(uintptr_t)l2_ro | DESC_TABLE;
    }
    __asm__ volatile("dsb ishst; isb" ::: "memory");
    return 0;
}
