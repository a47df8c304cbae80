/* Adding to the hypervisor's identity map once the MMU is on. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H
#include <stdint.h>

/* Normal cacheable, read-write, never executable. 0 or -1 (table pool exhausted). */
int mmu_map_ram(uint64_t pa, uint64_t size);
/* Device-nGnRE, read-write, never executable. */
int mmu_map_device(uint64_t pa, uint64_t size);

#endif
