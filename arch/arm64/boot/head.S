/*
 * EL2 entry for the boot CPU and for secondaries started through PSCI.
 *
 * The image starts with the arm64 Linux Image header so that QEMU -kernel
 * and U-Boot booti load it like a kernel and pass the host DTB in x0.
 */
#include <arch/asm.h>
#include <arch/sysreg.h>

	.section .text.head, "ax"
	.global _start_header
_start_header:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	CONFIG_TEXT_OFFSET		/* text_offset */
	.quad	_image_size			/* image_size, bss included */
	.quad	(1 << 1)			/* flags: LE, 4K pages, near RAM base */
	.quad	0, 0, 0				/* res2..res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */

primary_entry:
	msr	daifset, #0xf
	isb
	mrs	x20, cntpct_el0			/* entry time, for the boot log */
	mov	x19, x0				/* host DTB */

	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	boot_hang			/* not at EL2: nothing we can do */

	/* We run identity-mapped at our link address; refuse any other. */
	adr	x1, _start
	ldr	x2, =_start
	cmp	x1, x2
	b.ne	boot_hang

	bl	el2_reset_state

	/* Zero .bss with aligned stores (MMU off: Device memory rules). */
	adr_l	x1, _bss_start
	adr_l	x2, _bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:
	adr_l	x1, boot_stacks
	add	x1, x1, #CONFIG_STACK_SIZE
	mov	sp, x1

	mov	x0, x19
	bl	early_mmu_build

	/* Lines cached before us (by firmware) are stale now; drop them. */
	adr_l	x0, _start
	adr_l	x1, _end
	bl	dcache_inval_range

	bl	mmu_enable
	mov	x0, x19
	mov	x1, x20
	bl	mantle_main
	b	boot_hang

/* Secondary CPUs: x0 = logical CPU index (the PSCI context id). */
	.global secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	bl	el2_reset_state
	/* No stack until the MMU is on: our view of it must be the cached one. */
	bl	mmu_enable
	adr_l	x1, boot_stacks
	mov	x2, #CONFIG_STACK_SIZE
	madd	x1, x19, x2, x1
	add	sp, x1, x2
	mov	x0, x19
	bl	secondary_main
	b	boot_hang

/* Put EL2 into a known state. Clobbers x0. */
el2_reset_state:
	ldr	x0, =SCTLR_EL2_RES1
	msr	sctlr_el2, x0
	/* Physical IRQ/FIQ/SError are ours: route them to EL2. */
	ldr	x0, =(HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO)
	msr	hcr_el2, x0
	/* FP/SIMD usable at EL2 (libc uses it), SVE trapped. */
	ldr	x0, =(CPTR_EL2_RES1 | CPTR_TZ)
	msr	cptr_el2, x0
	adr_l	x0, el2_vectors
	msr	vbar_el2, x0
	isb
	ret

/* Enable the EL2 stage-1 MMU with the shared tables. No stack use. */
	.global mmu_enable
mmu_enable:
	ldr	x0, =MAIR_VALUE
	msr	mair_el2, x0
	mrs	x0, id_aa64mmfr0_el1
	and	x0, x0, #0xf			/* PARange */
	cmp	x0, #5				/* 4K granule, 4 levels: 48 bits max */
	mov	x1, #5
	csel	x0, x0, x1, ls
	lsl	x0, x0, #TCR_PS_SHIFT
	ldr	x1, =(TCR_EL2_RES1 | TCR_T0SZ(48) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K)
	orr	x0, x0, x1
	msr	tcr_el2, x0
	adr_l	x0, el2_root_table
	msr	ttbr0_el2, x0
	isb
	tlbi	alle2
	dsb	ish
	isb
	mrs	x0, sctlr_el2
	ldr	x1, =(SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I)
	orr	x0, x0, x1
	msr	sctlr_el2, x0
	isb
	ret

/* Invalidate data cache lines over [x0, x1). */
	.global dcache_inval_range
dcache_inval_range:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4			/* DminLine: log2(words) */
	mov	x2, #4
	lsl	x2, x2, x3			/* line size in bytes */
	sub	x3, x2, #1
	bic	x0, x0, x3
1:	cmp	x0, x1
	b.hs	2f
	dc	ivac, x0
	add	x0, x0, x2
	b	1b
2:	dsb	sy
	ret

	.global boot_hang
boot_hang:
	msr	daifset, #0xf
1:	wfe
	b	1b

	.section .bss
	.balign 4096
	.global boot_stacks
boot_stacks:
	.space	CONFIG_STACK_SIZE * CONFIG_MAX_CPUS
