/* Secondary vCPU bring-up over PSCI (see smp.h). */
#include <stdio.h>
#include "console.h"
#include "cpu.h"
#include "psci.h"
#include "smp.h"

struct secondary {
	volatile uint32_t up;		/* set by the secondary once it runs C */
	volatile uint32_t release;	/* set by the boot CPU: go to CPU_OFF */
	void (*fn)(void *);		/* run once up, if set */
	void *arg;
};

static unsigned int ncpus = 1;
static uint64_t mpidrs[FW_MAX_CPUS];
static struct secondary secondaries[FW_MAX_CPUS];
static unsigned int checkins;	/* atomic */

void smp_init(const struct platform *p)
{
	uint64_t self = cpu_mpidr();

	mpidrs[0] = self;
	for (unsigned int i = 0; i < p->ncpus && ncpus < FW_MAX_CPUS; i++)
		if (p->mpidr[i] != self)
			mpidrs[ncpus++] = p->mpidr[i];
}

unsigned int smp_ncpus(void)
{
	return ncpus;
}

uint64_t smp_mpidr(unsigned int id)
{
	return mpidrs[id];
}

unsigned int smp_checkins(void)
{
	return __atomic_load_n(&checkins, __ATOMIC_ACQUIRE);
}

int32_t smp_start_fn(unsigned int id, void (*fn)(void *), void *arg)
{
	secondaries[id].up = 0;
	secondaries[id].release = 0;
	secondaries[id].fn = fn;
	secondaries[id].arg = arg;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return psci_cpu_on(mpidrs[id], (uintptr_t)secondary_entry, id);
}

int32_t smp_start(unsigned int id)
{
	return smp_start_fn(id, NULL, NULL);
}

int smp_wait_up(unsigned int id, unsigned int timeout_ms)
{
	uint64_t start = time_ms();

	/* YIELD: under QEMU's round-robin TCG the other CPU may only run once we give way. */
	while (!__atomic_load_n(&secondaries[id].up, __ATOMIC_ACQUIRE)) {
		if (time_ms() - start > timeout_ms)
			return 0;
		__asm__ volatile("yield");
	}
	return 1;
}

void smp_release(unsigned int id)
{
	__atomic_store_n(&secondaries[id].release, 1, __ATOMIC_RELEASE);
	__asm__ volatile("dsb ish\n sev" : : : "memory");
}

int32_t smp_wait_affinity(unsigned int id, int32_t want, unsigned int timeout_ms)
{
	uint64_t start = time_ms();
	int32_t state;

	while ((state = psci_affinity_info(mpidrs[id])) != want && time_ms() - start <= timeout_ms)
		__asm__ volatile("yield");
	return state;
}

/* start.S jumps here on a started secondary, on its own stack, MMU on. */
void secondary_main(unsigned int id);
void secondary_main(unsigned int id)
{
	int32_t ret;

	cpu_init(id);
	__atomic_fetch_add(&checkins, 1, __ATOMIC_ACQ_REL);
	printf("cpu %u up\n", id);
	__atomic_store_n(&secondaries[id].up, 1, __ATOMIC_RELEASE);
	if (secondaries[id].fn)
		secondaries[id].fn(secondaries[id].arg);
	while (!__atomic_load_n(&secondaries[id].release, __ATOMIC_ACQUIRE))
		__asm__ volatile("wfe");
	ret = psci_call(PSCI_CPU_OFF, 0, 0, 0);
	fw_panic("cpu %u: CPU_OFF returned %d", id, (int)ret);
}
