/*
 * Host stand-in for arch/arm64/include/arch/irqflags.h, for unit tests.
 * There is one "CPU" and no interrupts: a flag remembers whether they would be
 * masked, so a test can check that the code under test leaves the mask as it
 * found it.
 */
#ifndef ARCH_IRQFLAGS_H
#define ARCH_IRQFLAGS_H
#include <stdint.h>
#include <stdbool.h>

typedef uint64_t irqflags_t;

/* PSTATE.I as it sits in DAIF, so saved flags look like the real ones. */
#define FAKE_IRQ_MASK_BIT (1ULL << 7)

/*
 * Weak so that every translation unit including this header shares a single
 * definition without the fake arch needing a .c file of its own.
 */
__attribute__((weak)) bool fake_irqs_masked;

static inline irqflags_t arch_irq_save(void)
{
	irqflags_t flags = fake_irqs_masked ? FAKE_IRQ_MASK_BIT : 0;

	fake_irqs_masked = true;
	return flags;
}

static inline void arch_irq_restore(irqflags_t flags)
{
	fake_irqs_masked = (flags & FAKE_IRQ_MASK_BIT) != 0;
}

static inline void arch_irq_enable(void)
{
	fake_irqs_masked = false;
}

static inline void arch_irq_disable(void)
{
	fake_irqs_masked = true;
}

static inline bool arch_irqs_disabled(void)
{
	return fake_irqs_masked;
}

#endif
