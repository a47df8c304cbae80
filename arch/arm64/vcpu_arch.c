/*
 * The arch side of running a guest vCPU. EL1 system registers move lazily:
 * only guest vCPUs use them, so they change hands only when a different
 * guest vCPU runs on this CPU. FP/SIMD traps on the guest's first use and is
 * then saved on every exit, because the hypervisor's libc (memcpy & co.)
 * uses the SIMD registers.
 */
#include <string.h>
#include <arch/sysreg.h>
#include <arch/cpu.h>
#include <arch/irqflags.h>
#include <arch/vcpu_arch.h>
#include <mantle/vcpu.h>
#include <mantle/percpu.h>
#include <mantle/guest.h>

/* The virtual timer of a vCPU whose EL1 state leaves the CPU is followed in software. */
void vtimer_loaded(struct vcpu *v);
void vtimer_unloaded(struct vcpu *v);
void vtimer_init(void);
void vtimer_cpu_init(void);

#define HCR_SWIO   (1UL << 1)
#define HCR_PTW    (1UL << 2)
#define HCR_BSU_IS (1UL << 10)
#define HCR_FB     (1UL << 9)
#define HCR_TWI    (1UL << 13)
#define HCR_TWE    (1UL << 14)
#define HCR_TID3   (1UL << 18)
#define HCR_TSC    (1UL << 19)
#define HCR_TIDCP  (1UL << 20)
#define HCR_TACR   (1UL << 21)
#define HCR_TLOR   (1UL << 35)

#define HCR_GUEST  (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_BSU_IS | HCR_FB | \
		    HCR_TWI | HCR_TWE | HCR_TID3 | HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_TLOR | HCR_RW)


int __guest_enter(struct guest_gprs *regs);
void vgic_hw_enter(struct vcpu *v);
void vgic_hw_exit(struct vcpu *v);
void vgic_hw_init(void);
void vgic_hw_cpu_init(void);
void fpsimd_save(struct guest_fpregs *fp);
void fpsimd_restore(const struct guest_fpregs *fp);

static unsigned ipa_bits;
/*
 * Which vCPU's EL1 state each CPU holds. A vCPU leaves every slot
 * (arch_vcpu_unload) before it is freed, so a pointer here is always live.
 */
static struct vcpu *loaded_vcpu[CONFIG_MAX_CPUS];

unsigned arch_guest_ipa_bits(void)
{
	static const unsigned pa_bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	if (!ipa_bits) {
		ipa_bits = parange < 7 ? pa_bits[parange] : 48;
		if (ipa_bits > S2_MAX_IPA_BITS)
			ipa_bits = S2_MAX_IPA_BITS;
	}
	return ipa_bits;
}

void arch_virt_cpu_init(void)
{
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	/* T0SZ, SL0 = level 1, inner/outer WBWA, inner shareable, 4K granule, PS, RES1 bit 31. */
	uint64_t vtcr = (64 - arch_guest_ipa_bits()) | (1UL << 6) | (1UL << 8) | (1UL << 10) |
			(3UL << 12) | ((parange > 5 ? 5 : parange) << 16) | (1UL << 31);

	write_sysreg(vtcr_el2, vtcr);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	/* EL1 reads the physical counter; its physical timer traps (emulated per vCPU). */
	write_sysreg(cnthctl_el2, 1);
	isb();
	if (this_cpu_id() == 0) {
		vtimer_init();
		vgic_hw_init();
	} else {
		vtimer_cpu_init();
		vgic_hw_cpu_init();
	}
}

void arch_vcpu_reset(struct arch_vcpu *a, unsigned index, uint16_t vmid, const struct stage2 *s2)
{
	bool fp_used = false;

	memset(&a->regs, 0, sizeof(a->regs));
	memset(&a->sys, 0, sizeof(a->sys));
	memset(&a->fp, 0, sizeof(a->fp));
	a->fp_used = fp_used;
	a->regs.pstate = PSTATE_EL1H_MASKED;
	a->sys.sctlr = SCTLR_EL1_RESET;
	a->hcr = HCR_GUEST;
	/* Aff0 = vCPU index (a DTB's cpu@N reg), bit 31 is RES1. */
	a->vmpidr = (1UL << 31) | (index & 0xff) | ((uint64_t)(index >> 8) << 8);
	a->vttbr = ((uint64_t)vmid << 48) | (uint64_t)(uintptr_t)s2->root;
}

static void sysregs_save(struct guest_sysregs *s)
{
	s->sctlr = read_sysreg(sctlr_el1);
	s->ttbr0 = read_sysreg(ttbr0_el1);
	s->ttbr1 = read_sysreg(ttbr1_el1);
	s->tcr = read_sysreg(tcr_el1);
	s->mair = read_sysreg(mair_el1);
	s->amair = read_sysreg(amair_el1);
	s->vbar = read_sysreg(vbar_el1);
	s->contextidr = read_sysreg(contextidr_el1);
	s->tpidr_el0 = read_sysreg(tpidr_el0);
	s->tpidrro_el0 = read_sysreg(tpidrro_el0);
	s->tpidr_el1 = read_sysreg(tpidr_el1);
	s->sp_el0 = read_sysreg(sp_el0);
	s->sp_el1 = read_sysreg(sp_el1);
	s->elr_el1 = read_sysreg(elr_el1);
	s->spsr_el1 = read_sysreg(spsr_el1);
	s->esr_el1 = read_sysreg(esr_el1);
	s->far_el1 = read_sysreg(far_el1);
	s->afsr0 = read_sysreg(afsr0_el1);
	s->afsr1 = read_sysreg(afsr1_el1);
	s->par = read_sysreg(par_el1);
	s->cpacr = read_sysreg(cpacr_el1);
	s->cntkctl = read_sysreg(cntkctl_el1);
	s->csselr = read_sysreg(csselr_el1);
	s->mdscr = read_sysreg(mdscr_el1);
	s->cntv_ctl = read_sysreg(cntv_ctl_el0);
	s->cntv_cval = read_sysreg(cntv_cval_el0);
	/* A switched-out guest's timer must not fire into the next one. */
	write_sysreg(cntv_ctl_el0, 0);
}

static void sysregs_restore(const struct guest_sysregs *s)
{
	write_sysreg(sctlr_el1, s->sctlr);
	write_sysreg(ttbr0_el1, s->ttbr0);
	write_sysreg(ttbr1_el1, s->ttbr1);
	write_sysreg(tcr_el1, s->tcr);
	write_sysreg(mair_el1, s->mair);
	write_sysreg(amair_el1, s->amair);
	write_sysreg(vbar_el1, s->vbar);
	write_sysreg(contextidr_el1, s->contextidr);
	write_sysreg(tpidr_el0, s->tpidr_el0);
	write_sysreg(tpidrro_el0, s->tpidrro_el0);
	write_sysreg(tpidr_el1, s->tpidr_el1);
	write_sysreg(sp_el0, s->sp_el0);
	write_sysreg(sp_el1, s->sp_el1);
	write_sysreg(elr_el1, s->elr_el1);
	write_sysreg(spsr_el1, s->spsr_el1);
	write_sysreg(esr_el1, s->esr_el1);
	write_sysreg(far_el1, s->far_el1);
	write_sysreg(afsr0_el1, s->afsr0);
	write_sysreg(afsr1_el1, s->afsr1);
	write_sysreg(par_el1, s->par);
	write_sysreg(cpacr_el1, s->cpacr);
	write_sysreg(cntkctl_el1, s->cntkctl);
	write_sysreg(csselr_el1, s->csselr);
	write_sysreg(mdscr_el1, s->mdscr);
	write_sysreg(cntv_cval_el0, s->cntv_cval);
	write_sysreg(cntv_ctl_el0, s->cntv_ctl);
}

struct vcpu *arch_loaded_vcpu(void)
{
	return loaded_vcpu[this_cpu_id()];
}

void arch_vcpu_unload(struct vcpu *v)
{
	for (unsigned c = 0; c < CONFIG_MAX_CPUS; c++)
		if (loaded_vcpu[c] == v)
			loaded_vcpu[c] = NULL;
}

/* Save the EL1 state of whichever vCPU this CPU holds, if it is not v. IRQs masked. */
void arch_vcpu_load_el1(struct vcpu *v)
{
	unsigned cpu = this_cpu_id();
	struct vcpu *prev;

	prev = loaded_vcpu[cpu];
	if (prev == v)
		return;
	if (prev) {
		sysregs_save(&prev->arch->sys);
		vtimer_unloaded(prev);
	}
	write_sysreg(cntvoff_el2, v->arch->cntvoff);
	sysregs_restore(&v->arch->sys);
	loaded_vcpu[cpu] = v;
	vtimer_loaded(v);
}

int arch_vcpu_run(struct vcpu *v)
{
	struct arch_vcpu *a = v->arch;
	irqflags_t flags = arch_irq_save();
	int exit;

	arch_vcpu_load_el1(v);
	write_sysreg(hcr_el2, a->hcr);
	write_sysreg(vttbr_el2, a->vttbr);
	write_sysreg(vmpidr_el2, a->vmpidr);
	if (a->fp_used) {
		fpsimd_restore(&a->fp);
		write_sysreg(cptr_el2, CPTR_EL2_RES1 | CPTR_TZ);
	} else {
		write_sysreg(cptr_el2, CPTR_EL2_RES1 | CPTR_TZ | CPTR_TFP);
	}
	isb();

	if (v->guest->vgic)
		vgic_hw_enter(v);
	exit = __guest_enter(&a->regs);
	if (v->guest->vgic)
		vgic_hw_exit(v);

	/* Hypervisor code may use FP/SIMD again from here on. */
	write_sysreg(cptr_el2, CPTR_EL2_RES1 | CPTR_TZ);
	isb();
	if (a->fp_used)
		fpsimd_save(&a->fp);
	v->exits++;
	arch_irq_restore(flags);
	return exit;
}

void arch_flush_vmid(uint16_t vmid, const struct stage2 *s2)
{
	irqflags_t f = arch_irq_save();

	write_sysreg(vttbr_el2, ((uint64_t)vmid << 48) | (uint64_t)(uintptr_t)s2->root);
	isb();
	__asm__ volatile("tlbi vmalls12e1is\n\tdsb ish\n\tisb" ::: "memory");
	arch_irq_restore(f);
}
