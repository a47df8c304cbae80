/*
 * The arch side of running a guest vCPU. EL1 system registers move lazily:
 * only guest vCPUs use them, so they change hands only when a different
 * guest vCPU runs on this CPU. Exits that need no more than a quick handler
 * (hypercalls, system registers, emulated MMIO) are handled by
 * arch_exit_fast (trap.c) and host interrupts by arch_vcpu_run's loop, both
 * with the vCPU still loaded: its FP/SIMD registers stay in the CPU
 * (fpsimd_owner.c) and its list registers are refilled only when the vGIC
 * changed for it.
 */
#include <string.h>
#include <arch/sysreg.h>
#include <arch/cpu.h>
#include <arch/irqflags.h>
#include <arch/vcpu_arch.h>
#include <arch/fpsimd_owner.h>
#include "vcpu_entry.h"
#include <mantle/irq.h>
#include <mantle/vcpu_exit.h>
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


int __guest_enter(struct guest_gprs *regs, struct vcpu *v);
void vgic_hw_init(void);
void vgic_hw_cpu_init(void);

/*
 * MDCR_EL2: the debug registers trap (TDA, TDOSA, TDRA), since Mantle does
 * not switch them (trap.c makes them RAZ/WI); the PMU is switched instead,
 * and HPMN gives EL1 every event counter.
 */
#define MDCR_TDA   (1UL << 9)
#define MDCR_TDOSA (1UL << 10)
#define MDCR_TDRA  (1UL << 11)
#define PMCR_P     (1UL << 1)
#define PMCR_C     (1UL << 2)

static unsigned ipa_bits;
/* Features whose EL1 state cannot be trapped, so is switched with the rest. */
static bool has_sme, has_ras, has_pmu;
static unsigned pmu_counters;          /* PMCR_EL0.N */
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

static uint64_t mdcr_value(void)
{
	uint64_t pmuver = (read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf;

	/* PMCR_EL0 exists with a PMUv3 only (PMUVer 1..14; 15 is an IMPLEMENTATION DEFINED PMU). */
	has_pmu = pmuver && pmuver != 0xf;
	pmu_counters = has_pmu ? (read_sysreg(pmcr_el0) >> 11) & 0x1f : 0;
	if (pmu_counters > GUEST_PMU_COUNTERS)
		pmu_counters = GUEST_PMU_COUNTERS;
	return MDCR_TDA | MDCR_TDOSA | MDCR_TDRA | pmu_counters;
}

/* The vCPU's PMU leaves the CPU: stopped first, so that nothing counts for it meanwhile. */
static void pmu_save(struct guest_pmu *p)
{
	p->cnten = read_sysreg(pmcntenset_el0);
	write_sysreg(pmcntenclr_el0, ~0UL);
	isb();
	p->pmcr = read_sysreg(pmcr_el0);
	p->selr = read_sysreg(pmselr_el0);
	p->userenr = read_sysreg(pmuserenr_el0);
	p->inten = read_sysreg(pmintenset_el1);
	p->ovs = read_sysreg(pmovsset_el0);
	p->ccntr = read_sysreg(pmccntr_el0);
	p->ccfiltr = read_sysreg(pmccfiltr_el0);
	for (unsigned i = 0; i < pmu_counters; i++) {
		write_sysreg(pmselr_el0, i);
		isb();
		p->evcntr[i] = read_sysreg(pmxevcntr_el0);
		p->evtyper[i] = read_sysreg(pmxevtyper_el0);
	}
}

/* Everything back as the vCPU left it; the counters it had enabled start last. */
static void pmu_restore(const struct guest_pmu *p)
{
	write_sysreg(pmcntenclr_el0, ~0UL);
	write_sysreg(pmcr_el0, p->pmcr & ~(PMCR_P | PMCR_C));  /* not the reset-the-counters bits */
	for (unsigned i = 0; i < pmu_counters; i++) {
		write_sysreg(pmselr_el0, i);
		isb();
		write_sysreg(pmxevtyper_el0, p->evtyper[i]);
		write_sysreg(pmxevcntr_el0, p->evcntr[i]);
	}
	write_sysreg(pmccfiltr_el0, p->ccfiltr);
	write_sysreg(pmccntr_el0, p->ccntr);
	write_sysreg(pmuserenr_el0, p->userenr);
	write_sysreg(pmintenclr_el1, ~0UL);
	write_sysreg(pmintenset_el1, p->inten);
	write_sysreg(pmovsclr_el0, ~0UL);
	write_sysreg(pmovsset_el0, p->ovs);
	write_sysreg(pmselr_el0, p->selr);
	isb();
	write_sysreg(pmcntenset_el0, p->cnten);
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
	write_sysreg(mdcr_el2, mdcr_value());
	isb();
	has_sme = ((read_sysreg(id_aa64pfr1_el1) >> 24) & 0xf) != 0;
	has_ras = ((read_sysreg(id_aa64pfr0_el1) >> 28) & 0xf) != 0;
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
	/* The virtual CPU interface starts disabled, as a GIC's does. */
	memset(&a->vgic, 0, sizeof(a->vgic));
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
	if (has_sme)
		s->tpidr2 = read_sysreg(s3_3_c13_c0_5);        /* TPIDR2_EL0 */
	if (has_ras)
		s->vdisr = read_sysreg(s3_4_c12_c1_1);         /* VDISR_EL2: EL1's DISR_EL1 (HCR_EL2.AMO) */
	if (has_pmu)
		pmu_save(&s->pmu);
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
	if (has_sme)
		write_sysreg(s3_3_c13_c0_5, s->tpidr2);
	if (has_ras)
		write_sysreg(s3_4_c12_c1_1, s->vdisr);
	if (has_pmu)
		pmu_restore(&s->pmu);
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
	for (;;) {
		uint64_t t0;

		prepare_entry(v);
		/* Quick synchronous exits never come back here: arch_exit_fast re-enters. */
		exit = __guest_enter(&a->regs, v);
		if (exit == EXIT_SYNC_DONE) {
			exit = ARCH_EXIT_HANDLED;
			break;
		}
		if (exit == EXIT_SYNC)
			break;          /* not quick: arch_exit_fast trapped FP/SIMD already */
		trap_fp_after_exit(a);
		if (exit != EXIT_IRQ)
			break;
		t0 = read_sysreg(cntpct_el0);
		if (a->vgic.loaded)
			vgic_hw_exit(v);
		irq_dispatch();
		vcpu_count_exit(v, arch_vcpu_handle_exit(v, EXIT_IRQ), read_sysreg(cntpct_el0) - t0);
		if (!guest_vcpu_may_reenter(v)) {
			exit = ARCH_EXIT_HANDLED;
			break;
		}
	}
	if (a->vgic.loaded)
		vgic_hw_exit(v);
	fpsimd_guest_put(v);
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
