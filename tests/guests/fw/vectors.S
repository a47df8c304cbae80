/*
 * EL1 exception vectors. Every entry saves the full register frame and
 * calls fw_exception(frame, kind) (fault.c), which may change the saved
 * ELR_EL1 before the frame is restored and the exception returns.
 * kind = 4 * group + type: group 0 current EL with SP_EL0, 1 current EL
 * with SP_ELx, 2 lower EL AArch64, 3 lower EL AArch32; type 0 synchronous,
 * 1 IRQ, 2 FIQ, 3 SError.
 *
 * The FP/SIMD registers (q0-q31, FPSR, FPCR) are saved above the frame: an
 * IRQ handler is ordinary C, which may use them, interrupting code that
 * does too.
 */

#define GP_SIZE    (36 * 8)	/* x0-x30, elr, spsr, esr, far, pad: struct exc_frame */
#define FP_SIZE    (16 + 32 * 16)	/* fpsr, fpcr, q0-q31 */
#define FRAME_SIZE (GP_SIZE + FP_SIZE)

.macro vector kind
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\kind
	b	exception_common
.endm

	.text
	.balign	2048
	.globl fw_vectors
fw_vectors:
	vector 0
	vector 1
	vector 2
	vector 3
	vector 4
	vector 5
	vector 6
	vector 7
	vector 8
	vector 9
	vector 10
	vector 11
	vector 12
	vector 13
	vector 14
	vector 15

exception_common:
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	mrs	x2, elr_el1
	stp	x30, x2, [sp, #16 * 15]
	mrs	x2, spsr_el1
	mrs	x3, esr_el1
	stp	x2, x3, [sp, #16 * 16]
	mrs	x2, far_el1
	str	x2, [sp, #16 * 17]
	add	x2, sp, #GP_SIZE
	mrs	x3, fpsr
	mrs	x4, fpcr
	stp	x3, x4, [x2], #16
	stp	q0, q1, [x2, #32 * 0]
	stp	q2, q3, [x2, #32 * 1]
	stp	q4, q5, [x2, #32 * 2]
	stp	q6, q7, [x2, #32 * 3]
	stp	q8, q9, [x2, #32 * 4]
	stp	q10, q11, [x2, #32 * 5]
	stp	q12, q13, [x2, #32 * 6]
	stp	q14, q15, [x2, #32 * 7]
	stp	q16, q17, [x2, #32 * 8]
	stp	q18, q19, [x2, #32 * 9]
	stp	q20, q21, [x2, #32 * 10]
	stp	q22, q23, [x2, #32 * 11]
	stp	q24, q25, [x2, #32 * 12]
	stp	q26, q27, [x2, #32 * 13]
	stp	q28, q29, [x2, #32 * 14]
	stp	q30, q31, [x2, #32 * 15]

	mov	x0, sp
	bl	fw_exception

	add	x2, sp, #GP_SIZE
	ldp	x3, x4, [x2], #16
	msr	fpsr, x3
	msr	fpcr, x4
	ldp	q0, q1, [x2, #32 * 0]
	ldp	q2, q3, [x2, #32 * 1]
	ldp	q4, q5, [x2, #32 * 2]
	ldp	q6, q7, [x2, #32 * 3]
	ldp	q8, q9, [x2, #32 * 4]
	ldp	q10, q11, [x2, #32 * 5]
	ldp	q12, q13, [x2, #32 * 6]
	ldp	q14, q15, [x2, #32 * 7]
	ldp	q16, q17, [x2, #32 * 8]
	ldp	q18, q19, [x2, #32 * 9]
	ldp	q20, q21, [x2, #32 * 10]
	ldp	q22, q23, [x2, #32 * 11]
	ldp	q24, q25, [x2, #32 * 12]
	ldp	q26, q27, [x2, #32 * 13]
	ldp	q28, q29, [x2, #32 * 14]
	ldp	q30, q31, [x2, #32 * 15]
	ldp	x30, x2, [sp, #16 * 15]
	msr	elr_el1, x2
	ldr	x2, [sp, #16 * 16]
	msr	spsr_el1, x2
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #FRAME_SIZE
	eret
