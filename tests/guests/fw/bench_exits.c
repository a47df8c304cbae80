/*
 * Single-CPU exit paths: the register save/restore floor, the null
 * hypercall, a trapped distributor read, emulated PL011 accesses, ending a
 * virtual interrupt, and a pointer chase that measures stage-2 translation.
 */
#include <stdio.h>
#include "bench.h"
#include "dtb.h"
#include "gic.h"
#include "mmio.h"
#include "psci.h"

#define ROUNDS        200
#define GICD_IIDR     0x008
#define UARTFR        0x018
#define UARTIMSC      0x038
#define SGI_BENCH_EOI 13
#define ACK_TRIES     1000

#define CHASE_SIZE    (16u << 20)	/* far beyond any TLB */
#define CHASE_PAGE    4096u
#define CHASE_STEPS   1000u
#define CHASE_ROUNDS  32

typedef void (*bench_op)(void);

static void time_op(const char *name, bench_op op)
{
	for (unsigned int i = 0; i < ROUNDS; i++) {
		uint64_t t0 = bench_now();

		op();
		bench_samples[i] = bench_delta(t0, bench_now());
	}
	bench_report(name, bench_samples, ROUNDS);
}

/*
 * 33 loads and stores of register pairs, timed inline: what saving and
 * restoring the general-purpose registers costs at least, on any world
 * switch. The clobbers make the compiler save callee-saved registers in the
 * prologue, outside the timed part.
 */
static void floor_ldp_stp(void)
{
	static uint64_t frame[34] __attribute__((aligned(16)));

	for (unsigned int i = 0; i < ROUNDS; i++) {
		uint64_t t0 = bench_now(), t1;

		__asm__ volatile(
			"stp x0, x1, [%1, #0]\n stp x2, x3, [%1, #16]\n stp x4, x5, [%1, #32]\n"
			"stp x6, x7, [%1, #48]\n stp x8, x9, [%1, #64]\n stp x10, x11, [%1, #80]\n"
			"stp x12, x13, [%1, #96]\n stp x14, x15, [%1, #112]\n stp x16, x17, [%1, #128]\n"
			"stp x18, x19, [%1, #144]\n stp x20, x21, [%1, #160]\n stp x22, x23, [%1, #176]\n"
			"stp x24, x25, [%1, #192]\n stp x26, x27, [%1, #208]\n stp x28, x29, [%1, #224]\n"
			"stp x30, xzr, [%1, #240]\n"
			"ldp x2, x3, [%1, #16]\n ldp x4, x5, [%1, #32]\n"
			"ldp x6, x7, [%1, #48]\n ldp x8, x9, [%1, #64]\n ldp x10, x11, [%1, #80]\n"
			"ldp x12, x13, [%1, #96]\n ldp x14, x15, [%1, #112]\n ldp x16, x17, [%1, #128]\n"
			"ldp x18, x19, [%1, #144]\n ldp x20, x21, [%1, #160]\n ldp x22, x23, [%1, #176]\n"
			"ldp x24, x25, [%1, #192]\n ldp x26, x27, [%1, #208]\n ldp x28, x29, [%1, #224]\n"
			"ldp x30, x0, [%1, #240]\n ldp x0, x1, [%1, #0]\n mrs %0, pmccntr_el0\n"
			: "=&r"(t1) : "r"(frame)
			: "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			  "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22",
			  "x23", "x24", "x25", "x26", "x30", "memory");
		bench_samples[i] = t1 - t0;
	}
	bench_report("floor_33_ldp_stp", bench_samples, ROUNDS);
}

/* SMCCC_VERSION: the cheapest call a hypervisor answers (the stub answers nothing). */
static void null_hypercall(void)
{
	register uint64_t x0 __asm__("x0") = SMCCC_VERSION;

	__asm__ volatile("hvc #0"
			 : "+r"(x0)
			 :
			 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
}

static void gicd_read(void)
{
	(void)rd32(platform.gicd + GICD_IIDR);
}

static void uart_read(void)
{
	(void)rd32(platform.uart + UARTFR);
}

static uint32_t uart_imsc;

static void uart_write(void)
{
	wr32(platform.uart + UARTIMSC, uart_imsc);
}

/*
 * Ending a virtual interrupt: an SGI to ourselves, acknowledged with IRQs
 * masked, then the timed EOI. With list registers it needs no exit at all.
 */
static void virq_eoi(void)
{
	unsigned int n = 0;

	gic_set_priority(SGI_BENCH_EOI, 0x80);
	gic_enable(SGI_BENCH_EOI);
	for (unsigned int i = 0; i < ROUNDS; i++) {
		uint32_t iar = GIC_SPURIOUS;
		uint64_t t0;

		gic_send_sgi_self(SGI_BENCH_EOI);
		for (unsigned int tries = 0; tries < ACK_TRIES && (iar & 0x3ff) != SGI_BENCH_EOI; tries++)
			iar = gic_ack();
		if ((iar & 0x3ff) != SGI_BENCH_EOI)
			break;
		t0 = bench_now();
		gic_eoi(iar);
		bench_samples[n++] = bench_delta(t0, bench_now());
	}
	gic_disable(SGI_BENCH_EOI);
	if (n < ROUNDS)
		bench_skip("virq_eoi", "the SGI to ourselves never became pending");
	else
		bench_report("virq_eoi", bench_samples, n);
}

/*
 * A pointer chase through a random cycle of one line per 4 KiB page over
 * CHASE_SIZE of RAM just above the image: every step a TLB miss, so under a
 * hypervisor every step walks stage 2 as well.
 */
static void pointer_chase(void)
{
	uint64_t base = ((uint64_t)(uintptr_t)_image_end + (2u << 20) - 1) & ~(uint64_t)((2u << 20) - 1);
	unsigned int pages = CHASE_SIZE / CHASE_PAGE;
	uint32_t rng = 0x2545f491;
	volatile uint64_t *p;

	if (base + CHASE_SIZE + (2u << 20) > platform.ram_end) {
		bench_skip("pointer_chase", "not enough RAM above the image");
		return;
	}
	/* Sattolo's shuffle of the page order gives one cycle through all of them. */
	static uint32_t order[(16u << 20) / 4096u];
	for (unsigned int i = 0; i < pages; i++)
		order[i] = i;
	for (unsigned int i = pages - 1; i > 0; i--) {
		unsigned int j;

		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		j = rng % i;
		uint32_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned int i = 0; i < pages; i++) {
		uint64_t from = base + (uint64_t)order[i] * CHASE_PAGE + (order[i] % 64) * 64;
		unsigned int next = order[(i + 1) % pages];
		uint64_t to = base + (uint64_t)next * CHASE_PAGE + (next % 64) * 64;

		*(volatile uint64_t *)(uintptr_t)from = to;
	}
	p = (volatile uint64_t *)(uintptr_t)(base + (uint64_t)order[0] * CHASE_PAGE + (order[0] % 64) * 64);
	for (unsigned int r = 0; r < CHASE_ROUNDS; r++) {
		uint64_t t0 = bench_now();

		for (unsigned int s = 0; s < CHASE_STEPS; s++)
			p = (volatile uint64_t *)(uintptr_t)*p;
		bench_samples[r] = bench_delta(t0, bench_now());
	}
	bench_report("pointer_chase_1000", bench_samples, CHASE_ROUNDS);
}

void bench_exits(void)
{
	floor_ldp_stp();
	if (bench_host() == BENCH_NATIVE)
		bench_skip("hypercall", "no EL2 natively");
	else
		time_op("hypercall", null_hypercall);
	if (bench_host() == BENCH_STUB)
		return;
	if (platform.gic != GIC_NONE)
		time_op("gicd_read", gicd_read);
	time_op("uart_read", uart_read);
	uart_imsc = rd32(platform.uart + UARTIMSC);
	time_op("uart_write", uart_write);
	if (gic_init() == 0)
		virq_eoi();
	else
		bench_skip("virq_eoi", gic_error());
	pointer_chase();
}
