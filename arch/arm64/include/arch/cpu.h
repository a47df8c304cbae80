/* Per-CPU identity, the system counter, and idling. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H
#include <stdint.h>
#include <arch/sysreg.h>

/* TPIDR_EL2 holds this CPU's struct pcpu: the hypervisor never hands it to a guest. */
static inline void *arch_percpu_get(void) { return (void *)read_sysreg(tpidr_el2); }
static inline void arch_percpu_set(void *p) { write_sysreg(tpidr_el2, p); }

static inline uint64_t arch_mpidr(void) { return read_sysreg(mpidr_el1) & 0xFF00FFFFFFULL; }

static inline uint64_t arch_counter_read(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static inline uint64_t arch_counter_freq(void) { return read_sysreg(cntfrq_el0); }

static inline void arch_wait_for_interrupt(void) { wfi(); }

/*
 * Write dirty lines of [start, start+size) back to the point of coherency,
 * so an observer with caches off (a guest booting with its MMU off) sees
 * what the hypervisor wrote; then drop stale instructions everywhere.
 */
void arch_dcache_clean_range(uintptr_t start, uint64_t size);
void arch_icache_invalidate_all(void);

/* "Cortex-A57 r1p0" and the like, from MIDR_EL1. */
const char *arch_cpu_model(char *buf, unsigned len);
/* Stop this CPU for good, interrupts masked. */
void arch_cpu_halt(void) __attribute__((noreturn));

#endif
