/*
 * Guest FP/SIMD registers stay in the CPU while the vCPU's run loop goes
 * round fast exits. Mantle is built general-registers-only, but picolibc's
 * printf family and libfdt are not: while a guest's registers are live,
 * CPTR_EL2.TFP traps Mantle's own FP/SIMD use, and the first such use saves
 * them (el2_sync_handle) before letting it through.
 */
#include <arch/sysreg.h>
#include <arch/regs.h>
#include <arch/esr.h>
#include <arch/fpsimd_owner.h>
#include <arch/vcpu_regs.h>
#include <mantle/vcpu.h>
#include <mantle/percpu.h>

void fpsimd_save(struct guest_fpregs *fp);
void fpsimd_restore(const struct guest_fpregs *fp);
void exception_unexpected(struct arch_regs *regs, unsigned kind);

/* Per CPU: the vCPU whose FP/SIMD values the registers hold and nobody has saved. */
static struct vcpu *fp_live[CONFIG_MAX_CPUS];

static void fp_save_live(unsigned cpu)
{
	struct vcpu *v = fp_live[cpu];

	write_sysreg(cptr_el2, CPTR_EL2_FREE);
	isb();
	if (v) {
		fpsimd_save(&v->arch->fp);
		v->arch->fp_in_regs = false;
		fp_live[cpu] = NULL;
	}
}

void fpsimd_guest_load(struct vcpu *v)
{
	unsigned cpu = this_cpu_id();

	fp_save_live(cpu);
	fpsimd_restore(&v->arch->fp);
	v->arch->fp_in_regs = true;
	fp_live[cpu] = v;
}

void fpsimd_guest_put(struct vcpu *v)
{
	if (v->arch->fp_in_regs) {
		fp_save_live(this_cpu_id());
	} else {
		write_sysreg(cptr_el2, CPTR_EL2_FREE);
		isb();
	}
}

void el2_sync_handle(struct arch_regs *regs);
void el2_sync_handle(struct arch_regs *regs)
{
	if (ESR_EC(regs->esr) != ESR_EC_FP) {
		exception_unexpected(regs, 4);
		return;
	}
	/* The trapped instruction runs again on return, with the guest's values safe. */
	fp_save_live(this_cpu_id());
}
