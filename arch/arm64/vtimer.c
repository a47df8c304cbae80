/*
 * Guests use the EL1 virtual timer directly. Its output reaches the host as
 * PPI 27 (routed to EL2): Mantle silences it at the host GIC, raises the
 * owning vCPU's virtual PPI 27, and unsilences it once that interrupt is no
 * longer pending or active for the vCPU. A vCPU whose EL1 state leaves the
 * CPU has its deadline followed by a timer event instead.
 */
#include <arch/sysreg.h>
#include <arch/irqflags.h>
#include <arch/vcpu_arch.h>
#include <mantle/vcpu.h>
#include <mantle/guest.h>
#include <mantle/percpu.h>
#include <mantle/timer.h>
#include <mantle/irq.h>
#include <mantle/log.h>
#include <vgic/vgic_emu.h>


static bool ppi_enabled[CONFIG_MAX_CPUS];

struct vcpu *arch_loaded_vcpu(void);

static void raise_vtimer(struct vcpu *v)
{
	guest_vgic_set_line(v->guest, v->index, VTIMER_INTID, true);
}

static void vtimer_ppi(uint32_t intid, void *arg)
{
	struct vcpu *v = arch_loaded_vcpu();

	irq_chip()->disable(VTIMER_INTID);
	ppi_enabled[this_cpu_id()] = false;
	if (v && v->guest && v->guest->vgic)
		raise_vtimer(v);
}

static void vtimer_event(struct timer_event *ev, void *arg)
{
	raise_vtimer(arg);
}

void vtimer_unloaded(struct vcpu *v)
{
	const struct guest_sysregs *s = &v->arch->sys;

	if ((s->cntv_ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) != CNT_CTL_ENABLE)
		return;
	if (!v->timer_wake.fn)
		timer_event_init(&v->timer_wake, "vtimer", vtimer_event, v);
	timer_event_start_at(&v->timer_wake, timer_ticks_to_ns(s->cntv_cval + v->arch->cntvoff));
}

void vtimer_loaded(struct vcpu *v)
{
	if (v->timer_wake.fn)
		timer_event_stop(&v->timer_wake);
}

/* Before entry: let the host timer interrupt through again once the guest is done with the last one. */
void vtimer_before_entry(struct vcpu *v, bool in_flight)
{
	unsigned cpu = this_cpu_id();

	if (!in_flight && !ppi_enabled[cpu]) {
		irq_enable_local(VTIMER_INTID);
		ppi_enabled[cpu] = true;
	}
}

/* Does the guest vtimer's host interrupt reach this CPU (not silenced while the guest handles one)? */
bool vtimer_ppi_open(void);
bool vtimer_ppi_open(void)
{
	return ppi_enabled[this_cpu_id()];
}

void vtimer_init(void)
{
	if (irq_request(VTIMER_INTID, false, 0, vtimer_ppi, NULL, "guest vtimer"))
		pr_err("cannot take the virtual timer interrupt: guest timers will not work");
	ppi_enabled[0] = true;
}

void vtimer_cpu_init(void)
{
	irq_enable_local(VTIMER_INTID);
	ppi_enabled[this_cpu_id()] = true;
}
