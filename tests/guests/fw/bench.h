/*
 * The benchmark suite (make bench): exit paths timed from inside a guest.
 *
 * Booted with "bench" in its command line the firmware runs every
 * benchmark its platform allows, prints one line per benchmark
 *
 *   BENCH <name> n=<samples> min=<v> med=<v> p99=<v> unit=<cycles|ns>
 *
 * then "BENCH DONE" and powers off. "bench-partner" makes it the other
 * end of the VM-switch benchmark instead (bench_io.c); "bench" entered at
 * EL2 with nothing under it installs a stub hypervisor that only returns
 * (start.S) and times the bare exception round trip.
 *
 * A platform without a PMU cycle counter times nothing. Cycles are PMCCNTR_EL0, counting at EL2 too (PMCCFILTR_EL0.NSH): under
 * QEMU -icount shift=0 that is instructions executed anywhere in the
 * machine, deterministically. Each figure has the cost of reading the
 * counter taken off.
 */
#ifndef FW_BENCH_H
#define FW_BENCH_H

#include <stdint.h>
#include "cpu.h"

#define BENCH_MAX_SAMPLES 512

enum bench_host { BENCH_NATIVE, BENCH_STUB, BENCH_MANTLE };

/* Where the firmware runs, as the bench runner said in its command line. */
enum bench_host bench_host(void);

/* The calling CPU's cycle counter on and counting at every level. */
void bench_pmu_init(void);

static inline uint64_t bench_now(void)
{
	uint64_t v;

	isb();
	__asm__ volatile("mrs %0, pmccntr_el0" : "=r"(v));
	return v;
}

/* Cycles between two bench_now() calls, less what the calls themselves cost. */
extern uint64_t bench_overhead;
static inline uint64_t bench_delta(uint64_t t0, uint64_t t1)
{
	uint64_t d = t1 - t0;

	return d > bench_overhead ? d - bench_overhead : 0;
}

/*
 * What an interrupt handler being timed records: the cycle count when it
 * ran (bench_stamp), and that it did (bench_fired, cleared by the waiter
 * before each round).
 */
extern volatile uint64_t bench_stamp;
extern volatile unsigned int bench_fired;

static inline void bench_mark_fired(void)
{
	bench_stamp = bench_now();
	bench_fired = 1;
}

/*
 * Waits until bench_fired or ms pass, sleeping in WFI (IRQs masked around
 * it) or spinning. Spinning says YIELD: under QEMU's round-robin TCG, one
 * CPU signalling another is only seen when the first gives up its turn,
 * and YIELD does that without leaving the guest (Mantle does not trap it).
 * Returns bench_fired.
 */
int bench_wait_fired(int sleep, unsigned int ms);

/* Sorts samples[0..n) and prints its BENCH line. */
void bench_report(const char *name, uint64_t *samples, unsigned int n);
/* A BENCH line for a benchmark that cannot run here, with why. */
void bench_skip(const char *name, const char *why);

/* The benchmark groups (bench_*.c); each reports its own lines. */
void bench_exits(void);
void bench_irqs(void);
void bench_smp(void);
void bench_io(void);
/* The VM-switch partner: answers every doorbell, forever. */
void bench_partner(void);

/* Runs what the command line asks for; never returns. */
void bench_main(void) __attribute__((noreturn));

/* Shared scratch for samples. */
extern uint64_t bench_samples[BENCH_MAX_SAMPLES];

#endif
