/*
 * The attack suite's movable 1 GiB window (attack.h): the last entry of the
 * identity map's level-1 table, which normally maps 511 GiB to itself, is
 * pointed elsewhere for a while. Nothing else the firmware uses lives there.
 */
#include "attack.h"
#include "cpu.h"
#include "mmu.h"

#define GIB          (1ULL << 30)
#define WINDOW_SLOT  511
#define WINDOW_VA    ((uint64_t)WINDOW_SLOT * GIB)
#define OA_LIMIT     (1ULL << 48)	/* a 4K-granule block maps at most 48 address bits */

static uint64_t saved;		/* the identity entry, while the window is moved */
static int moved;
static uint64_t current;	/* what the slot holds now */

static void set_slot(uint64_t entry)
{
	if (entry == current && moved)
		return;
	mmu_l1_table[WINDOW_SLOT] = entry;
	/* The new entry in memory, the old translation gone, before the next access through it. */
	__asm__ volatile("dsb ishst\n tlbi vmalle1\n dsb ish\n ic iallu\n dsb ish\n isb" : : : "memory");
	current = entry;
}

uintptr_t attack_window(uint64_t addr, enum window_kind kind)
{
	uint64_t base = addr & ~(GIB - 1), entry = base | PTE_BLOCK | PTE_AF;

	if (addr >= OA_LIMIT)
		return 0;
	if (!moved) {
		saved = mmu_l1_table[WINDOW_SLOT];
		current = saved;
	}
	switch (kind) {
	case WINDOW_DEVICE:
		entry |= PTE_ATTR(MMU_ATTR_DEVICE) | PTE_PXN | PTE_UXN;
		break;
	case WINDOW_NORMAL:
		entry |= PTE_ATTR(MMU_ATTR_NORMAL) | PTE_SH_INNER | PTE_PXN | PTE_UXN;
		break;
	case WINDOW_EXEC:
		entry |= PTE_ATTR(MMU_ATTR_NORMAL) | PTE_SH_INNER | PTE_UXN;
		break;
	}
	set_slot(entry);
	moved = 1;
	return (uintptr_t)(WINDOW_VA + (addr - base));
}

void attack_window_close(void)
{
	if (!moved)
		return;
	set_slot(saved);
	moved = 0;
}
