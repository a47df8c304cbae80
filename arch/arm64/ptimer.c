/*
 * The EL1 physical timer, emulated per vCPU: its registers trap
 * (CNTHCTL_EL2.EL1PCEN = 0) and live here; the compare runs against the
 * physical counter, which the guest reads directly. Its output is the
 * vCPU's level-triggered PPI 30, raised at the deadline by a timer event.
 */
#include <arch/sysreg.h>
#include <arch/cpu.h>
#include <arch/vcpu_regs.h>
#include <mantle/vcpu.h>
#include <mantle/guest.h>
#include <mantle/timer.h>
#include <vgic/vgic_emu.h>

#define ENC_CNTP_TVAL SYSREG_ENC(3, 3, 14, 2, 0)
#define ENC_CNTP_CTL  SYSREG_ENC(3, 3, 14, 2, 1)
#define ENC_CNTP_CVAL SYSREG_ENC(3, 3, 14, 2, 2)

static bool expired(const struct arch_vcpu *a)
{
	return (a->cntp_ctl & CNT_CTL_ENABLE) && arch_counter_read() >= a->cntp_cval;
}

/* The timer's output: enabled, expired, not masked. */
bool ptimer_line(const struct vcpu *v)
{
	const struct arch_vcpu *a = v->arch;
	return expired(a) && !(a->cntp_ctl & CNT_CTL_IMASK);
}

static void ptimer_fire(struct timer_event *ev, void *arg)
{
	struct vcpu *v = arg;
	guest_vgic_set_line(v->guest, v->index, PTIMER_INTID, ptimer_line(v));
}

/* Re-evaluate the output now and arm the event for a future deadline. */
static void ptimer_update(struct vcpu *v)
{
	struct arch_vcpu *a = v->arch;

	if (!v->ptimer_event.fn)
		timer_event_init(&v->ptimer_event, "ptimer", ptimer_fire, v);
	timer_event_stop(&v->ptimer_event);
	if ((a->cntp_ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE && !expired(a))
		timer_event_start_at(&v->ptimer_event, timer_ticks_to_ns(a->cntp_cval));
	guest_vgic_set_line(v->guest, v->index, PTIMER_INTID, ptimer_line(v));
}

bool ptimer_sysreg(struct vcpu *v, unsigned enc, bool read, uint64_t *val)
{
	struct arch_vcpu *a = v->arch;

	switch (enc) {
	case ENC_CNTP_CTL:
		if (read)
			*val = (a->cntp_ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) | (expired(a) ? CNT_CTL_ISTATUS : 0);
		else
			a->cntp_ctl = *val & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
		break;
	case ENC_CNTP_CVAL:
		if (read)
			*val = a->cntp_cval;
		else
			a->cntp_cval = *val;
		break;
	case ENC_CNTP_TVAL:
		/* TVAL is the signed 32-bit distance to CVAL. */
		if (read)
			*val = (uint32_t)(a->cntp_cval - arch_counter_read());
		else
			a->cntp_cval = arch_counter_read() + (uint64_t)(int64_t)(int32_t)*val;
		break;
	default:
		return false;
	}
	if (!read)
		ptimer_update(v);
	return true;
}

void ptimer_reset(struct vcpu *v)
{
	if (v->ptimer_event.fn)
		timer_event_stop(&v->ptimer_event);
	v->arch->cntp_ctl = 0;
	v->arch->cntp_cval = 0;
}
