/* Per-CPU state, system register access and time for the test firmware. */
#ifndef FW_CPU_H
#define FW_CPU_H

#define FW_MAX_CPUS   8
#define FW_STACK_SIZE 0x4000

#ifndef __ASSEMBLY__
#include <stdint.h>

#define read_sysreg(reg) ({ \
	uint64_t __val; \
	__asm__ volatile("mrs %0, " #reg : "=r"(__val)); \
	__val; })
#define write_sysreg(reg, val) \
	__asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(val)) : "memory")
#define isb() __asm__ volatile("isb" : : : "memory")

/* MPIDR_EL1 without the U and MT flag bits: Aff3 | Aff2 | Aff1 | Aff0. */
#define MPIDR_AFF_MASK 0xff00ffffffULL

struct cpu_local {
	unsigned int id;                /* logical number, 0 = the boot CPU */
	/* the fault catcher (fault.c) */
	volatile int catching;          /* armed: record and skip exceptions */
	volatile unsigned int faults;   /* exceptions taken while armed */
	volatile uint64_t esr, far, elr; /* of the first of them */
};

extern struct cpu_local cpu_local[FW_MAX_CPUS];

/* TPIDR_EL1 points at the running CPU's struct cpu_local (0 before cpu_init). */
static inline struct cpu_local *this_cpu(void)
{
	return (struct cpu_local *)read_sysreg(tpidr_el1);
}

/* IRQs at PSTATE (the ISB makes a pending one taken, or not, from the next instruction). */
static inline void irq_unmask(void)
{
	__asm__ volatile("msr daifclr, #2\n isb" : : : "memory");
}

static inline void irq_mask(void)
{
	__asm__ volatile("msr daifset, #2\n isb" : : : "memory");
}

/* Sets up the calling CPU's struct cpu_local and thread-local storage. */
void cpu_init(unsigned int id);

static inline uint64_t cpu_mpidr(void)
{
	return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
}

/* Milliseconds of the virtual counter. */
static inline uint64_t time_ms(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);

	isb();
	return read_sysreg(cntvct_el0) / (freq / 1000 ? freq / 1000 : 1);
}

/* The virtual counter, read after everything before it (CNTVCT_EL0 reads are not ordered). */
static inline uint64_t counter_now(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

/* The virtual counter's value ms milliseconds from now: a deadline for counter_now(). */
static inline uint64_t counter_deadline_ms(unsigned int ms)
{
	return counter_now() + read_sysreg(cntfrq_el0) / 1000 * ms;
}

/* start.S */
void secondary_entry(uint64_t context_id);
extern char _image_start[], _image_end[];

#endif /* !__ASSEMBLY__ */
#endif
