/* Assembler helpers. */
#ifndef ARCH_ASM_H
#define ARCH_ASM_H
#ifdef __ASSEMBLY__
/* PC-relative address of a symbol within +/-4 GiB: valid with the MMU off. */
.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm
#endif
#endif
