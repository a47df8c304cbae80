/* The hypervisor's own stage-1 translation tables (EL2, 4K granule, 48-bit VA, identity). */
#ifndef ARCH_EL2_PAGETABLE_H
#define ARCH_EL2_PAGETABLE_H
#include <stdint.h>

#define PTE_VALID       (1UL << 0)
#define PTE_TABLE       (1UL << 1)   /* table at levels 0-2, page at level 3 */
#define PTE_ATTRINDX(i) ((uint64_t)(i) << 2)
#define PTE_AP_RES1     (1UL << 6)   /* AP[1] is RES1 in the single-privilege EL2 regime */
#define PTE_AP_RO       (1UL << 7)
#define PTE_SH_INNER    (3UL << 8)
#define PTE_AF          (1UL << 10)
#define PTE_XN          (1UL << 54)

/* Leaf attribute sets. */
#define EL2_PROT_TEXT   (PTE_ATTRINDX(MT_NORMAL) | PTE_AP_RES1 | PTE_AP_RO | PTE_SH_INNER | PTE_AF)
#define EL2_PROT_RO     (EL2_PROT_TEXT | PTE_XN)
#define EL2_PROT_RW     (PTE_ATTRINDX(MT_NORMAL) | PTE_AP_RES1 | PTE_SH_INNER | PTE_AF | PTE_XN)
#define EL2_PROT_DEVICE (PTE_ATTRINDX(MT_DEVICE_nGnRE) | PTE_AP_RES1 | PTE_AF | PTE_XN)

extern uint64_t el2_root_table[512];

/*
 * Identity-map [pa, pa + size) with the largest blocks alignment allows.
 * Addresses already mapped keep their mapping, so a later, coarser request
 * (all of RAM) cannot undo a finer one made earlier (the image's text being
 * read-only). Returns 0, or -1 when the table pool is exhausted.
 */
int el2_map_range(uint64_t pa, uint64_t size, uint64_t prot);

/* Table pages used so far, and the pool size. */
unsigned el2_pt_pages_used(void);
unsigned el2_pt_pages_total(void);

#endif
