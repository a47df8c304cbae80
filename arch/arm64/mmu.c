#include <arch/spinlock.h>
#include <arch/sysreg.h>
#include <arch/mmu.h>
#include <arch/el2_pagetable.h>

/* All CPUs share one table; writers take turns. */
static spinlock_t mmu_lock = SPINLOCK_INIT;

static int map_locked(uint64_t pa, uint64_t size, uint64_t prot)
{
	irqflags_t f = spin_lock_irqsave(&mmu_lock);
	int ret = el2_map_range(pa, size, prot);
	spin_unlock_irqrestore(&mmu_lock, f);
	return ret;
}

int mmu_map_ram(uint64_t pa, uint64_t size) { return map_locked(pa, size, EL2_PROT_RW); }
int mmu_map_device(uint64_t pa, uint64_t size) { return map_locked(pa, size, EL2_PROT_DEVICE); }
