/*
 * Builder for the hypervisor's own EL2 stage-1 tables.
 *
 * Runs before the MMU is on (where all data accesses are Device memory), so
 * it is compiled with -mstrict-align and calls no libc: table pages come
 * from a static, already-zeroed pool.
 */
#include <stddef.h>
#include <arch/sysreg.h>
#include <arch/el2_pagetable.h>

#define ENTRIES         512
#define LEVEL_SHIFT(l)  (39 - 9 * (l))
#define ADDR_MASK       0x0000FFFFFFFFF000UL

uint64_t el2_root_table[ENTRIES] __attribute__((aligned(4096)));
static uint64_t pt_pool[CONFIG_EARLY_PT_PAGES][ENTRIES] __attribute__((aligned(4096)));
static unsigned pt_pool_used;

unsigned el2_pt_pages_used(void) { return pt_pool_used + 1; }
unsigned el2_pt_pages_total(void) { return CONFIG_EARLY_PT_PAGES + 1; }

static uint64_t *pt_alloc(void)
{
	if (pt_pool_used >= CONFIG_EARLY_PT_PAGES)
		return NULL;
	return pt_pool[pt_pool_used++];
}

static int map_level(uint64_t *table, int level, uint64_t va, uint64_t pa,
		     uint64_t size, uint64_t prot)
{
	uint64_t block = 1UL << LEVEL_SHIFT(level);

	while (size) {
		uint64_t *entry = &table[(va >> LEVEL_SHIFT(level)) & (ENTRIES - 1)];
		uint64_t chunk = block - (va & (block - 1));
		if (chunk > size)
			chunk = size;

		if (level == 3) {
			if (!(*entry & PTE_VALID))
				*entry = (pa & ADDR_MASK) | prot | PTE_VALID | PTE_TABLE;
		} else if (level >= 1 && chunk == block && !(pa & (block - 1)) &&
			   !(*entry & PTE_VALID)) {
			*entry = (pa & ADDR_MASK) | prot | PTE_VALID;
		} else if (!(*entry & PTE_VALID) || (*entry & PTE_TABLE)) {
			uint64_t *next;
			if (!(*entry & PTE_VALID)) {
				next = pt_alloc();
				if (!next)
					return -1;
				*entry = (uint64_t)next | PTE_VALID | PTE_TABLE;
			}
			next = (uint64_t *)(*entry & ADDR_MASK);
			if (map_level(next, level + 1, va, pa, chunk, prot))
				return -1;
		}
		/* else: a block already covers this range and stays as it is. */

		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

int el2_map_range(uint64_t pa, uint64_t size, uint64_t prot)
{
	uint64_t end = (pa + size + 0xFFF) & ~0xFFFUL;
	int ret;

	pa &= ~0xFFFUL;
	ret = map_level(el2_root_table, 0, pa, pa, end - pa, prot);
	/* New entries only fill invalid slots: no TLB maintenance needed. */
	dsb(ishst);
	isb();
	return ret;
}
