#include <arch/psci.h>
#include <arch/cpu.h>
#include <mantle/smp.h>
#include <mantle/percpu.h>
#include <mantle/timer.h>
#include <mantle/log.h>

void secondary_entry(void);

/* Generous: under TCG with -icount all CPUs share one host thread. */
#define CPU_START_TIMEOUT_NS 5000000000ULL

void smp_boot_secondaries(void)
{
	for (unsigned cpu = 1; cpu < nr_cpus_possible; cpu++) {
		struct pcpu *pc = &pcpus[cpu];
		uint64_t deadline;
		int ret = psci_cpu_on(pc->mpidr, (uint64_t)secondary_entry, cpu);

		if (ret != PSCI_SUCCESS) {
			pr_err("cpu%u (MPIDR %#llx): PSCI CPU_ON failed (%d)", cpu,
			       (unsigned long long)pc->mpidr, ret);
			continue;
		}
		/* Wait on the CPU's own flag; the time limit only catches a dead CPU. */
		deadline = timer_now_ns() + CPU_START_TIMEOUT_NS;
		while (!__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE) && timer_now_ns() < deadline)
			__asm__ volatile("yield");
		if (pc->online)
			pr_info("cpu%u (MPIDR %#llx) online", cpu, (unsigned long long)pc->mpidr);
		else
			pr_err("cpu%u (MPIDR %#llx) did not come up", cpu, (unsigned long long)pc->mpidr);
	}
}
