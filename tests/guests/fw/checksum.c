/*
 * The checksum loop (see checksum.h). vCPU 1 walks the buffer in 64 KiB
 * steps and reads the virtual counter at each: the largest difference
 * between two readings is the gap, an upper bound on any time the vCPU did
 * not run. Output:
 *   fw: checksum: started: 4 MiB at 0x..., checksum 0x...
 *   fw: checksum: R rounds, M mismatches, max gap G ms (ended at host time H ms), max round T ms,
 *     last round L ms ago; since the last status: max gap S ms
 * (the second figure restarts at each status: the gaps of one phase of a test).
 * Host time is the physical counter, the same in every guest: it places the
 * gap among what the other guests did (the attack suite prints it too).
 */
#include <stdio.h>
#include <string.h>
#include "checksum.h"
#include "cpu.h"
#include "dtb.h"
#include "smp.h"

#define BUF_BYTES   (4u << 20)
#define STEP_BYTES  (64u << 10)
#define BUF_ALIGN   (2ull << 20)
#define TOP_SPARE   (1ull << 20)	/* Mantle's DTB is in the top 64 KiB of RAM */
#define LOOP_CPU    1

static struct {
	uint64_t *buf;
	uint64_t expected;
	volatile int started;
	volatile uint64_t rounds, mismatches;
	volatile uint64_t max_gap, max_round, last_end;	/* counter ticks, counter value */
	volatile uint64_t max_gap_host;			/* physical counter when it ended */
	volatile uint64_t window_gap;			/* the largest since the last status */
} loop;

static uint64_t sum_step(uint64_t h, const volatile uint64_t *p, unsigned int words)
{
	for (unsigned int i = 0; i < words; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* vCPU 1, IRQs masked, forever. */
static void checksum_loop(void *arg)
{
	const unsigned int words = STEP_BYTES / 8;
	uint64_t last = counter_now();

	(void)arg;
	for (;;) {
		uint64_t h = 0xcbf29ce484222325ULL, start = last;

		for (unsigned int off = 0; off < BUF_BYTES; off += STEP_BYTES) {
			uint64_t now;

			h = sum_step(h, loop.buf + off / 8, words);
			now = counter_now();
			if (now - last > loop.window_gap)
				loop.window_gap = now - last;
			if (now - last > loop.max_gap) {
				loop.max_gap = now - last;
				loop.max_gap_host = read_sysreg(cntpct_el0);
			}
			last = now;
		}
		if (h != loop.expected)
			loop.mismatches++;
		if (last - start > loop.max_round)
			loop.max_round = last - start;
		loop.last_end = last;
		__atomic_thread_fence(__ATOMIC_RELEASE);
		loop.rounds++;
	}
}

static uint64_t ticks_to_ms(uint64_t ticks)
{
	uint64_t per_ms = read_sysreg(cntfrq_el0) / 1000;

	return ticks / (per_ms ? per_ms : 1);
}

static void start(void)
{
	uint64_t base = ((uintptr_t)_image_end + BUF_ALIGN - 1) & ~(BUF_ALIGN - 1), x = 0x2545f4914f6cdd1dULL;
	int32_t ret;

	if (loop.started) {
		printf("fw: checksum: already running\n");
		return;
	}
	if (smp_ncpus() <= LOOP_CPU) {
		printf("fw: checksum: needs a second vCPU for the loop\n");
		return;
	}
	if (base + BUF_BYTES + TOP_SPARE > platform.ram_end) {
		printf("fw: checksum: RAM too small for %u MiB above the image\n", BUF_BYTES >> 20);
		return;
	}
	loop.buf = (uint64_t *)(uintptr_t)base;
	for (unsigned int i = 0; i < BUF_BYTES / 8; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		loop.buf[i] = x;
	}
	loop.expected = 0xcbf29ce484222325ULL;
	for (unsigned int off = 0; off < BUF_BYTES; off += STEP_BYTES)
		loop.expected = sum_step(loop.expected, loop.buf + off / 8, STEP_BYTES / 8);
	loop.rounds = loop.mismatches = loop.max_gap = loop.max_round = loop.max_gap_host = 0;
	loop.window_gap = 0;
	loop.last_end = counter_now();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ret = smp_start_fn(LOOP_CPU, checksum_loop, NULL);
	if (ret || !smp_wait_up(LOOP_CPU, SMP_TIMEOUT_MS)) {
		printf("fw: checksum: vCPU %u did not start (CPU_ON %d)\n", LOOP_CPU, (int)ret);
		return;
	}
	loop.started = 1;
	printf("fw: checksum: started: %u MiB at 0x%llx, checksum 0x%016llx\n", BUF_BYTES >> 20,
	       (unsigned long long)base, (unsigned long long)loop.expected);
}

static void status(void)
{
	uint64_t rounds, last_end;

	if (!loop.started) {
		printf("fw: checksum: not started\n");
		return;
	}
	rounds = loop.rounds;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	last_end = loop.last_end;
	printf("fw: checksum: %llu rounds, %llu mismatches, max gap %llu ms (ended at host time %llu ms), "
	       "max round %llu ms, last round %llu ms ago; since the last status: max gap %llu ms\n",
	       (unsigned long long)rounds,
	       (unsigned long long)loop.mismatches, (unsigned long long)ticks_to_ms(loop.max_gap),
	       (unsigned long long)ticks_to_ms(loop.max_gap_host),
	       (unsigned long long)ticks_to_ms(loop.max_round),
	       (unsigned long long)ticks_to_ms(counter_now() - last_end),
	       (unsigned long long)ticks_to_ms(loop.window_gap));
	loop.window_gap = 0;
}

void checksum_command(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "start") == 0)
		start();
	else if (argc == 2 && strcmp(argv[1], "status") == 0)
		status();
	else
		printf("usage: checksum start | checksum status\n");
}
