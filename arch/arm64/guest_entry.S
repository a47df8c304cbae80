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
	mrs	x1, esr_el2
	guest_save_rest
	.endm

	/* The rest of guest_save, with the guest's x0/x1 pushed and x1 = ESR_EL2. */
	.macro	guest_save_rest
	ldr	x0, [sp, #16]			/* regs */
	str	x1, [x0, #GREGS_ESR]
	stp_x2_x29 x0
	str	x30, [x0, #GREGS_X(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #GREGS_X(0)]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #GREGS_PC]
	mrs	x2, far_el2
	mrs	x3, hpfar_el2
	stp	x2, x3, [x0, #GREGS_FAR]
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
	stp	x0, x1, [sp, #-16]!
	mrs	x1, esr_el2
	lsr	x0, x1, #27
	cmp	x0, #0xb			/* EC 0x16 or 0x17: HVC64 or SMC64 */
	b.eq	hypercall_exit
	guest_save_rest
	ldr	x0, [sp, #8]			/* v */
	bl	arch_exit_fast
	cmp	w0, #EXIT_REENTER
	b.ne	1f
	ldr	x0, [sp]
	guest_resume
1:	guest_leave

/*
 * A hypercall's handlers read x0..x3 and write x0 (or another, stopped,
 * vCPU's registers), and C code keeps x19..x29: those stay in the CPU
 * unless the exit goes the full way. FAR and HPFAR mean nothing here.
 */
hypercall_exit:
	ldr	x0, [sp, #16]			/* regs */
	str	x1, [x0, #GREGS_ESR]
	stp_x2_x17 x0
	str	x18, [x0, #GREGS_X(18)]
	str	x30, [x0, #GREGS_X(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #GREGS_X(0)]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #GREGS_PC]
	ldr	x0, [sp, #8]			/* v */
	bl	arch_exit_fast
	ldr	x1, [sp]			/* regs */
	cmp	w0, #EXIT_REENTER
	b.ne	2f
	ldp	x2, x3, [x1, #GREGS_PC]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp_x2_x17 x1
	ldr	x18, [x1, #GREGS_X(18)]
	ldr	x30, [x1, #GREGS_X(30)]
	ldp	x0, x1, [x1, #GREGS_X(0)]
	eret
2:	stp	x19, x20, [x1, #GREGS_X(19)]
	stp	x21, x22, [x1, #GREGS_X(21)]
	stp	x23, x24, [x1, #GREGS_X(23)]
	stp	x25, x26, [x1, #GREGS_X(25)]
	stp	x27, x28, [x1, #GREGS_X(27)]
	str	x29, [x1, #GREGS_X(29)]
	guest_leave

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
