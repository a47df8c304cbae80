/*
 * Crash detection for guest vCPUs: exception loops (crash_watch.h) and a
 * WFI nothing can ever end. Runs on the vCPU's own thread, in its exit
 * path; what it finds goes to guest_crashed and so follows on-crash.
 */
#include <stdio.h>
#include <arch/vcpu_arch.h>
#include <arch/vcpu_inspect.h>
#include <mantle/guest.h>
#include <mantle/vcpu.h>
#include <mantle/timer.h>
#include <vgic/vgic_emu.h>

#define TIMER_PPIS ((1u << VTIMER_INTID) | (1u << PTIMER_INTID))

static struct crash_watch *watch_of(struct vcpu *v)
{
	return &v->crash_watch;
}

void guest_watch_exit(struct vcpu *v, bool irq)
{
	struct crash_watch *w = watch_of(v);
	struct crash_exc_state st;
	uint64_t now;
	char why[144];

	if (!irq) {
		crash_watch_trap(w);
		return;
	}
	now = timer_now_ns();
	if (!crash_watch_sample_due(w, now))
		return;
	arch_vcpu_exc_state(v, &st);
	if (!crash_watch_irq_exit(w, now, &st))
		return;
	snprintf(why, sizeof(why), "exception loop at PC %#llx (VBAR_EL1 %#llx, "
		 "ESR_EL1 %#llx, ELR_EL1 %#llx)", (unsigned long long)st.pc, (unsigned long long)st.vbar,
		 (unsigned long long)st.esr, (unsigned long long)st.elr);
	guest_crashed(v, why);
}

bool guest_watch_abort(struct vcpu *v, uint64_t ipa, bool insn)
{
	struct crash_exc_state st;
	char why[144];

	arch_vcpu_exc_state(v, &st);
	if (!crash_watch_abort(watch_of(v), v->arch->regs.esr, ipa, &st))
		return false;
	snprintf(why, sizeof(why), "exception loop: %u %s aborts in a row at IPA %#llx, PC %#llx",
		 CRASH_ABORT_REPEATS, insn ? "instruction" : "data", (unsigned long long)ipa,
		 (unsigned long long)st.pc);
	guest_crashed(v, why);
	return true;
}

void guest_watch_injected(struct vcpu *v)
{
	struct crash_exc_state st;

	arch_vcpu_exc_state(v, &st);
	crash_watch_injected(watch_of(v), &st);
}

/*
 * An interrupt is the only thing that ends a WFI. With both timers off or
 * masked, nothing of the vCPU's own will fire; with its CPU interface shut
 * nothing is signalled to it at all. Otherwise, while another vCPU of the
 * guest runs, that one could still send an SGI or enable something, so only
 * a guest whose other vCPUs are all off is judged on what its vGIC has
 * enabled for this one. PSTATE masking plays no part: a masked interrupt
 * still ends a WFI (Linux idles that way).
 */
const char *guest_wfi_hopeless(struct vcpu *v)
{
	struct guest *g = v->guest;

	if (!g->vgic || arch_vcpu_armed_timer_ppis(v))
		return NULL;
	if (!arch_vcpu_cpuif_open(v))
		return "WFI with its timers off and its GIC CPU interface disabled";
	for (unsigned i = 0; i < g->nr_vcpus; i++)
		if (i != v->index && g->vcpus[i]->power == VCPU_POWER_ON)
			return NULL;
	if (guest_vgic_can_wake(g, v->index, TIMER_PPIS))
		return NULL;
	return "WFI with its timers off and no interrupt enabled for it";
}
