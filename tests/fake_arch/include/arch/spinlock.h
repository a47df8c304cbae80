/*
 * Host stand-in for arch/arm64/include/arch/spinlock.h, for unit tests.
 * Tests are single-threaded, so a lock that is already held when taken would
 * deadlock on the target, and unlocking a free lock would corrupt its tickets:
 * both are reported as a cmocka failure at the caller's file and line instead.
 * fake_spin_held counts the locks currently held, so a test can check that
 * every path through the code under test released what it took.
 */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H
#include <stdint.h>
#include <arch/irqflags.h>

typedef struct {
	volatile int held;
} spinlock_t;

#define SPINLOCK_INIT { 0 }

/* Weak: one shared counter for all translation units (see irqflags.h). */
__attribute__((weak)) unsigned fake_spin_held;

/* cmocka's hook for assertions inside code under test. */
void mock_assert(const int result, const char *const expression,
		 const char *const file, const int line);

static inline void spin_init(spinlock_t *lock)
{
	lock->held = 0;
}

static inline void fake_spin_lock(spinlock_t *lock, const char *file, int line)
{
	mock_assert(!lock->held, "spin_lock: lock already held (self-deadlock)", file, line);
	lock->held = 1;
	fake_spin_held++;
}

static inline int spin_trylock(spinlock_t *lock)
{
	if (lock->held)
		return 0;
	lock->held = 1;
	fake_spin_held++;
	return 1;
}

static inline void fake_spin_unlock(spinlock_t *lock, const char *file, int line)
{
	mock_assert(lock->held, "spin_unlock: lock not held", file, line);
	lock->held = 0;
	fake_spin_held--;
}

static inline irqflags_t fake_spin_lock_irqsave(spinlock_t *lock, const char *file, int line)
{
	irqflags_t flags = arch_irq_save();

	fake_spin_lock(lock, file, line);
	return flags;
}

static inline void fake_spin_unlock_irqrestore(spinlock_t *lock, irqflags_t flags,
					       const char *file, int line)
{
	fake_spin_unlock(lock, file, line);
	arch_irq_restore(flags);
}

/* Macros so that a misuse is reported where the module made the call. */
#define spin_lock(lock)   fake_spin_lock((lock), __FILE__, __LINE__)
#define spin_unlock(lock) fake_spin_unlock((lock), __FILE__, __LINE__)
#define spin_lock_irqsave(lock) fake_spin_lock_irqsave((lock), __FILE__, __LINE__)
#define spin_unlock_irqrestore(lock, flags) \
	fake_spin_unlock_irqrestore((lock), (flags), __FILE__, __LINE__)

#endif
