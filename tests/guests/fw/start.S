/*
 * Entry points of the test firmware.
 *
 * The image is an arm64 Linux Image: the boot vCPU enters at its first byte
 * at EL1h, MMU and caches off, with the DTB address in x0. Secondary vCPUs
 * enter at secondary_entry through PSCI CPU_ON with their logical number as
 * context id (in x0).
 */
#include "cpu.h"
#include "mmu.h"
#include "uart.h"

#define CPACR_FPEN_NOTRAP (3 << 20)

	.section .text.head, "ax"
	.globl _start
_start:
	/* The 64-byte Image header (Documentation/arch/arm64/booting.rst). */
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0x80000				/* text_offset */
	.quad	_image_end - _start		/* image_size, bss included */
	.quad	(1 << 1)			/* flags: little endian, 4K pages */
	.quad	0, 0, 0				/* res2-res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */

primary_entry:
	msr	daifset, #0xf
	mov	x19, x0				/* the DTB */

	/* Written for EL1 only (a guest's kernel level): say so anywhere else. */
	mrs	x1, CurrentEL
	cmp	x1, #(1 << 2)
	b.ne	not_el1

	/* The image is linked to run where it was loaded; nothing relocates it. */
	adr	x1, _start
	ldr	x2, =_start
	cmp	x1, x2
	b.ne	park

	adrp	x1, fw_stacks
	add	x1, x1, :lo12:fw_stacks
	add	sp, x1, #FW_STACK_SIZE		/* CPU 0's stack */
	bl	cpu_early_init

	/* Zero .bss (16-byte aligned by fw.lds). */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:
	bl	mmu_build_tables
	/* Written with the MMU off: drop any stale cache lines over .bss. */
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
	bl	dcache_inval_range
	bl	mmu_enable

	mov	x0, x19
	bl	fw_main
	b	park

	.text
	.globl secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0				/* logical CPU number, 1.. */
	cbz	x19, park
	cmp	x19, #FW_MAX_CPUS
	b.hs	park
	adrp	x1, fw_stacks
	add	x1, x1, :lo12:fw_stacks
	add	x2, x19, #1
	mov	x3, #FW_STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	bl	cpu_early_init
	bl	mmu_enable
	mov	x0, x19
	bl	secondary_main
park:
	wfe
	b	park

/*
 * Entered at EL2 with nothing under us (QEMU virt with virtualization=on):
 * become the benchmarks' bare hypervisor, which traps nothing and whose
 * every vector only returns, then enter the firmware at EL1 as usual. Only
 * the boot CPU comes here; the stub's benchmarks use no other.
 */
not_el1:
	cmp	x1, #(2 << 2)
	b.ne	not_el1_or_el2
	adr	x1, stub_el2_vectors
	msr	vbar_el2, x1
	mov	x1, #(1 << 31)			/* HCR_EL2.RW: EL1 is AArch64, nothing trapped */
	msr	hcr_el2, x1
	mov	x1, #3				/* CNTHCTL_EL2.EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	mov	x1, #0x33ff			/* CPTR_EL2: its RES1 bits, FP/SIMD not trapped */
	msr	cptr_el2, x1
	mrs	x1, id_aa64pfr0_el1
	ubfx	x1, x1, #24, #4			/* GIC system register interface */
	cbz	x1, 1f
	mov	x1, #0xf			/* ICC_SRE_EL2: SRE, DFB, DIB, Enable (EL1 may use it) */
	msr	S3_4_C12_C9_5, x1
	isb
1:	mov	x1, #0x3c5			/* EL1h, DAIF masked */
	msr	spsr_el2, x1
	adr	x1, primary_entry
	msr	elr_el2, x1
	mov	x0, x19
	eret

/* Best effort, MMU off: the message to the default PL011, then park. */
not_el1_or_el2:
	adr	x1, not_el1_msg
	mov	x2, #PL011_DEFAULT_BASE
1:	ldrb	w3, [x1], #1
	cbz	w3, park
	str	w3, [x2]
	b	1b
not_el1_msg:
	.asciz	"fw: not entered at EL1 or EL2: stopping\r\n"
	.balign	4

/* FP/SIMD on (picolibc uses it), exception vectors in, no per-CPU state yet. */
cpu_early_init:
	mov	x0, #CPACR_FPEN_NOTRAP
	msr	cpacr_el1, x0
	adrp	x0, fw_vectors
	add	x0, x0, :lo12:fw_vectors
	msr	vbar_el1, x0
	msr	tpidr_el1, xzr
	isb
	ret

/*
 * Identity map on (mmu.h), MMU and caches on. It touches no memory: a
 * secondary runs it with the MMU off, when its stack's cache lines may still
 * hold what it left there last time.
 */
mmu_enable:
	mrs	x0, id_aa64mmfr0_el1
	and	x0, x0, #0xf			/* PARange */
	cmp	x0, #MMU_MAX_PARANGE
	mov	x1, #MMU_MAX_PARANGE
	csel	x0, x0, x1, ls
	ldr	x1, =MMU_TCR
	orr	x0, x1, x0, lsl #32		/* TCR_EL1.IPS */
	ic	iallu
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x1, =MMU_MAIR
	msr	mair_el1, x1
	msr	tcr_el1, x0
	adrp	x1, mmu_l1_table
	add	x1, x1, :lo12:mmu_l1_table
	msr	ttbr0_el1, x1
	isb
	ldr	x1, =MMU_SCTLR
	msr	sctlr_el1, x1
	isb
	ret

/* dcache_inval_range(start, end): invalidate data cache lines to the PoC. */
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

/* The stub hypervisor's vectors: every exception taken to EL2 returns at once. */
	.balign	2048
stub_el2_vectors:
	.rept	16
	eret
	.balign	128
	.endr

	.bss
	.balign	16
	.globl fw_stacks
fw_stacks:
	.space	FW_STACK_SIZE * FW_MAX_CPUS
