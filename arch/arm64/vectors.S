/*
 * EL2 exception vectors. Every entry saves a full struct arch_regs on the
 * current stack. Exceptions Mantle does not expect (from AArch32, an FIQ,
 * a synchronous fault of its own other than a trapped FP/SIMD access) end
 * in a register dump and a halted CPU.
 */
#include <arch/asm.h>
#include <arch/regs.h>

	.macro	save_regs
	sub	sp, sp, #REGS_SIZE
	stp	x0, x1, [sp, #REGS_X(0)]
	stp_x2_x29 sp
	add	x0, sp, #REGS_SIZE
	stp	x30, x0, [sp, #REGS_X(30)]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #REGS_ELR]
	mrs	x0, esr_el2
	mrs	x1, far_el2
	stp	x0, x1, [sp, #REGS_ESR]
	.endm

	.macro	restore_regs
	ldp	x0, x1, [sp, #REGS_ELR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #REGS_X(0)]
	ldp_x2_x29 sp
	ldr	x30, [sp, #REGS_X(30)]
	add	sp, sp, #REGS_SIZE
	eret
	.endm

	/* kind: 0..15 = vector slot, as exception_unexpected() decodes it */
	.macro	vec_unexpected kind
	.balign	128
	save_regs
	mov	x0, sp
	mov	x1, #\kind
	bl	exception_unexpected
	b	boot_hang
	.endm

	/* Mantle's own synchronous exception: a lazily switched FP/SIMD access, or a fatal one. */
	.macro	vec_el2_sync
	.balign	128
	save_regs
	mov	x0, sp
	bl	el2_sync_handle
	b	exception_return
	.endm

	.macro	vec_irq
	.balign	128
	save_regs
	mov	x0, sp
	bl	irq_handle_entry
	b	exception_return
	.endm

	/* A guest was running: leave it through guest_entry.S. */
	.macro	vec_guest target
	.balign	128
	b	\target
	.endm

	.text
	.balign	2048
	.global	el2_vectors
el2_vectors:
	vec_unexpected	0	/* current EL, SP_EL0: sync */
	vec_unexpected	1	/* irq */
	vec_unexpected	2	/* fiq */
	vec_unexpected	3	/* serror */
	vec_el2_sync		/* current EL, SP_ELx: sync */
	vec_irq			/* irq: the hypervisor's own interrupts */
	vec_unexpected	6	/* fiq */
	vec_unexpected	7	/* serror */
	vec_guest	__guest_exit_sync	/* lower EL AArch64: sync */
	vec_guest	__guest_exit_irq	/* irq */
	vec_unexpected	10	/* fiq */
	vec_guest	__guest_exit_serror	/* serror */
	vec_unexpected	12	/* lower EL AArch32 */
	vec_unexpected	13
	vec_unexpected	14
	vec_unexpected	15

exception_return:
	restore_regs
