/* Masking of physical interrupts on the local CPU (PSTATE.I). */
#ifndef ARCH_IRQFLAGS_H
#define ARCH_IRQFLAGS_H
#include <stdint.h>
#include <stdbool.h>

typedef uint64_t irqflags_t;

static inline irqflags_t arch_irq_save(void)
{
	irqflags_t flags;
	__asm__ volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(flags) : : "memory");
	return flags;
}

static inline void arch_irq_restore(irqflags_t flags)
{
	__asm__ volatile("msr daif, %0" : : "r"(flags) : "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

static inline bool arch_irqs_disabled(void)
{
	uint64_t daif;
	__asm__ volatile("mrs %0, daif" : "=r"(daif));
	return (daif & (1UL << 7)) != 0;
}

#endif
