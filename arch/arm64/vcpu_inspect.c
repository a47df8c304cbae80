/* A guest vCPU's state for crash detection (see vcpu_inspect.h). */
#include <arch/sysreg.h>
#include <arch/irqflags.h>
#include <arch/vcpu_arch.h>
#include <arch/vcpu_inspect.h>
#include <mantle/vcpu.h>
#include <mantle/guest.h>
#include <vgic/vgic_emu.h>

struct vcpu *arch_loaded_vcpu(void);

/* VMCR: group enables in bits 1:0 for both; the priority mask is 8 bits (GICv3) or 5 (GICv2). */
#define VMCR_GRP_ENABLES  0x3ULL
#define VMCR_V3_PMR_SHIFT 24
#define VMCR_V2_PMR_SHIFT 27

void arch_vcpu_exc_state(struct vcpu *v, struct crash_exc_state *st)
{
	const struct guest_sysregs *s = &v->arch->sys;
	irqflags_t f = arch_irq_save();

	st->pc = v->arch->regs.pc;
	if (arch_loaded_vcpu() == v) {
		st->vbar = read_sysreg(vbar_el1);
		st->esr = read_sysreg(esr_el1);
		st->elr = read_sysreg(elr_el1);
		st->far = read_sysreg(far_el1);
		st->spsr = read_sysreg(spsr_el1);
	} else {
		st->vbar = s->vbar;
		st->esr = s->esr_el1;
		st->elr = s->elr_el1;
		st->far = s->far_el1;
		st->spsr = s->spsr_el1;
	}
	arch_irq_restore(f);
}

static bool timer_armed(uint64_t ctl)
{
	return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE;
}

uint32_t arch_vcpu_armed_timer_ppis(struct vcpu *v)
{
	irqflags_t f = arch_irq_save();
	uint64_t cntv_ctl = arch_loaded_vcpu() == v ? read_sysreg(cntv_ctl_el0) : v->arch->sys.cntv_ctl;
	uint32_t ppis = 0;

	arch_irq_restore(f);
	if (timer_armed(cntv_ctl))
		ppis |= 1u << VTIMER_INTID;
	if (timer_armed(v->arch->cntp_ctl))
		ppis |= 1u << PTIMER_INTID;
	return ppis;
}

bool arch_vcpu_cpuif_open(struct vcpu *v)
{
	/* Read back from the hardware at every exit (vgic_hw_exit). */
	uint64_t vmcr = v->arch->vgic.vmcr;
	uint64_t pmr = guest_vgic_version(v->guest) == 3 ? (vmcr >> VMCR_V3_PMR_SHIFT) & 0xff :
							   (vmcr >> VMCR_V2_PMR_SHIFT) & 0x1f;

	return (vmcr & VMCR_GRP_ENABLES) && pmr;
}
