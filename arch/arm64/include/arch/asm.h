/* Assembler helpers. */
#ifndef ARCH_ASM_H
#define ARCH_ASM_H
#ifdef __ASSEMBLY__
/* PC-relative address of a symbol within +/-4 GiB: valid with the MMU off. */
.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm

/*
 * x2..x29 (or x2..x17, the caller-saved ones below x18) to and from a
 * register frame at base, where x[n] sits at n * 8: the layout of both
 * struct arch_regs (exceptions) and struct guest_gprs.
 */
.macro stp_x2_x17 base
	stp	x2, x3, [\base, #16]
	stp	x4, x5, [\base, #32]
	stp	x6, x7, [\base, #48]
	stp	x8, x9, [\base, #64]
	stp	x10, x11, [\base, #80]
	stp	x12, x13, [\base, #96]
	stp	x14, x15, [\base, #112]
	stp	x16, x17, [\base, #128]
.endm

.macro ldp_x2_x17 base
	ldp	x2, x3, [\base, #16]
	ldp	x4, x5, [\base, #32]
	ldp	x6, x7, [\base, #48]
	ldp	x8, x9, [\base, #64]
	ldp	x10, x11, [\base, #80]
	ldp	x12, x13, [\base, #96]
	ldp	x14, x15, [\base, #112]
	ldp	x16, x17, [\base, #128]
.endm

.macro stp_x2_x29 base
	stp_x2_x17 \base
	stp	x18, x19, [\base, #144]
	stp	x20, x21, [\base, #160]
	stp	x22, x23, [\base, #176]
	stp	x24, x25, [\base, #192]
	stp	x26, x27, [\base, #208]
	stp	x28, x29, [\base, #224]
.endm

.macro ldp_x2_x29 base
	ldp_x2_x17 \base
	ldp	x18, x19, [\base, #144]
	ldp	x20, x21, [\base, #160]
	ldp	x22, x23, [\base, #176]
	ldp	x24, x25, [\base, #192]
	ldp	x26, x27, [\base, #208]
	ldp	x28, x29, [\base, #224]
.endm
#endif
#endif
