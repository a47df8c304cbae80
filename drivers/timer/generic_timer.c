/*
 * ARM generic timer. Mantle's own timer events run on the EL2 physical
 * timer (CNTHP_*), leaving the EL1 timers to guests.
 */
#include <stddef.h>
#include <arch/sysreg.h>
#include <arch/cpu.h>
#include <mantle/driver.h>
#include <mantle/devtree.h>
#include <mantle/timer.h>
#include <mantle/irq.h>
#include <mantle/log.h>

#define HYP_TIMER_PPI_DEFAULT 26

static uint32_t hyp_intid = HYP_TIMER_PPI_DEFAULT;

static void hyp_timer_program(uint64_t deadline_ticks)
{
	if (deadline_ticks == UINT64_MAX) {
		write_sysreg(cnthp_ctl_el2, 0);
	} else {
		write_sysreg(cnthp_cval_el2, deadline_ticks);
		write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	}
	isb();
}

static void hyp_timer_cpu_init(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	irq_enable_local(hyp_intid);
}

static void hyp_timer_irq(uint32_t intid, void *arg)
{
	/* Level-triggered: silence it before running events, which re-arm it. */
	write_sysreg(cnthp_ctl_el2, CNT_CTL_IMASK);
	timer_expire();
}

static const struct clockevent hyp_timer = {
	.name = "EL2 physical timer",
	.program = hyp_timer_program,
	.cpu_init = hyp_timer_cpu_init,
};

static int generic_timer_probe(const void *fdt, int node)
{
	uint32_t flags;

	/* interrupts: secure phys, non-secure phys, virtual, hypervisor phys */
	if (!dt_irq(fdt, node, 3, &hyp_intid, &flags))
		hyp_intid = HYP_TIMER_PPI_DEFAULT;
	timer_register_clockevent(&hyp_timer);
	if (irq_request(hyp_intid, false, 0, hyp_timer_irq, NULL, "hyp timer"))
		return -1;
	pr_info("timer: %llu Hz, hypervisor timer on irq %u",
		(unsigned long long)timer_freq_hz(), hyp_intid);
	return 0;
}

static const char *const generic_timer_compat[] = { "arm,armv8-timer", "arm,armv7-timer", NULL };
static const struct driver generic_timer_driver = {
	.name = "generic-timer",
	.cls = DRIVER_TIMER,
	.compatible = generic_timer_compat,
	.probe = generic_timer_probe,
};
DRIVER_REGISTER(generic_timer_driver);
