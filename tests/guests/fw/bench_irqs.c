/*
 * Interrupt paths between the two first CPUs and from the virtual timer:
 * an SGI round trip to a CPU that is running and to one waiting in WFI, and
 * the time from a timer deadline to its handler, running and in WFI.
 */
#include <stdio.h>
#include "bench.h"
#include "dtb.h"
#include "gic.h"
#include "psci.h"
#include "smp.h"

#define ROUNDS         100
#define SGI_PING       14
#define SGI_PONG       15
#define WAIT_MS        1000
#define TIMER_TICKS    64	/* the deadline, this many counter ticks ahead */
#define CNTV_ENABLE    1u
#define CNTV_IMASK     2u

static volatile int partner_sleeps, partner_stop, partner_ready;

static void pong_seen(struct gic_irq *irq)
{
	(void)irq;
	bench_mark_fired();
}

static void ping_answer(struct gic_irq *irq)
{
	(void)irq;
	gic_send_sgi(SGI_PONG, 0);
}

/* CPU 1: answers every PING with a PONG, spinning or sleeping in WFI as CPU 0 says. */
static void ping_partner(void *arg)
{
	(void)arg;
	bench_pmu_init();
	if (gic_cpu_init())
		return;
	gic_set_priority(SGI_PING, 0x80);
	gic_enable(SGI_PING);
	partner_ready = 1;
	irq_unmask();
	while (!partner_stop) {
		if (partner_sleeps)
			__asm__ volatile("dsb sy\n wfi" : : : "memory");
		else
			__asm__ volatile("yield");
	}
	irq_mask();
	gic_cpu_off();
}

static void sgi_round_trips(const char *name, int sleeps)
{
	unsigned int n = 0;

	partner_sleeps = sleeps;
	for (unsigned int i = 0; i < ROUNDS; i++) {
		uint64_t t0;

		bench_fired = 0;
		t0 = bench_now();
		gic_send_sgi(SGI_PING, 1);
		if (!bench_wait_fired(0, WAIT_MS))
			break;
		bench_samples[n++] = bench_delta(t0, bench_stamp);
	}
	if (n < ROUNDS)
		bench_skip(name, "no answer from CPU 1");
	else
		bench_report(name, bench_samples, n);
}

static void sgi_benchmarks(void)
{
	if (smp_ncpus() < 2) {
		bench_skip("ipi_roundtrip", "one CPU");
		bench_skip("wfi_wakeup_roundtrip", "one CPU");
		return;
	}
	gic_set_handler(SGI_PING, ping_answer);
	gic_set_handler(SGI_PONG, pong_seen);
	gic_set_priority(SGI_PONG, 0x80);
	gic_enable(SGI_PONG);
	partner_stop = 0;
	partner_ready = 0;
	partner_sleeps = 0;
	if (smp_start_fn(1, ping_partner, NULL) != 0 || !smp_wait_up(1, SMP_TIMEOUT_MS)) {
		bench_skip("ipi_roundtrip", "CPU 1 did not start");
		return;
	}
	uint64_t deadline = counter_deadline_ms(WAIT_MS);
	while (!partner_ready && counter_now() < deadline)
		__asm__ volatile("yield");
	irq_unmask();
	sgi_round_trips("ipi_roundtrip", 0);
	sgi_round_trips("wfi_wakeup_roundtrip", 1);
	irq_mask();
	partner_stop = 1;
	gic_send_sgi(SGI_PING, 1);	/* out of WFI to see stop */
	smp_release(1);
	smp_wait_affinity(1, PSCI_AFFINITY_OFF, SMP_TIMEOUT_MS);
	gic_disable(SGI_PONG);
}

static void timer_fired(struct gic_irq *irq)
{
	(void)irq;
	bench_stamp = bench_now();
	write_sysreg(cntv_ctl_el0, CNTV_IMASK);	/* before the waiter may arm it again */
	bench_fired = 1;
}

/* Deadline to handler, in cycles: the deadline is set on a counter tick edge. */
static void timer_latency(const char *name, int sleep)
{
	uint64_t ns_per_tick = 1000000000ull / read_sysreg(cntfrq_el0);
	unsigned int n = 0;

	for (unsigned int i = 0; i < ROUNDS; i++) {
		uint64_t c0 = counter_now(), c1, p0;

		while ((c1 = counter_now()) == c0)
			;
		p0 = bench_now();
		bench_fired = 0;
		write_sysreg(cntv_cval_el0, c1 + TIMER_TICKS);
		write_sysreg(cntv_ctl_el0, CNTV_ENABLE);
		isb();
		if (!bench_wait_fired(sleep, WAIT_MS))
			break;
		uint64_t due = p0 + TIMER_TICKS * ns_per_tick;
		bench_samples[n++] = bench_stamp > due ? bench_stamp - due : 0;
	}
	write_sysreg(cntv_ctl_el0, 0);
	if (n < ROUNDS)
		bench_skip(name, "the timer did not fire");
	else
		bench_report(name, bench_samples, n);
}

static void timer_benchmarks(void)
{
	unsigned int intid = platform.timer_intid[TIMER_VIRT];

	gic_set_handler(intid, timer_fired);
	gic_set_priority(intid, 0x80);
	gic_enable(intid);
	irq_unmask();
	timer_latency("vtimer_running", 0);
	timer_latency("vtimer_wfi", 1);
	irq_mask();
	gic_disable(intid);
}

void bench_irqs(void)
{
	if (platform.gic == GIC_NONE || gic_init()) {
		bench_skip("interrupts", "no interrupt controller");
		return;
	}
	sgi_benchmarks();
	timer_benchmarks();
}
