/*
 * The steps around every entry into a guest, shared by arch_vcpu_run's loop
 * (vcpu_arch.c) and the quick-exit path that re-enters from guest_entry.S
 * (trap.c). Interrupts masked throughout.
 */
#ifndef ARM64_VCPU_ENTRY_H
#define ARM64_VCPU_ENTRY_H
#include <arch/sysreg.h>
#include <arch/vcpu_regs.h>
#include <arch/fpsimd_owner.h>
#include <mantle/vcpu.h>
#include <mantle/guest.h>

void vgic_hw_enter(struct vcpu *v);
void vgic_hw_exit(struct vcpu *v);

/*
 * With the list registers empty, the last flush listed all there was; it is
 * out of date once the model noted something for this vCPU since, or when
 * the host vtimer interrupt stayed silenced (only an exit's sampling of the
 * timer's output lets it through again).
 */
static inline bool lrs_stale(const struct arch_vcpu *a)
{
	return a->vgic.nr == 0 &&
	       (__atomic_load_n(a->vgic.model_notes, __ATOMIC_RELAXED) != a->vgic.notes ||
		a->vgic.resample_vtimer);
}

/* Back in: list registers and FP/SIMD as the last exit left them, or refilled. */
static inline void prepare_entry(struct vcpu *v)
{
	struct arch_vcpu *a = v->arch;

	if (v->guest->vgic && (!a->vgic.loaded || lrs_stale(a))) {
		if (a->vgic.loaded)
			vgic_hw_exit(v);
		vgic_hw_enter(v);
	}
	if (a->fp_used && !a->fp_in_regs)
		fpsimd_guest_load(v);
	/* A guest that never touched FP/SIMD traps on its first use (VCPU_EXIT_FP). */
	write_sysreg(cptr_el2, a->fp_used ? CPTR_EL2_FREE : CPTR_EL2_TRAP_FP);
}

/* Out: while the guest's FP/SIMD values are live, Mantle's own use of them traps. */
static inline void trap_fp_after_exit(const struct arch_vcpu *a)
{
	if (a->fp_used) {
		write_sysreg(cptr_el2, CPTR_EL2_TRAP_FP);
		isb();
	}
}

#endif
