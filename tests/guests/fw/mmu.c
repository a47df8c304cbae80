/*
 * The identity map's table (layout in mmu.h). With the MMU off every data
 * access is Device memory, where picolibc's string functions (unaligned
 * accesses) fault and exclusives may not work: start.S turns the MMU on
 * before any C but this runs. This file runs with the MMU off: built
 * -mstrict-align, calls no libc.
 */
#include "cpu.h"
#include "mmu.h"

#define L1_ENTRIES 512
#define GIB        (1ULL << 30)

unsigned long long mmu_l1_table[L1_ENTRIES] __attribute__((aligned(4096)));

static unsigned int pa_bits(void)
{
	static const unsigned char bits[MMU_MAX_PARANGE + 1] = { 32, 36, 40, 42, 44, 48 };
	unsigned int field = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	return bits[field > MMU_MAX_PARANGE ? MMU_MAX_PARANGE : field];
}

void mmu_build_tables(void)
{
	unsigned int bits = pa_bits();
	uint64_t limit = bits >= MMU_VA_BITS ? L1_ENTRIES : (1ULL << bits) / GIB;

	mmu_l1_table[0] = PTE_BLOCK | PTE_ATTR(MMU_ATTR_DEVICE) | PTE_AF | PTE_PXN | PTE_UXN;
	for (uint64_t i = 1; i < limit; i++)
		mmu_l1_table[i] = (i * GIB) | PTE_BLOCK | PTE_ATTR(MMU_ATTR_NORMAL) |
				  PTE_SH_INNER | PTE_AF | PTE_UXN;
}
