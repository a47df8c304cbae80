/*
 * Attack class "irq": interrupt storms. SGIs to itself in a tight loop,
 * each taken by a handler; SGIs to vCPUs that do not exist (GICv3: any
 * affinity, target list or range selector; GICv2: interfaces and filters
 * that name nobody), none of which may arrive here; enable/pending storms
 * on every SPI through the distributor, each round taken in full; and the
 * virtual and (emulated) physical timers rearmed at zero from their own
 * handlers. Every storm must end, be counted right, and leave Mantle up.
 */
#include <stdio.h>
#include "attack.h"
#include "cpu.h"
#include "dtb.h"
#include "gic.h"
#include "mmio.h"
#include "smp.h"

#define SELF_SGIS       50000
#define NOBODY_SGIS     20000
#define SPI_ROUNDS      200
#define TIMER_SHOTS     5000
#define STORM_SGI       5
#define DRAIN_MS        200
#define GICD_ISENABLER  0x100
#define GICD_ISPENDR    0x200
#define GICD_ICPENDR    0x280
#define GICD_ICENABLER  0x180
#define GICD_SGIR       0xf00

static volatile unsigned int taken[GIC_MAX_INTID];
static volatile unsigned int timer_left;

static void count_irq(struct gic_irq *irq)
{
	taken[irq->intid]++;
}

static void vtimer_again(struct gic_irq *irq)
{
	taken[irq->intid]++;
	if (timer_left && --timer_left) {
		write_sysreg(cntv_tval_el0, 0);		/* fires again at once */
	} else {
		write_sysreg(cntv_ctl_el0, 0);
	}
	isb();
}

static void ptimer_again(struct gic_irq *irq)
{
	taken[irq->intid]++;
	if (timer_left && --timer_left)
		write_sysreg(cntp_tval_el0, 0);
	else
		write_sysreg(cntp_ctl_el0, 0);
	isb();
}

/*
 * Lets pending interrupts in for up to ms, until *count reaches want. It
 * polls: a WFI with nothing due to wake it is what Mantle takes for a
 * crashed guest.
 */
static void drain(volatile unsigned int *count, unsigned int want, unsigned int ms)
{
	uint64_t deadline = counter_deadline_ms(ms);

	irq_unmask();
	while (*count < want && counter_now() < deadline)
		;
	irq_mask();
}

static void self_storm(struct attack_class *c)
{
	unsigned int before = taken[STORM_SGI];
	uint64_t t0 = time_ms();

	gic_set_handler(STORM_SGI, count_irq);
	gic_enable(STORM_SGI);
	irq_unmask();
	for (unsigned int i = 0; i < SELF_SGIS; i++)
		gic_send_sgi_self(STORM_SGI);
	irq_mask();
	drain(&taken[STORM_SGI], before + 1, DRAIN_MS);
	/* Sends while one is pending merge, so fewer may be taken; never more, never none. */
	if (taken[STORM_SGI] - before == 0 || taken[STORM_SGI] - before > SELF_SGIS)
		attack_escape(c, "%u SGIs to itself, %u taken", SELF_SGIS, taken[STORM_SGI] - before);
	else
		attack_count(c, AO_HANDLED);
	printf("fw: attack: irq: %u SGIs to itself, %u taken, in %llu ms\n", SELF_SGIS,
	       taken[STORM_SGI] - before, (unsigned long long)(time_ms() - t0));
	if (gic_pending(STORM_SGI) || gic_active(STORM_SGI))
		attack_note(c, "SGI %u still pending or active after its storm", STORM_SGI);
}

/* SGIs addressed to nobody: none may arrive here. */
static void nobody_storm(struct attack_class *c)
{
	unsigned int before = taken[STORM_SGI], v2_ifaces = gic_v2_ifaces();

	for (unsigned int i = 0; i < NOBODY_SGIS; i++) {
		uint64_t r = attack_rand(c);

		if (gic_type() == GIC_V3) {
			/* Affinity 0.0.0 with only vCPUs past the last; or a cluster that does not exist. */
			uint64_t list = r & 0xffff, val;

			if (r & (1ULL << 63))
				val = (list & ~((1ULL << smp_ncpus()) - 1)) | (list ? 0 : 1ULL << 15);
			else
				val = list | ((r >> 16) & 0xff00ff00ff0000ULL) | ((r & 0xf00000) << 24) |
				      1ULL << 16;		/* Aff1 >= 1 */
			write_sysreg(icc_sgi1r_el1, val | (uint64_t)STORM_SGI << 24);
			isb();
		} else {
			/* Interfaces past the last one; or filter 3, which is reserved. */
			uint32_t list = (uint32_t)(r >> 8) & (0xffu << v2_ifaces) & 0xff;
			uint32_t filter = list ? 0 : 3;

			wr32(platform.gicd + GICD_SGIR, filter << 24 | list << 16 | STORM_SGI);
		}
		attack_count(c, AO_HANDLED);
	}
	drain(&taken[STORM_SGI], before + 1, 20);
	if (taken[STORM_SGI] != before || gic_pending(STORM_SGI))
		attack_escape(c, "an SGI sent to vCPUs that do not exist arrived here (%u taken)",
			      taken[STORM_SGI] - before);
	printf("fw: attack: irq: %u SGIs to vCPUs that do not exist, %u arrived here\n", NOBODY_SGIS,
	       taken[STORM_SGI] - before);
}

/* Every SPI enabled and made pending, round after round: each round is taken in full. */
static void spi_storm(struct attack_class *c)
{
	unsigned int nr = gic_nr_irqs(), spis = nr > 32 ? nr - 32 : 0, total = 0, expected;
	static volatile unsigned int round_taken;

	if (!spis)
		return;
	for (unsigned int i = 32; i < nr; i++) {
		gic_set_handler(i, count_irq);
		gic_set_edge(i, 1);	/* edge: taken once per set-pending, whatever its line does */
		gic_route_to_self(i);
	}
	for (unsigned int r = 0; r < SPI_ROUNDS; r++) {
		unsigned int before = 0;

		for (unsigned int i = 32; i < nr; i++)
			before += taken[i];
		for (unsigned int i = 32; i < nr; i += 32) {
			wr32(platform.gicd + GICD_ISENABLER + i / 8, ~0u);
			wr32(platform.gicd + GICD_ISPENDR + i / 8, ~0u);
		}
		round_taken = 0;
		irq_unmask();
		for (uint64_t deadline = counter_deadline_ms(DRAIN_MS); counter_now() < deadline;) {
			unsigned int now = 0;

			for (unsigned int i = 32; i < nr; i++)
				now += taken[i];
			if (now - before >= spis)
				break;
		}
		irq_mask();
		for (unsigned int i = 32; i < nr; i++)
			round_taken += taken[i];
		total += round_taken - before;
		/* Toggle everything off and pending again while disabled: nothing may come. */
		for (unsigned int i = 32; i < nr; i += 32) {
			wr32(platform.gicd + GICD_ICENABLER + i / 8, ~0u);
			wr32(platform.gicd + GICD_ISPENDR + i / 8, ~0u);
			wr32(platform.gicd + GICD_ICPENDR + i / 8, ~0u);
		}
		attack_count(c, AO_HANDLED);
	}
	expected = SPI_ROUNDS * spis;
	printf("fw: attack: irq: %u rounds of %u SPIs pending at once: %u taken (expected %u)\n", SPI_ROUNDS,
	       spis, total, expected);
	if (total < expected)
		attack_note(c, "SPI storm: %u of %u interrupts taken", total, expected);
	else if (total > expected)
		attack_escape(c, "SPI storm: %u interrupts taken, only %u made pending", total, expected);
}

static void timer_storm(struct attack_class *c, int physical);

static void vtimer_storm(struct attack_class *c)
{
	timer_storm(c, 0);
}

static void ptimer_storm(struct attack_class *c)
{
	timer_storm(c, 1);
}

static void timer_storm(struct attack_class *c, int physical)
{
	unsigned int intid = platform.timer_intid[physical ? TIMER_PHYS : TIMER_VIRT], before = taken[intid];
	uint64_t esr = 0;

	gic_set_handler(intid, physical ? ptimer_again : vtimer_again);
	gic_enable(intid);
	timer_left = TIMER_SHOTS;
	if (physical) {
		write_sysreg(cntp_tval_el0, 0);
		write_sysreg(cntp_ctl_el0, 1);
	} else {
		write_sysreg(cntv_tval_el0, 0);
		write_sysreg(cntv_ctl_el0, 1);
	}
	isb();
	drain(&taken[intid], before + TIMER_SHOTS, 5000);
	if (physical)
		write_sysreg(cntp_ctl_el0, 0);
	else
		write_sysreg(cntv_ctl_el0, 0);
	isb();
	gic_disable(intid);
	printf("fw: attack: irq: %s timer rearmed at 0 %u times: %u interrupts\n",
	       physical ? "physical" : "virtual", TIMER_SHOTS, taken[intid] - before);
	if (taken[intid] - before != TIMER_SHOTS)
		attack_note(c, "%s timer storm: %u of %u interrupts", physical ? "physical" : "virtual",
			    taken[intid] - before, TIMER_SHOTS);
	attack_count(c, esr ? AO_FAULT : AO_HANDLED);
}

void attack_irq(struct attack_class *c)
{
	void (*const storms[])(struct attack_class *) = {
		self_storm, nobody_storm, spi_storm, vtimer_storm, ptimer_storm,
	};

	if (gic_init() || gic_cpu_init()) {
		attack_note(c, "no GIC: %s", gic_error());
		return;
	}
	for (unsigned int i = 0; i < sizeof(storms) / sizeof(storms[0]); i++) {
		uint64_t start = attack_host_ms();

		storms[i](c);
		printf("fw: attack: irq: (host time %llu..%llu ms)\n", (unsigned long long)start,
		       (unsigned long long)attack_host_ms());
	}
	gic_init();
}
