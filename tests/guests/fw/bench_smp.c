/*
 * Lock hand-over: every CPU takes a ticket lock in turn, waiting with WFE
 * as Linux's spinlocks do. Run with more vCPUs than host CPUs it shows what
 * a preempted lock holder costs the waiters (and what yielding on WFE saves).
 */
#include <stdio.h>
#include "bench.h"
#include "dtb.h"
#include "psci.h"
#include "smp.h"

#define ACQUIRES   100	/* per CPU */
#define CRITICAL   20	/* shared-counter increments inside the lock */
#define OUTSIDE    100	/* iterations of private work between acquisitions */
#define WAIT_MS    20000

struct ticket_lock {
	volatile uint32_t next, owner;
};

static struct ticket_lock lock;
static volatile uint64_t shared_counter;
static volatile unsigned int go, done;
static uint64_t waits[FW_MAX_CPUS][ACQUIRES];

static void lock_acquire(struct ticket_lock *l)
{
	uint32_t mine = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != mine)
		__asm__ volatile("wfe" : : : "memory");
}

static void lock_release(struct ticket_lock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
	__asm__ volatile("dsb ish\n sev" : : : "memory");
}

static void contend(unsigned int cpu)
{
	volatile uint64_t private_work = 0;

	for (unsigned int i = 0; i < ACQUIRES; i++) {
		uint64_t t0 = bench_now();

		lock_acquire(&lock);
		waits[cpu][i] = bench_delta(t0, bench_now());
		for (unsigned int k = 0; k < CRITICAL; k++)
			shared_counter++;
		lock_release(&lock);
		for (unsigned int k = 0; k < OUTSIDE; k++)
			private_work++;
		/*
		 * Natively, QEMU's round-robin TCG would otherwise run each CPU's
		 * whole loop in one turn, uncontended: give way once a round.
		 */
		__asm__ volatile("yield");
	}
	__atomic_fetch_add(&done, 1, __ATOMIC_ACQ_REL);
}

static void contender(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;

	bench_pmu_init();
	while (!go)
		__asm__ volatile("wfe" : : : "memory");
	contend(cpu);
}

void bench_smp(void)
{
	unsigned int cpus = smp_ncpus() < FW_MAX_CPUS ? smp_ncpus() : FW_MAX_CPUS;
	unsigned int started = 1, n = 0;
	uint64_t t0, total;

	if (cpus < 2) {
		bench_skip("spinlock_wait", "one CPU");
		return;
	}
	lock.next = lock.owner = 0;
	shared_counter = 0;
	go = done = 0;
	for (unsigned int c = 1; c < cpus; c++)
		if (smp_start_fn(c, contender, (void *)(uintptr_t)c) == 0 && smp_wait_up(c, SMP_TIMEOUT_MS))
			started++;
	if (started != cpus) {
		bench_skip("spinlock_wait", "a CPU did not start");
		return;
	}
	t0 = bench_now();
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	__asm__ volatile("dsb ish\n sev" : : : "memory");
	contend(0);
	uint64_t deadline = counter_deadline_ms(WAIT_MS);
	while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) < cpus && counter_now() < deadline)
		__asm__ volatile("wfe" : : : "memory");
	total = bench_delta(t0, bench_now());
	for (unsigned int c = 1; c < cpus; c++) {
		smp_release(c);
		smp_wait_affinity(c, PSCI_AFFINITY_OFF, SMP_TIMEOUT_MS);
	}
	if (done < cpus || shared_counter != (uint64_t)cpus * ACQUIRES * CRITICAL) {
		bench_skip("spinlock_wait", "the contenders did not finish, or the lock let two in");
		return;
	}
	for (unsigned int c = 0; c < cpus && n + ACQUIRES <= BENCH_MAX_SAMPLES; c++)
		for (unsigned int i = 0; i < ACQUIRES; i++)
			bench_samples[n++] = waits[c][i];
	bench_report("spinlock_wait", bench_samples, n);
	/* One figure per hand-over: the whole run over every acquisition. */
	bench_samples[0] = total / ((uint64_t)cpus * ACQUIRES);
	bench_report("spinlock_handover_avg", bench_samples, 1);
}
