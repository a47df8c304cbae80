/*
 * Self-inflicted crashes, each ending in a different kind of dead vCPU:
 *   vbar   VBAR_EL1 just past RAM (an IPA the guest does not own), then BRK:
 *          the vector fetch aborts at stage 2, every time (exits to Mantle);
 *   stack  SP_EL1 16 MiB past RAM, then BRK: the vector's first store aborts
 *          at stage 2, every time a little lower (exits to Mantle);
 *   loop   a vector table whose every entry branches to itself, then BRK:
 *          spins in the vector, never exits;
 *   wfi    timers off, GIC CPU interface off, interrupts masked, WFI:
 *          nothing can ever wake it.
 */
#include <stdio.h>
#include <string.h>
#include "console.h"
#include "cpu.h"
#include "crash.h"
#include "dtb.h"
#include "gic.h"

/* 16 entries of 0x80 bytes, each "b ." */
__asm__(".pushsection .text.crash_loop_vectors, \"ax\"\n"
	".balign 2048\n"
	".globl crash_loop_vectors\n"
	"crash_loop_vectors:\n"
	".rept 16\n"
	"b .\n"
	".balign 0x80\n"
	".endr\n"
	".popsection\n");
extern char crash_loop_vectors[];

/* Just above RAM: nothing of the guest's is there. */
static uint64_t outside_ram(void)
{
	return platform.ram_end ? platform.ram_end : 0x20000000;
}

static void __attribute__((noreturn)) take_exception(void)
{
	__asm__ volatile("brk #0");
	fw_panic("still alive after the crash");
}

static void crash_vbar(void)
{
	uint64_t vbar = outside_ram() & ~0x7ffULL;

	printf("fw: crashing: VBAR_EL1 = 0x%llx, brk #0\n", (unsigned long long)vbar);
	console_flush();
	write_sysreg(vbar_el1, vbar);
	isb();
	take_exception();
}

static void __attribute__((noreturn)) crash_stack(void)
{
	/* Far enough above RAM that however far the vectors push it down, it stays outside. */
	uint64_t sp = outside_ram() + 0x1000000;

	printf("fw: crashing: SP_EL1 = 0x%llx, brk #0\n", (unsigned long long)sp);
	console_flush();
	/* The vectors store the frame below SP first thing: that store faults. */
	__asm__ volatile("mov sp, %0\n brk #0" : : "r"(sp) : "memory");
	__builtin_unreachable();
}

static void crash_loop(void)
{
	printf("fw: crashing: VBAR_EL1 = 0x%llx (every vector branches to itself), brk #0\n",
	       (unsigned long long)(uintptr_t)crash_loop_vectors);
	console_flush();
	write_sysreg(vbar_el1, (uintptr_t)crash_loop_vectors);
	isb();
	take_exception();
}

static void __attribute__((noreturn)) crash_wfi(void)
{
	int have_gic = gic_init() == 0;

	printf("fw: crashing: timers off, %s, interrupts masked, wfi\n",
	       have_gic ? "GIC CPU interface off" : "no GIC");
	console_flush();
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	if (have_gic)
		gic_cpu_off();
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	isb();
	for (;;)
		__asm__ volatile("dsb sy\n wfi" : : : "memory");
}

void crash_command(int argc, char **argv)
{
	const char *how = argc >= 2 ? argv[1] : "vbar";

	if (argc > 2)
		how = "";
	if (strcmp(how, "vbar") == 0)
		crash_vbar();
	else if (strcmp(how, "stack") == 0)
		crash_stack();
	else if (strcmp(how, "loop") == 0)
		crash_loop();
	else if (strcmp(how, "wfi") == 0)
		crash_wfi();
	else
		printf("usage: crash [vbar|stack|loop|wfi]\n");
}
