/*
 * EL2 exception vectors. Every entry saves a full struct arch_regs on the
 * current stack. Exceptions Mantle does not expect yet (from a lower EL, or
 * a synchronous fault of its own) end in a register dump and a halted CPU.
 */
#include <arch/asm.h>
#include <arch/regs.h>

	.macro	save_regs
	sub	sp, sp, #REGS_SIZE
	stp	x0, x1, [sp, #REGS_X(0)]
	stp	x2, x3, [sp, #REGS_X(2)]
	stp	x4, x5, [sp, #REGS_X(4)]
	stp	x6, x7, [sp, #REGS_X(6)]
	stp	x8, x9, [sp, #REGS_X(8)]
	stp	x10, x11, [sp, #REGS_X(10)]
	stp	x12, x13, [sp, #REGS_X(12)]
	stp	x14, x15, [sp, #REGS_X(14)]
	stp	x16, x17, [sp, #REGS_X(16)]
	stp	x18, x19, [sp, #REGS_X(18)]
	stp	x20, x21, [sp, #REGS_X(20)]
	stp	x22, x23, [sp, #REGS_X(22)]
	stp	x24, x25, [sp, #REGS_X(24)]
	stp	x26, x27, [sp, #REGS_X(26)]
	stp	x28, x29, [sp, #REGS_X(28)]
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
	ldp	x2, x3, [sp, #REGS_X(2)]
	ldp	x4, x5, [sp, #REGS_X(4)]
	ldp	x6, x7, [sp, #REGS_X(6)]
	ldp	x8, x9, [sp, #REGS_X(8)]
	ldp	x10, x11, [sp, #REGS_X(10)]
	ldp	x12, x13, [sp, #REGS_X(12)]
	ldp	x14, x15, [sp, #REGS_X(14)]
	ldp	x16, x17, [sp, #REGS_X(16)]
	ldp	x18, x19, [sp, #REGS_X(18)]
	ldp	x20, x21, [sp, #REGS_X(20)]
	ldp	x22, x23, [sp, #REGS_X(22)]
	ldp	x24, x25, [sp, #REGS_X(24)]
	ldp	x26, x27, [sp, #REGS_X(26)]
	ldp	x28, x29, [sp, #REGS_X(28)]
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
	vec_unexpected	4	/* current EL, SP_ELx: sync */
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
