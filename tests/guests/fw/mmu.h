/*
 * The firmware's identity map (mmu.c builds it, start.S turns it on).
 *
 * One level-1 table of 1 GiB blocks (4K granule, 39-bit VA):
 *   [0, 1 GiB)              Device-nGnRE, never executable (all devices)
 *   [1 GiB, PA range limit) Normal write-back, executable (RAM, and what lies
 *                           above it, so that the isolation tests reach
 *                           stage 2 instead of faulting in this table)
 */
#ifndef FW_MMU_H
#define FW_MMU_H

#define MMU_VA_BITS     39
#define MMU_ATTR_DEVICE 1	/* MAIR_EL1 index: Device-nGnRE */
#define MMU_ATTR_NORMAL 2	/* MAIR_EL1 index: Normal, write-back */

/* Level-1 block descriptor bits (a 1 GiB block, 4K granule). */
#define PTE_BLOCK       (1ULL << 0)
#define PTE_ATTR(idx)   ((uint64_t)(idx) << 2)
#define PTE_SH_INNER    (3ULL << 8)
#define PTE_AF          (1ULL << 10)
#define PTE_PXN         (1ULL << 53)
#define PTE_UXN         (1ULL << 54)

/* Attr0 Device-nGnRnE (0x00), Attr1 Device-nGnRE (0x04), Attr2 Normal WB RW-allocate (0xff). */
#define MMU_MAIR        0xff0400

/*
 * TCR_EL1: T0SZ = 64 - 39, inner/outer write-back write-allocate walks (1 << 8,
 * 1 << 10), inner shareable (3 << 12), 4K granule, no TTBR1 walks (EPD1,
 * 1 << 23). IPS (bits 34:32) comes from ID_AA64MMFR0_EL1.PARange, capped at
 * MMU_MAX_PARANGE (48 bits: 52 needs LPA2 with 4K pages).
 */
#define MMU_TCR         ((64 - MMU_VA_BITS) | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23))
#define MMU_MAX_PARANGE 5

/* SCTLR_EL1: RES1 bits (29, 28, 23, 22, 20, 11) + M, C, SA, I. */
#define MMU_SCTLR       0x30d0180d

#ifndef __ASSEMBLY__
/* Fills the table (boot CPU, MMU off, before mmu_enable). */
void mmu_build_tables(void);
extern unsigned long long mmu_l1_table[];
#endif

#endif
