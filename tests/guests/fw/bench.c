/* The benchmark runner: mode, cycle counter, statistics and the BENCH lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "console.h"
#include "dtb.h"
#include "psci.h"
#include "shell.h"

#define PMCR_E     (1u << 0)
#define PMCR_LC    (1u << 6)	/* the cycle counter overflows at 64 bits */
#define PMCNTEN_C  (1u << 31)
#define PMCCFILTR_NSH (1u << 27)	/* count at EL2 as well */

uint64_t bench_samples[BENCH_MAX_SAMPLES];
volatile uint64_t bench_stamp;
volatile unsigned int bench_fired;
uint64_t bench_overhead;
static int have_pmu;

enum bench_host bench_host(void)
{
	if (strstr(platform.bootargs, "bench-host=mantle"))
		return BENCH_MANTLE;
	if (strstr(platform.bootargs, "bench-host=stub"))
		return BENCH_STUB;
	return BENCH_NATIVE;
}

void bench_pmu_init(void)
{
	unsigned int pmuver = (read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf;

	have_pmu = pmuver != 0 && pmuver != 0xf;
	if (!have_pmu)
		return;
	write_sysreg(pmccfiltr_el0, PMCCFILTR_NSH);
	write_sysreg(pmcntenset_el0, PMCNTEN_C);
	write_sysreg(pmcr_el0, read_sysreg(pmcr_el0) | PMCR_E | PMCR_LC);
	isb();
}

int bench_wait_fired(int sleep, unsigned int ms)
{
	uint64_t deadline = counter_deadline_ms(ms);

	while (!bench_fired && counter_now() < deadline) {
		if (sleep) {
			irq_mask();
			if (!bench_fired)
				__asm__ volatile("dsb sy\n wfi" : : : "memory");
			irq_unmask();
		} else {
			__asm__ volatile("yield");
		}
	}
	return bench_fired;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void bench_report(const char *name, uint64_t *samples, unsigned int n)
{
	if (!n) {
		bench_skip(name, "no samples");
		return;
	}
	qsort(samples, n, sizeof(*samples), cmp_u64);
	printf("BENCH %s n=%u min=%llu med=%llu p99=%llu unit=%s\n", name, n,
	       (unsigned long long)samples[0], (unsigned long long)samples[n / 2],
	       (unsigned long long)samples[(n * 99) / 100], have_pmu ? "cycles" : "ns");
	console_flush();
}

void bench_skip(const char *name, const char *why)
{
	printf("BENCH %s skipped: %s\n", name, why);
	console_flush();
}

/* What reading the counter twice costs: taken off every figure. */
static void measure_overhead(void)
{
	uint64_t best = ~0ull;

	bench_overhead = 0;
	for (int i = 0; i < 64; i++) {
		uint64_t t0 = bench_now(), t1 = bench_now();

		if (t1 - t0 < best)
			best = t1 - t0;
	}
	bench_overhead = best;
}

static void run_all(void)
{
	static const char *const hosts[] = { "native", "stub", "mantle" };

	bench_pmu_init();
	if (!have_pmu) {
		printf("BENCH: no PMU cycle counter: nothing to time\n");
		return;
	}
	measure_overhead();
	printf("BENCH start host=%s cpus=%u gic=%u overhead=%llu\n", hosts[bench_host()], platform.ncpus,
	       platform.gic == GIC_V3 ? 3 : 2, (unsigned long long)bench_overhead);
	bench_exits();
	if (bench_host() != BENCH_STUB) {
		bench_irqs();
		bench_smp();
		bench_io();
	}
}

void bench_main(void)
{
	if (strstr(platform.bootargs, "bench-partner")) {
		for (;;)
			bench_partner();
	}
	run_all();
	printf("BENCH DONE\n");
	console_flush();
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		shell_run();
}
