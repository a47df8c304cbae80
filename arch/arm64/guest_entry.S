/*
 * Entering and leaving a guest. __guest_enter(regs, v) pushes the caller's
 * callee-saved registers, then regs and v, on the vCPU thread's EL2 stack and
 * erets. SP_EL2 is untouched while the guest runs, so the lower-EL vectors
 * find regs and v at [sp] and save the guest there.
 *
 * A synchronous exit first asks arch_exit_fast whether it was handled on
 * the spot; if so the guest goes straight back in from here, and the host's
 * callee-saved registers stay on the stack, never reloaded. Otherwise
 * __guest_enter returns with what arch_exit_fast said (EXIT_* in x0).
 */
#include <arch/asm.h>
#include <arch/vcpu_regs.h>

	/* Load the guest's registers from the struct guest_gprs at x0 and enter it. */
	.macro	guest_resume
	ldp	x1, x2, [x0, #GREGS_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp_x2_x29 x0
	ldr	x30, [x0, #GREGS_X(30)]
	ldp	x0, x1, [x0, #GREGS_X(0)]
	eret
	.endm

	.text
	.global	__guest_enter
__guest_enter:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	stp	x0, x1, [sp, #-16]!
	guest_resume

/* Entered from the vectors: the guest's registers into regs; leaves sp at [regs, v]. */
	.macro	guest_save
	stp	x0, x1, [sp, #-16]!
	ldr	x0, [sp, #16]			/* regs */
	stp_x2_x29 x0
	str	x30, [x0, #GREGS_X(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #GREGS_X(0)]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #GREGS_PC]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [x0, #GREGS_ESR]
	mrs	x2, hpfar_el2
	str	x2, [x0, #GREGS_HPFAR]
	.endm

	/* Back to __guest_enter's caller with x0 = the exit. */
	.macro	guest_leave
	add	sp, sp, #16			/* drop regs, v */
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret
	.endm

	.global	__guest_exit_sync
__guest_exit_sync:
	guest_save
	ldr	x0, [sp, #8]			/* v */
	bl	arch_exit_fast
	cmp	w0, #EXIT_REENTER
	b.ne	1f
	ldr	x0, [sp]
	guest_resume
1:	guest_leave

	.global	__guest_exit_irq
__guest_exit_irq:
	guest_save
	mov	x0, #EXIT_IRQ
	guest_leave

	.global	__guest_exit_serror
__guest_exit_serror:
	guest_save
	mov	x0, #EXIT_SERROR
	guest_leave
