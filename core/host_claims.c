#include <string.h>
#include <arch/spinlock.h>
#include <mantle/host_claims.h>
#include <mantle/irq.h>

#define CLAIMS_MAX 64

struct claim {
	uint64_t base, size;     /* size 0: an interrupt, base = INTID */
	const char *owner;       /* NULL: free slot */
};

static struct claim claims[CLAIMS_MAX];
static spinlock_t claims_lock = SPINLOCK_INIT;

static int claim(uint64_t base, uint64_t size, bool is_irq, const char *owner, const char **holder)
{
	irqflags_t f = spin_lock_irqsave(&claims_lock);
	struct claim *free_slot = NULL;

	for (unsigned i = 0; i < CLAIMS_MAX; i++) {
		struct claim *c = &claims[i];
		bool clash;
		if (!c->owner) {
			free_slot = free_slot ? free_slot : c;
			continue;
		}
		clash = is_irq ? (c->size == 0 && c->base == base)
			       : (c->size && base < c->base + c->size && c->base < base + size);
		if (clash) {
			*holder = c->owner;
			spin_unlock_irqrestore(&claims_lock, f);
			return -1;
		}
	}
	if (!free_slot) {
		*holder = "(no room to record more claims)";
		spin_unlock_irqrestore(&claims_lock, f);
		return -1;
	}
	*free_slot = (struct claim){ base, is_irq ? 0 : size, owner };
	spin_unlock_irqrestore(&claims_lock, f);
	return 0;
}

int host_claim_mmio(uint64_t base, uint64_t size, const char *owner, const char **holder)
{
	return size ? claim(base, size, false, owner, holder) : -1;
}

int host_claim_irq(uint32_t intid, const char *owner, const char **holder)
{
	/* An interrupt Mantle handles itself is Mantle's. */
	if (irq_name(intid)) {
		*holder = irq_name(intid);
		return -1;
	}
	return claim(intid, 0, true, owner, holder);
}

void host_release_all(const char *owner)
{
	irqflags_t f = spin_lock_irqsave(&claims_lock);

	for (unsigned i = 0; i < CLAIMS_MAX; i++)
		if (claims[i].owner == owner)
			claims[i].owner = NULL;
	spin_unlock_irqrestore(&claims_lock, f);
}
