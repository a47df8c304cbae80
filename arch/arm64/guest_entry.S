/*
 * Entering and leaving a guest. __guest_enter(ctx) pushes the caller's
 * callee-saved registers and ctx on the vCPU thread's EL2 stack and erets.
 * SP_EL2 is untouched while the guest runs, so the lower-EL vectors find
 * ctx at [sp], save the guest there and return from __guest_enter with the
 * exit reason in x0.
 */
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
	ldp	x2, x3, [x0, #GREGS_X(2)]
	ldp	x4, x5, [x0, #GREGS_X(4)]
	ldp	x6, x7, [x0, #GREGS_X(6)]
	ldp	x8, x9, [x0, #GREGS_X(8)]
	ldp	x10, x11, [x0, #GREGS_X(10)]
	ldp	x12, x13, [x0, #GREGS_X(12)]
	ldp	x14, x15, [x0, #GREGS_X(14)]
	ldp	x16, x17, [x0, #GREGS_X(16)]
	ldp	x18, x19, [x0, #GREGS_X(18)]
	ldp	x20, x21, [x0, #GREGS_X(20)]
	ldp	x22, x23, [x0, #GREGS_X(22)]
	ldp	x24, x25, [x0, #GREGS_X(24)]
	ldp	x26, x27, [x0, #GREGS_X(26)]
	ldp	x28, x29, [x0, #GREGS_X(28)]
	ldr	x30, [x0, #GREGS_X(30)]
	ldp	x0, x1, [x0, #GREGS_X(0)]
	eret

/* Entered from the vectors with the guest's x0/x1 pushed and x1 = reason. */
	.macro	guest_exit reason
	stp	x0, x1, [sp, #-16]!
	ldr	x0, [sp, #16]			/* ctx */
	stp	x2, x3, [x0, #GREGS_X(2)]
	stp	x4, x5, [x0, #GREGS_X(4)]
	stp	x6, x7, [x0, #GREGS_X(6)]
	stp	x8, x9, [x0, #GREGS_X(8)]
	stp	x10, x11, [x0, #GREGS_X(10)]
	stp	x12, x13, [x0, #GREGS_X(12)]
	stp	x14, x15, [x0, #GREGS_X(14)]
	stp	x16, x17, [x0, #GREGS_X(16)]
	stp	x18, x19, [x0, #GREGS_X(18)]
	stp	x20, x21, [x0, #GREGS_X(20)]
	stp	x22, x23, [x0, #GREGS_X(22)]
	stp	x24, x25, [x0, #GREGS_X(24)]
	stp	x26, x27, [x0, #GREGS_X(26)]
	stp	x28, x29, [x0, #GREGS_X(28)]
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
