/*
 * Entering and leaving a guest. __guest_enter(ctx) pushes the caller's
 * callee-saved registers and ctx on the vCPU thread's EL2 stack and erets.
 * SP_EL2 is untouched while the guest runs, so the lower-EL vectors find
 * ctx at [sp], save the guest there and return from __guest_enter with the
 * exit reason in x0.
 */
#include <arch/asm.h>
#include <arch/vcpu_regs.h>

	.text
	.global	__guest_enter
__guest_enter:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	str	x0, [sp, #-16]!

	ldp	x1, x2, [x0, #GREGS_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp_x2_x29 x0
	ldr	x30, [x0, #GREGS_X(30)]
	ldp	x0, x1, [x0, #GREGS_X(0)]
	eret

/* Entered from the vectors with the guest's x0/x1 pushed and x1 = reason. */
	.macro	guest_exit reason
	stp	x0, x1, [sp, #-16]!
	ldr	x0, [sp, #16]			/* ctx */
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
	mov	x0, #\reason
	add	sp, sp, #16			/* drop ctx */
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
	guest_exit EXIT_SYNC
	.global	__guest_exit_irq
__guest_exit_irq:
	guest_exit EXIT_IRQ
	.global	__guest_exit_serror
__guest_exit_serror:
	guest_exit EXIT_SERROR
