/* Ticket spinlock: fair between CPUs, so a busy CPU cannot starve another. */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H
#include <stdint.h>
#include <arch/irqflags.h>

typedef struct {
	volatile uint16_t owner;
	volatile uint16_t next;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_init(spinlock_t *lock)
{
	lock->owner = 0;
	lock->next = 0;
}

static inline void spin_lock(spinlock_t *lock)
{
	uint16_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket)
		__asm__ volatile("yield");
}

static inline int spin_trylock(spinlock_t *lock)
{
	uint16_t owner = __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);
	uint16_t expected = owner;
	if (__atomic_load_n(&lock->next, __ATOMIC_RELAXED) != owner)
		return 0;
	return __atomic_compare_exchange_n(&lock->next, &expected, owner + 1, 0,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *lock)
{
	__atomic_store_n(&lock->owner, lock->owner + 1, __ATOMIC_RELEASE);
}

static inline irqflags_t spin_lock_irqsave(spinlock_t *lock)
{
	irqflags_t flags = arch_irq_save();
	spin_lock(lock);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *lock, irqflags_t flags)
{
	spin_unlock(lock);
	arch_irq_restore(flags);
}

#endif
