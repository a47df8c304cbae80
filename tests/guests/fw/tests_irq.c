/*
 * Interrupts: SGIs, priorities, enables and the active state of the GIC the
 * DTB names (gic.c), and the EL1 virtual and physical timers through it.
 *
 * On request only ("run irq"): a guest without an interrupt controller in
 * its DTB fails every test here ("no interrupt controller in the DTB").
 *
 * IRQs are masked at PSTATE everywhere but inside these tests. Whatever must
 * arrive is waited for (up to DELIVER_MS: only a failing test waits that
 * long); whatever must not is given SETTLE_MS to arrive anyway. Latency
 * bounds are in counter time, which goes on while the host does not run
 * us: each is tried up to LATENCY_TRIES times and the best try counts; what
 * is checked for correctness (never early, once, ...) is checked every time.
 */
#include <stdio.h>
#include <string.h>
#include "cpu.h"
#include "dsl.h"
#include "dtb.h"
#include "fault.h"
#include "gic.h"
#include "psci.h"
#include "smp.h"

#define DELIVER_MS     1000
#define SETTLE_MS      10
#define TIMER_LATE_MS  50	/* a timer interrupt may come this late, in counter time */
#define TIMER_AHEAD_MS 10	/* deadlines are set this far ahead */
#define WFI_LATE_MS    50	/* a WFI with an interrupt pending may take this long */
#define WATCHDOG_MS    500	/* the other timer's deadline while one waits in WFI */
#define LATENCY_TRIES  3
#define PINGPONG_MS    10000
#define TIMER_STORM    100	/* a timer handler this often: stop it (its output does not drop) */

#define PRIO_HIGH      0x80
#define PRIO_LOW       0xa0

#define SGI_LOW        2	/* priority_mask */
#define SGI_HIGH       3
#define SGI_PINGPONG   5	/* sgi_pingpong */
#define SGI_NOBODY     6
#define SGI_DISABLE    8	/* disable_enable */
#define SGI_ACTIVE     9	/* active_state */
#define SGI_OTHER      10
#define SGI_WFI        11	/* wfi_wakes */
#define PINGPONG_ROUNDS 100

static inline void wfi(void)
{
	__asm__ volatile("dsb sy\n wfi" : : : "memory");
}

/*
 * Whether a WFI here can be woken: not if an interrupt was left running (no
 * EOI), which holds back every interrupt of its priority or lower, the
 * watchdog's too. Fails the test if not.
 */
#define WFI_CAN_WAKE() wfi_can_wake(__FILE__, __LINE__)
static int wfi_can_wake(const char *file, int line)
{
	unsigned int rpr = gic_running_priority();

	if (rpr == GIC_PRIO_IDLE)
		return 1;
	dsl_fail(file, line, "running priority 0x%02x, not idle: WFI skipped", rpr);
	return 0;
}

static unsigned int my_cpu(void)
{
	return this_cpu()->id;
}

static void delay_ms(unsigned int ms)
{
	uint64_t start = time_ms();

	while (time_ms() - start < ms)
		;
}

/* Waits until *count >= want or ms pass; returns *count. */
static unsigned int wait_count(volatile unsigned int *count, unsigned int want, unsigned int ms)
{
	uint64_t start = time_ms();

	while (*count < want && time_ms() - start < ms)
		;
	return *count;
}

/* Waits until intid's pending state is want or ms pass; returns whether it got there. */
static int wait_pending(unsigned int intid, int want, unsigned int ms)
{
	uint64_t start = time_ms();

	while (gic_pending(intid) != want)
		if (time_ms() - start > ms)
			return 0;
	return 1;
}

/* ---- set-up and clean-up of every test ---- */

static void timers_off(void);

#define IRQ_BEGIN() do { if (!irq_begin(__FILE__, __LINE__)) return; } while (0)
#define IRQ_END()   irq_end(__FILE__, __LINE__)

static int irq_begin(const char *file, int line)
{
	irq_mask();
	if (platform.gic == GIC_NONE) {
		dsl_fail(file, line, "no interrupt controller in the DTB");
		return 0;
	}
	if (gic_init()) {
		dsl_fail(file, line, "GIC set-up: %s", gic_error());
		return 0;
	}
	return 1;
}

/* IRQs masked, timers off, this CPU's interface off; no CPU took an interrupt nobody wanted. */
static void irq_end(const char *file, int line)
{
	irq_mask();
	timers_off();
	for (unsigned int cpu = 0; cpu < smp_ncpus(); cpu++) {
		struct gic_stats s = gic_stats(cpu);

		if (s.unexpected)
			dsl_fail(file, line, "cpu %u took %u unexpected interrupts, the last INTID %u",
				 cpu, s.unexpected, s.last_unexpected);
	}
	gic_cpu_off();
}

/* ---- a handler that logs what it took ---- */

#define LOG_MAX 16

static struct {
	volatile unsigned int count;
	volatile unsigned int intid[LOG_MAX], source[LOG_MAX];
	volatile unsigned int rpr[LOG_MAX];	/* running priority inside the handler */
} irq_log;

static void log_reset(void)
{
	memset((void *)&irq_log, 0, sizeof(irq_log));
}

static void log_handler(struct gic_irq *irq)
{
	unsigned int n = irq_log.count;

	if (n < LOG_MAX) {
		irq_log.intid[n] = irq->intid;
		irq_log.source[n] = irq->source;
		irq_log.rpr[n] = gic_running_priority();
	}
	irq_log.count = n + 1;
}

static void use_logged(unsigned int intid, uint8_t prio)
{
	gic_set_handler(intid, log_handler);
	gic_set_priority(intid, prio);
	gic_enable(intid);
}

/* ---- the architected timers ---- */

#define CTL_ENABLE  (1u << 0)
#define CTL_IMASK   (1u << 1)
#define CTL_ISTATUS (1u << 2)

struct timer {
	const char *name;
	enum timer_irq which;
	uint64_t (*count)(void);
	uint64_t (*ctl)(void);
	void (*set_ctl)(uint64_t);
	uint64_t (*cval)(void);
	void (*set_cval)(uint64_t);
	int32_t (*tval)(void);
	void (*set_tval)(int32_t);
};

static uint64_t vt_count(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static uint64_t vt_ctl(void)
{
	return read_sysreg(cntv_ctl_el0);
}

static void vt_set_ctl(uint64_t v)
{
	write_sysreg(cntv_ctl_el0, v);
	isb();
}

static uint64_t vt_cval(void)
{
	return read_sysreg(cntv_cval_el0);
}

static void vt_set_cval(uint64_t v)
{
	write_sysreg(cntv_cval_el0, v);
	isb();
}

static int32_t vt_tval(void)
{
	return (int32_t)read_sysreg(cntv_tval_el0);
}

static void vt_set_tval(int32_t v)
{
	write_sysreg(cntv_tval_el0, (int64_t)v);
	isb();
}

static uint64_t pt_count(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static uint64_t pt_ctl(void)
{
	return read_sysreg(cntp_ctl_el0);
}

static void pt_set_ctl(uint64_t v)
{
	write_sysreg(cntp_ctl_el0, v);
	isb();
}

static uint64_t pt_cval(void)
{
	return read_sysreg(cntp_cval_el0);
}

static void pt_set_cval(uint64_t v)
{
	write_sysreg(cntp_cval_el0, v);
	isb();
}

static int32_t pt_tval(void)
{
	return (int32_t)read_sysreg(cntp_tval_el0);
}

static void pt_set_tval(int32_t v)
{
	write_sysreg(cntp_tval_el0, (int64_t)v);
	isb();
}

static const struct timer vtimer = {
	"virtual", TIMER_VIRT, vt_count, vt_ctl, vt_set_ctl, vt_cval, vt_set_cval, vt_tval,
	vt_set_tval,
};
static const struct timer ptimer = {
	"physical", TIMER_PHYS, pt_count, pt_ctl, pt_set_ctl, pt_cval, pt_set_cval, pt_tval,
	pt_set_tval,
};

static unsigned int timer_intid(const struct timer *t)
{
	return platform.timer_intid[t->which];
}

static uint64_t ticks_per_ms(void)
{
	return read_sysreg(cntfrq_el0) / 1000;
}

static void ptimer_probe(void *arg)
{
	(void)arg;
	pt_set_ctl(pt_ctl() & ~(uint64_t)CTL_ENABLE);
}

/*
 * Whether the EL1 physical timer can be used here: 0, or the ESR of the
 * exception an access took (a hypervisor that does not emulate it may
 * make it UNDEFINED). Tried once.
 */
static uint64_t ptimer_fault(void)
{
	static int probed;
	static uint64_t esr;

	if (!probed) {
		esr = expect_fault(ptimer_probe, NULL);
		probed = 1;
	}
	return esr;
}

static void timers_off(void)
{
	vtimer.set_ctl(0);
	if (!ptimer_fault())
		ptimer.set_ctl(0);
}

/* What the timer handler does once the interrupt is in. */
enum timer_action {
	ON_FIRE_MASK,		/* IMASK: the output drops, the timer stays enabled */
	ON_FIRE_DISABLE,	/* ENABLE = 0 */
	ON_FIRE_MASK_SECOND,	/* nothing the first time (the output stays up), IMASK the second */
};

static struct timer_rec {
	const struct timer *t;
	volatile int action;
	volatile unsigned int fired;
	volatile uint64_t at, ctl;	/* counter and CTL at the first entry */
} timer_recs[2];	/* virtual, physical */

static struct timer_rec *rec_of(const struct timer *t)
{
	return &timer_recs[t == &ptimer];
}

static void timer_handler(struct gic_irq *irq)
{
	struct timer_rec *r = rec_of(irq->intid == timer_intid(&ptimer) ? &ptimer : &vtimer);
	const struct timer *t = r->t;
	uint64_t now = t->count(), ctl = t->ctl();

	if (r->fired == 0) {
		r->at = now;
		r->ctl = ctl;
	}
	r->fired++;
	if (r->fired >= TIMER_STORM) {
		t->set_ctl(0);
		gic_disable(irq->intid);
	} else if (r->action == ON_FIRE_MASK || (r->action == ON_FIRE_MASK_SECOND && r->fired >= 2))
		t->set_ctl(CTL_ENABLE | CTL_IMASK);
	else if (r->action == ON_FIRE_DISABLE)
		t->set_ctl(0);
}

/* The timer off, its record cleared, its PPI enabled with timer_handler. */
static struct timer_rec *timer_setup(const struct timer *t, enum timer_action action)
{
	struct timer_rec *r = rec_of(t);
	unsigned int intid = timer_intid(t);

	t->set_ctl(0);
	memset((void *)r, 0, sizeof(*r));
	r->t = t;
	r->action = action;
	gic_set_handler(intid, timer_handler);
	gic_set_priority(intid, PRIO_HIGH);
	gic_enable(intid);
	return r;
}

/* Arms t (if any) as a watchdog: its interrupt wakes a WFI that nothing else woke. */
static void watchdog_arm(const struct timer *t)
{
	if (!t)
		return;
	timer_setup(t, ON_FIRE_MASK);
	t->set_cval(t->count() + WATCHDOG_MS * ticks_per_ms());
	t->set_ctl(CTL_ENABLE);
}

static void watchdog_disarm(const struct timer *t)
{
	if (!t)
		return;
	t->set_ctl(0);
	gic_disable(timer_intid(t));
	gic_clear_pending(timer_intid(t));
}

/* ---- the tests ---- */

/*
 * Every SGI a CPU sends itself is taken once, with its INTID (and on GICv2
 * this CPU's interface number as the source); one sent to every CPU but
 * this one is not.
 */
TEST_ON_REQUEST(irq, sgi_self)
{
	unsigned int self;

	IRQ_BEGIN();
	self = gic_cpu_iface(my_cpu());
	for (unsigned int i = 0; i < GIC_NR_SGIS; i++)
		use_logged(i, PRIO_HIGH);
	irq_unmask();
	for (unsigned int i = 0; i < GIC_NR_SGIS; i++) {
		log_reset();
		gic_send_sgi(i, my_cpu());	/* by target list (GICv3: our affinity) */
		wait_count(&irq_log.count, 1, DELIVER_MS);
		delay_ms(SETTLE_MS);
		EXPECT_EQ(irq_log.count, 1);
		EXPECT_EQ(irq_log.intid[0], i);
		if (gic_type() == GIC_V2)
			EXPECT_EQ(irq_log.source[0], self);
	}
	log_reset();
	gic_send_sgi_self(3);	/* GICv2: target list filter "this CPU" */
	wait_count(&irq_log.count, 1, DELIVER_MS);
	delay_ms(SETTLE_MS);
	EXPECT_EQ(irq_log.count, 1);
	EXPECT_EQ(irq_log.intid[0], 3);
	if (gic_type() == GIC_V2)
		EXPECT_EQ(irq_log.source[0], self);
	log_reset();
	gic_send_sgi_others(4);
	delay_ms(SETTLE_MS);
	EXPECT_EQ(irq_log.count, 0);
	EXPECT_TRUE(!gic_pending(4));
	IRQ_END();
}

/* An MPIDR no cpu node has: one Aff0 above the highest listed in the Aff1-3 of CPU 0. */
static uint64_t absent_mpidr(void)
{
	uint64_t mpidr = smp_mpidr(0);

	for (;;) {
		int listed = 0;

		mpidr = (mpidr & ~0xffull) | ((mpidr + 1) & 0xff);
		for (unsigned int i = 0; i < smp_ncpus(); i++)
			listed |= smp_mpidr(i) == mpidr;
		if (!listed)
			return mpidr;
	}
}

/* An SGI for a CPU that does not exist is not taken here, nor left pending here. */
static void check_absent_target(void)
{
	log_reset();
	use_logged(SGI_NOBODY, PRIO_HIGH);
	if (gic_type() == GIC_V3) {
		gic_send_sgi_v3_mpidr(SGI_NOBODY, absent_mpidr());
	} else if (gic_v2_ifaces() < 8) {
		gic_send_sgi_v2_list(SGI_NOBODY, (uint8_t)(1u << gic_v2_ifaces()));
	} else {
		printf("fw: irq: GICv2 with 8 CPU interfaces: no absent SGI target to try\n");
		return;
	}
	irq_unmask();
	delay_ms(SETTLE_MS);
	irq_mask();
	EXPECT_EQ(irq_log.count, 0);
	EXPECT_TRUE(!gic_pending(SGI_NOBODY));
}

static struct {
	volatile unsigned int ready, stop, init_failed;
	volatile unsigned int rx[2];		/* SGIs taken by CPU 0, CPU 1 */
	volatile unsigned int wrong[2];		/* of them, with the wrong INTID or source */
	volatile uint32_t wrong_iar[2];
} pingpong;

/* Each side answers the other: CPU 1 always, CPU 0 until it has PINGPONG_ROUNDS. */
static void pingpong_handler(struct gic_irq *irq)
{
	unsigned int me = my_cpu() ? 1 : 0, other = 1 - me, n;

	if (irq->intid != SGI_PINGPONG ||
	    (gic_type() == GIC_V2 && irq->source != gic_cpu_iface(other))) {
		pingpong.wrong[me]++;
		pingpong.wrong_iar[me] = irq->iar;
	}
	n = ++pingpong.rx[me];
	if (me == 1 || n < PINGPONG_ROUNDS)
		gic_send_sgi(SGI_PINGPONG, other);
}

/* CPU 1: waits in WFI (IRQs masked: a pending one wakes it) until it has had its rounds. */
static void pingpong_secondary(void *arg)
{
	(void)arg;
	if (gic_cpu_init()) {
		pingpong.init_failed = 1;
		return;
	}
	gic_set_priority(SGI_PINGPONG, PRIO_HIGH);
	gic_enable(SGI_PINGPONG);
	__atomic_store_n(&pingpong.ready, 1, __ATOMIC_RELEASE);
	for (;;) {
		irq_mask();
		if (pingpong.rx[1] >= PINGPONG_ROUNDS || pingpong.stop)
			break;
		wfi();
		irq_unmask();	/* the interrupt that woke us is taken here */
	}
	gic_cpu_off();
}

/*
 * CPU 0 starts CPU 1 (PSCI CPU_ON); they bounce an SGI PINGPONG_ROUNDS
 * times each way, CPU 1 sleeping in WFI between them; then CPU 1 calls
 * CPU_OFF. With one CPU only the absent-target check runs.
 */
TEST_ON_REQUEST(irq, sgi_pingpong)
{
	uint64_t start;

	IRQ_BEGIN();
	check_absent_target();
	if (smp_ncpus() < 2) {
		IRQ_END();
		return;
	}
	memset((void *)&pingpong, 0, sizeof(pingpong));
	gic_set_handler(SGI_PINGPONG, pingpong_handler);
	gic_set_priority(SGI_PINGPONG, PRIO_HIGH);
	gic_enable(SGI_PINGPONG);
	EXPECT_EQ(smp_start_fn(1, pingpong_secondary, NULL), PSCI_SUCCESS);
	EXPECT_TRUE(smp_wait_up(1, SMP_TIMEOUT_MS));
	start = time_ms();
	while (!__atomic_load_n(&pingpong.ready, __ATOMIC_ACQUIRE) && !pingpong.init_failed &&
	       time_ms() - start < SMP_TIMEOUT_MS)
		;
	if (pingpong.init_failed)
		dsl_fail(__FILE__, __LINE__, "cpu 1: GIC set-up: %s", gic_error());
	EXPECT_EQ(pingpong.ready, 1);
	if (pingpong.ready) {
		irq_unmask();
		gic_send_sgi(SGI_PINGPONG, 1);
		wait_count(&pingpong.rx[0], PINGPONG_ROUNDS, PINGPONG_MS);
		delay_ms(SETTLE_MS);
		irq_mask();
	}
	pingpong.stop = 1;
	if (pingpong.ready && pingpong.rx[1] < PINGPONG_ROUNDS)
		gic_send_sgi(SGI_PINGPONG, 1);	/* wake it to see stop */
	smp_release(1);
	EXPECT_EQ(smp_wait_affinity(1, PSCI_AFFINITY_OFF, SMP_TIMEOUT_MS), PSCI_AFFINITY_OFF);
	EXPECT_EQ(pingpong.rx[0], PINGPONG_ROUNDS);
	EXPECT_EQ(pingpong.rx[1], PINGPONG_ROUNDS);
	EXPECT_EQ(pingpong.wrong[0], 0);
	EXPECT_EQ(pingpong.wrong[1], 0);
	IRQ_END();
}

/*
 * PMR: an SGI whose priority is not above the mask stays pending, one above
 * it is taken, raising the mask lets the first in. Two pending at once are
 * taken highest priority (lowest value) first, whatever the order they were
 * sent in; the running priority is the taken interrupt's, idle 0xff.
 */
TEST_ON_REQUEST(irq, priority_mask)
{
	IRQ_BEGIN();
	use_logged(SGI_LOW, PRIO_LOW);
	use_logged(SGI_HIGH, PRIO_HIGH);
	EXPECT_EQ(gic_priority(SGI_LOW), PRIO_LOW);
	EXPECT_EQ(gic_priority(SGI_HIGH), PRIO_HIGH);
	EXPECT_EQ(gic_running_priority(), GIC_PRIO_IDLE);

	gic_set_pmr(PRIO_LOW);	/* only priorities below (higher than) 0xa0 pass */
	EXPECT_EQ(gic_pmr(), PRIO_LOW);
	log_reset();
	irq_unmask();
	gic_send_sgi_self(SGI_LOW);
	delay_ms(SETTLE_MS);
	EXPECT_EQ(irq_log.count, 0);
	EXPECT_TRUE(gic_pending(SGI_LOW));
	gic_send_sgi_self(SGI_HIGH);
	wait_count(&irq_log.count, 1, DELIVER_MS);
	delay_ms(SETTLE_MS);
	EXPECT_EQ(irq_log.count, 1);
	EXPECT_EQ(irq_log.intid[0], SGI_HIGH);
	EXPECT_EQ(irq_log.rpr[0], PRIO_HIGH);
	gic_set_pmr(PRIO_LOW + 0x10);
	wait_count(&irq_log.count, 2, DELIVER_MS);
	irq_mask();
	EXPECT_EQ(irq_log.count, 2);
	EXPECT_EQ(irq_log.intid[1], SGI_LOW);
	EXPECT_EQ(irq_log.rpr[1], PRIO_LOW);
	EXPECT_TRUE(!gic_pending(SGI_LOW));

	gic_set_pmr(GIC_PMR_OPEN);
	log_reset();
	gic_send_sgi_self(SGI_LOW);
	gic_send_sgi_self(SGI_HIGH);
	EXPECT_TRUE(wait_pending(SGI_LOW, 1, DELIVER_MS));
	EXPECT_TRUE(wait_pending(SGI_HIGH, 1, DELIVER_MS));
	irq_unmask();
	wait_count(&irq_log.count, 2, DELIVER_MS);
	delay_ms(SETTLE_MS);
	irq_mask();
	EXPECT_EQ(irq_log.count, 2);
	EXPECT_EQ(irq_log.intid[0], SGI_HIGH);
	EXPECT_EQ(irq_log.intid[1], SGI_LOW);
	EXPECT_EQ(gic_running_priority(), GIC_PRIO_IDLE);
	IRQ_END();
}

/*
 * A pending interrupt that is disabled is not taken; enabling it delivers
 * it; one cleared while disabled is not delivered. For an SPI made pending
 * by software, an SGI (where the GIC lets SGIs be disabled) and the virtual
 * timer's PPI with the timer's output up.
 */
TEST_ON_REQUEST(irq, disable_enable)
{
	unsigned int spi, ppi = timer_intid(&vtimer);
	struct timer_rec *r;

	IRQ_BEGIN();
	spi = gic_nr_irqs() - 1;
	EXPECT_GE(spi, GIC_NR_PRIVATE);
	use_logged(spi, PRIO_HIGH);
	gic_route_to_self(spi);
	gic_disable(spi);
	EXPECT_TRUE(!gic_enabled(spi));
	log_reset();
	irq_unmask();
	gic_set_pending(spi);
	delay_ms(SETTLE_MS);
	EXPECT_EQ(irq_log.count, 0);
	EXPECT_TRUE(gic_pending(spi));
	gic_enable(spi);
	EXPECT_TRUE(gic_enabled(spi));
	wait_count(&irq_log.count, 1, DELIVER_MS);
	delay_ms(SETTLE_MS);
	EXPECT_EQ(irq_log.count, 1);
	EXPECT_EQ(irq_log.intid[0], spi);
	EXPECT_TRUE(!gic_pending(spi));

	gic_disable(spi);
	gic_set_pending(spi);
	EXPECT_TRUE(gic_pending(spi));
	gic_clear_pending(spi);
	EXPECT_TRUE(!gic_pending(spi));
	gic_enable(spi);
	delay_ms(SETTLE_MS);
	EXPECT_EQ(irq_log.count, 1);

	use_logged(SGI_DISABLE, PRIO_HIGH);
	gic_disable(SGI_DISABLE);
	if (gic_enabled(SGI_DISABLE)) {
		printf("fw: irq: SGIs cannot be disabled on this GIC: SGI part skipped\n");
	} else {
		log_reset();
		gic_send_sgi_self(SGI_DISABLE);
		delay_ms(SETTLE_MS);
		EXPECT_EQ(irq_log.count, 0);
		EXPECT_TRUE(gic_pending(SGI_DISABLE));
		gic_enable(SGI_DISABLE);
		wait_count(&irq_log.count, 1, DELIVER_MS);
		delay_ms(SETTLE_MS);
		EXPECT_EQ(irq_log.count, 1);
		EXPECT_EQ(irq_log.intid[0], SGI_DISABLE);
	}
	irq_mask();

	/* A PPI driven by a device: the virtual timer, expired (its output up). */
	r = timer_setup(&vtimer, ON_FIRE_MASK);
	gic_disable(ppi);
	vtimer.set_cval(vtimer.count());
	vtimer.set_ctl(CTL_ENABLE);
	irq_unmask();
	delay_ms(SETTLE_MS);
	EXPECT_EQ(r->fired, 0);
	gic_enable(ppi);
	wait_count(&r->fired, 1, DELIVER_MS);
	delay_ms(SETTLE_MS);
	irq_mask();
	EXPECT_EQ(r->fired, 1);
	IRQ_END();
}

static struct {
	volatile int split;		/* EOImode 1: keep it active the first time */
	volatile unsigned int count;
	volatile uint32_t iar;
	volatile int active;		/* gic_active() inside the first handler */
	volatile unsigned int rpr;	/* running priority likewise */
} act;

static void active_handler(struct gic_irq *irq)
{
	if (act.count++ == 0) {
		act.iar = irq->iar;
		act.active = gic_active(irq->intid);
		act.rpr = gic_running_priority();
		if (act.split)
			irq->keep_active = 1;
		else
			gic_send_sgi_self(irq->intid);	/* now active and pending */
	}
}

/*
 * The active state. EOImode 0: a taken SGI is active in its handler; sent
 * again meanwhile it is taken again once ended. EOImode 1 (EOI split):
 * after the EOI it is still active and the running priority has dropped:
 * another interrupt of its priority is taken, the same INTID is not
 * (pending) until it is deactivated (ICC_DIR_EL1 / GICC_DIR).
 */
TEST_ON_REQUEST(irq, active_state)
{
	IRQ_BEGIN();
	gic_set_handler(SGI_ACTIVE, active_handler);
	gic_set_priority(SGI_ACTIVE, PRIO_HIGH);
	gic_enable(SGI_ACTIVE);
	use_logged(SGI_OTHER, PRIO_HIGH);

	memset((void *)&act, 0, sizeof(act));
	irq_unmask();
	gic_send_sgi_self(SGI_ACTIVE);
	wait_count(&act.count, 2, DELIVER_MS);
	delay_ms(SETTLE_MS);
	irq_mask();
	EXPECT_EQ(act.count, 2);
	EXPECT_TRUE(act.active);
	EXPECT_EQ(act.rpr, PRIO_HIGH);
	EXPECT_TRUE(!gic_active(SGI_ACTIVE));

	if (gic_set_eoi_split(1)) {
		dsl_fail(__FILE__, __LINE__, "EOImode 1 cannot be set");
		IRQ_END();
		return;
	}
	memset((void *)&act, 0, sizeof(act));
	act.split = 1;
	log_reset();
	irq_unmask();
	gic_send_sgi_self(SGI_ACTIVE);
	wait_count(&act.count, 1, DELIVER_MS);
	delay_ms(SETTLE_MS);
	EXPECT_EQ(act.count, 1);
	EXPECT_TRUE(gic_active(SGI_ACTIVE));
	EXPECT_EQ(gic_running_priority(), GIC_PRIO_IDLE);
	gic_send_sgi_self(SGI_OTHER);
	wait_count(&irq_log.count, 1, DELIVER_MS);
	EXPECT_EQ(irq_log.count, 1);
	gic_send_sgi_self(SGI_ACTIVE);
	delay_ms(SETTLE_MS);
	EXPECT_EQ(act.count, 1);
	EXPECT_TRUE(gic_pending(SGI_ACTIVE));
	gic_deactivate(act.iar);
	wait_count(&act.count, 2, DELIVER_MS);
	delay_ms(SETTLE_MS);
	irq_mask();
	EXPECT_EQ(act.count, 2);
	EXPECT_TRUE(!gic_active(SGI_ACTIVE));
	EXPECT_EQ(gic_set_eoi_split(0), 0);
	IRQ_END();
}

/*
 * Arms t TIMER_AHEAD_MS ahead with IRQs unmasked; the handler masks it
 * (IMASK). Checks it fired once, not before its deadline, with ISTATUS set;
 * that masked, ISTATUS stays set and the PPI is no longer pending; that
 * TVAL is negative past the deadline. Returns how late it came (counter
 * ticks), ~0 if it did not.
 */
static uint64_t timer_fire_once(const struct timer *t, uint64_t ms)
{
	struct timer_rec *r = timer_setup(t, ON_FIRE_MASK);
	unsigned int intid = timer_intid(t);
	uint64_t deadline;

	irq_unmask();
	deadline = t->count() + TIMER_AHEAD_MS * ms;
	t->set_cval(deadline);
	t->set_ctl(CTL_ENABLE);
	wait_count(&r->fired, 1, TIMER_AHEAD_MS + DELIVER_MS);
	delay_ms(2 * SETTLE_MS);
	irq_mask();
	EXPECT_EQ(r->fired, 1);
	if (!r->fired)
		return ~0ull;
	EXPECT_GE(r->at, deadline);
	EXPECT_TRUE(r->ctl & CTL_ISTATUS);
	EXPECT_TRUE(t->ctl() & CTL_ISTATUS);
	EXPECT_TRUE(!gic_pending(intid));
	EXPECT_LT(t->tval(), 0);
	return r->at >= deadline ? r->at - deadline : 0;
}

/*
 * With IRQs masked, arms t TIMER_AHEAD_MS ahead (and the watchdog) and
 * waits in WFI (again after a wake-up before the deadline) until ISTATUS.
 * Checks the interrupt is then taken once IRQs are unmasked. Returns how
 * long after the deadline WFI returned (counter ticks), ~0 if it never saw
 * the deadline pass.
 */
static uint64_t timer_wfi_once(const struct timer *t, const struct timer *watchdog, uint64_t ms)
{
	struct timer_rec *r = timer_setup(t, ON_FIRE_MASK);
	uint64_t deadline, woke, ctl;

	watchdog_arm(watchdog);	/* a WFI it has to end is far too late anyway */

	deadline = t->count() + TIMER_AHEAD_MS * ms;
	t->set_cval(deadline);
	t->set_ctl(CTL_ENABLE);
	do {
		wfi();
		ctl = t->ctl();		/* first: ISTATUS implies woke >= deadline */
		woke = t->count();
	} while (!(ctl & CTL_ISTATUS) && woke < deadline + 2 * WATCHDOG_MS * ms);
	EXPECT_TRUE(ctl & CTL_ISTATUS);
	irq_unmask();
	wait_count(&r->fired, 1, DELIVER_MS);
	irq_mask();
	EXPECT_EQ(r->fired, 1);
	watchdog_disarm(watchdog);
	t->set_ctl(0);
	return ctl & CTL_ISTATUS ? woke - deadline : ~0ull;
}

/*
 * One timer, through its PPI (from the DTB's timer node):
 *  - TVAL: writing it sets CVAL = counter + TVAL; it reads CVAL - counter,
 *    negative once the deadline has passed;
 *  - the interrupt comes at or after CVAL (the counter in the handler), not
 *    later than TIMER_LATE_MS after, with ISTATUS set; masked (IMASK) it
 *    does not come again, ISTATUS stays set, the PPI is no longer pending;
 *  - level-triggered: the PPI is pending while the output is up, not once
 *    IMASK drops it (and is not taken), again when IMASK is cleared; a
 *    handler that disables the timer gets it once; one that leaves the
 *    output up gets it again after its EOI;
 *  - WFI (IRQs masked) with the timer armed returns when it fires: not
 *    later than TIMER_LATE_MS after the deadline (the other timer, if
 *    given, is a watchdog meanwhile).
 */
static void check_timer(const struct timer *t, const struct timer *watchdog)
{
	const uint64_t ms = ticks_per_ms();
	unsigned int intid = timer_intid(t);
	struct timer_rec *r;
	uint64_t before, after, late;
	int32_t tval;

	if (!ms) {
		dsl_fail(__FILE__, __LINE__, "CNTFRQ_EL0 is %llu",
			 (unsigned long long)read_sysreg(cntfrq_el0));
		return;
	}
	if (!platform.timer_from_dtb)
		printf("fw: irq: no timer node in the DTB: %s timer on INTID %u assumed\n", t->name,
		       intid);
	EXPECT_GE(intid, 16);
	EXPECT_LT(intid, GIC_NR_PRIVATE);

	/* TVAL */
	timer_setup(t, ON_FIRE_MASK);
	before = t->count();
	t->set_tval((int32_t)(TIMER_AHEAD_MS * ms));
	after = t->count();
	EXPECT_GE(t->cval(), before + TIMER_AHEAD_MS * ms);
	EXPECT_LE(t->cval(), after + TIMER_AHEAD_MS * ms);
	tval = t->tval();
	EXPECT_GE(tval, 1);
	EXPECT_LE(tval, (int64_t)(TIMER_AHEAD_MS * ms));

	/* the deadline */
	late = ~0ull;
	for (unsigned int i = 0; i < LATENCY_TRIES && late > TIMER_LATE_MS * ms; i++) {
		uint64_t this_late = timer_fire_once(t, ms);

		if (this_late < late)
			late = this_late;
	}
	EXPECT_LE(late, TIMER_LATE_MS * ms);

	/* level: pending follows the output */
	r = timer_setup(t, ON_FIRE_DISABLE);
	t->set_cval(t->count());
	t->set_ctl(CTL_ENABLE);
	EXPECT_TRUE(t->ctl() & CTL_ISTATUS);
	EXPECT_TRUE(wait_pending(intid, 1, DELIVER_MS));
	t->set_ctl(CTL_ENABLE | CTL_IMASK);
	EXPECT_TRUE(wait_pending(intid, 0, DELIVER_MS));
	irq_unmask();
	delay_ms(SETTLE_MS);
	irq_mask();
	EXPECT_EQ(r->fired, 0);
	t->set_ctl(CTL_ENABLE);
	EXPECT_TRUE(wait_pending(intid, 1, DELIVER_MS));
	irq_unmask();
	wait_count(&r->fired, 1, DELIVER_MS);
	delay_ms(SETTLE_MS);
	irq_mask();
	EXPECT_EQ(r->fired, 1);
	EXPECT_TRUE(!gic_pending(intid));

	/* level: still up when ended, it is taken again */
	r = timer_setup(t, ON_FIRE_MASK_SECOND);
	t->set_cval(t->count());
	t->set_ctl(CTL_ENABLE);
	irq_unmask();
	wait_count(&r->fired, 2, DELIVER_MS);
	delay_ms(SETTLE_MS);
	irq_mask();
	EXPECT_EQ(r->fired, 2);

	/* WFI */
	late = ~0ull;
	for (unsigned int i = 0; i < LATENCY_TRIES && late > TIMER_LATE_MS * ms; i++) {
		uint64_t this_late;

		if (!WFI_CAN_WAKE())
			break;
		this_late = timer_wfi_once(t, watchdog, ms);
		if (this_late < late)
			late = this_late;
	}
	EXPECT_LE(late, TIMER_LATE_MS * ms);
	t->set_ctl(0);
}

/*
 * The EL1 virtual timer (CNTV_*, PPI 27 on QEMU virt). The physical timer
 * is the watchdog of its WFI, if it can be used; if not, that WFI has none.
 */
TEST_ON_REQUEST(irq, timer_deadline)
{
	IRQ_BEGIN();
	if (ptimer_fault())
		printf("fw: irq: the physical timer faults: WFI without a watchdog\n");
	check_timer(&vtimer, ptimer_fault() ? NULL : &ptimer);
	IRQ_END();
}

/* The EL1 physical timer (CNTP_*, PPI 30 on QEMU virt): Mantle traps and emulates it. */
TEST_ON_REQUEST(irq, timer_physical)
{
	uint64_t esr;
	char what[80];

	IRQ_BEGIN();
	esr = ptimer_fault();
	if (esr)
		dsl_fail(__FILE__, __LINE__, "CNTP_CTL_EL0 access: %s",
			 fault_describe(esr, what, sizeof(what)));
	else
		check_timer(&ptimer, &vtimer);
	IRQ_END();
}

/*
 * One WFI with IRQs masked at PSTATE after make_pending(intid): returns how
 * long it slept (ms), ~0 if it could not be tried. Then the interrupt is
 * taken, once, when IRQs are unmasked.
 */
static unsigned int wfi_pending_once(void (*make_pending)(unsigned int), unsigned int intid)
{
	uint64_t start, slept;

	if (!WFI_CAN_WAKE())
		return ~0u;
	watchdog_arm(&vtimer);	/* a WFI it has to end is far too late anyway */
	log_reset();
	make_pending(intid);
	start = time_ms();
	wfi();
	slept = time_ms() - start;
	EXPECT_EQ(irq_log.count, 0);
	irq_unmask();
	wait_count(&irq_log.count, 1, DELIVER_MS);
	delay_ms(SETTLE_MS);
	irq_mask();
	EXPECT_EQ(irq_log.count, 1);
	EXPECT_EQ(irq_log.intid[0], intid);
	watchdog_disarm(&vtimer);
	return (unsigned int)slept;
}

static void check_wfi_wakes(void (*make_pending)(unsigned int), unsigned int intid)
{
	unsigned int best = ~0u;

	for (unsigned int i = 0; i < LATENCY_TRIES && best > WFI_LATE_MS; i++) {
		unsigned int slept = wfi_pending_once(make_pending, intid);

		if (slept < best)
			best = slept;
	}
	EXPECT_LE(best, WFI_LATE_MS);
}

/*
 * WFI with IRQs masked at PSTATE and an interrupt pending and enabled
 * returns at once (not after the watchdog, or never): for an SGI sent to
 * this CPU, and for an SPI made pending. The interrupt is taken once IRQs
 * are unmasked. (SGIs waking another CPU's WFI: sgi_pingpong.)
 */
TEST_ON_REQUEST(irq, wfi_wakes)
{
	unsigned int spi;

	IRQ_BEGIN();
	spi = gic_nr_irqs() - 1;
	use_logged(SGI_WFI, PRIO_HIGH);
	use_logged(spi, PRIO_HIGH);
	gic_route_to_self(spi);
	check_wfi_wakes(gic_send_sgi_self, SGI_WFI);
	check_wfi_wakes(gic_set_pending, spi);
	IRQ_END();
}
