/* debug fault|spin|lifecycle: provoke the failure, load and lifecycle paths on a live system. */
#include <stdio.h>
#include <libs/bundle.h>
#include <libs/fmt.h>
#include <mantle/shell.h>
#include <mantle/percpu.h>
#include <mantle/sched.h>
#include <mantle/timer.h>
#include <mantle/guest.h>
#include <mantle/guest_loader.h>
#include <mantle/heap.h>
#include <mantle/page_alloc.h>
#include <virtio/virtio_emu.h>

static int parse_uint(const char *what, const char *s, uint64_t max, uint64_t *out)
{
	if (!parse_decimal(s, max, out)) {
		printf("error: debug: bad %s '%s' (0..%llu)\n", what, s, (unsigned long long)max);
		return -1;
	}
	return 0;
}

/* An address no stage-1 entry maps: QEMU virt's flash at 0 is never mapped. */
#define UNMAPPED_ADDR 0x8UL

static void fault_body(void *arg)
{
	uint64_t val, addr = UNMAPPED_ADDR;

	(void)arg;
	/* In asm: the compiler rightly refuses a C load from a constant address. */
	__asm__ volatile("ldr %0, [%1]" : "=r"(val) : "r"(addr) : "memory");
}

static int cmd_debug_fault(int argc, char **argv)
{
	uint64_t cpu;

	if (argc != 2) {
		printf("error: debug fault: usage: debug fault CPU\n");
		return -1;
	}
	if (parse_uint("CPU", argv[1], nr_cpus_possible - 1, &cpu))
		return -1;
	if (cpu == this_cpu_id()) {
		printf("error: debug fault: CPU %llu runs the shell; pick another\n", (unsigned long long)cpu);
		return -1;
	}
	if (!vcpu_start_detached("debug-fault", cpu, SCHED_PRIO_MAX, 1000000, fault_body, NULL)) {
		printf("error: debug fault: CPU %llu is not online\n", (unsigned long long)cpu);
		return -1;
	}
	printf("faulting CPU %llu\n", (unsigned long long)cpu);
	return 0;
}
SHELL_COMMAND(debug_fault, "debug", "fault", "CPU",
	      "make CPU take a data abort (dump, then that CPU halts)", cmd_debug_fault);

static void spin_body(void *arg)
{
	uint64_t until = timer_now_ns() + (uint64_t)(uintptr_t)arg * 1000000ULL;

	while (timer_now_ns() < until)
		;
}

static int cmd_debug_spin(int argc, char **argv)
{
	uint64_t cpu, prio, ms;

	if (argc != 4) {
		printf("error: debug spin: usage: debug spin CPU PRIO MS\n");
		return -1;
	}
	if (parse_uint("CPU", argv[1], nr_cpus_possible - 1, &cpu) ||
	    parse_uint("priority", argv[2], SCHED_PRIO_MAX, &prio) ||
	    parse_uint("duration", argv[3], 600000, &ms))
		return -1;
	if (prio == SCHED_PRIO_IDLE) {
		printf("error: debug spin: priority 0 is the idle vCPU's\n");
		return -1;
	}
	if (!vcpu_start_detached("debug-spin", cpu, prio,
				 (uint64_t)CONFIG_SCHED_DEFAULT_SLICE_US * 1000, spin_body,
				 (void *)(uintptr_t)ms)) {
		printf("error: debug spin: CPU %llu is not online\n", (unsigned long long)cpu);
		return -1;
	}
	printf("spinning on CPU %llu at priority %llu for %llu ms\n", (unsigned long long)cpu,
	       (unsigned long long)prio, (unsigned long long)ms);
	return 0;
}
SHELL_COMMAND(debug_spin, "debug", "spin", "CPU PRIO MS",
	      "busy orphan vCPU on CPU for MS milliseconds", cmd_debug_spin);

#define LIFECYCLE_CYCLES_MAX 10000
#define LIFECYCLE_MS_MAX     10000

/* Wake every virtio backend of g with work on each queue, so each runs its serve path. */
static void kick_backends(struct guest *g)
{
	for (unsigned i = 0; i < g->nr_devs; i++) {
		struct virtio_emu *ve = virtio_emu_of(&g->devs[i]);

		if (!ve)
			continue;
		for (unsigned q = 0; q < ve->type->nr_queues; q++)
			virtio_emu_kick(ve, q);
		virtio_emu_kick(ve, VIRTIO_EMU_WORK_INPUT);
	}
}

/* One create, start, run, destroy; 0 or -1 with the error printed. */
static int lifecycle_once(const struct bundle_file *f, const char *path, uint64_t cycle, uint64_t ms)
{
	char err[200];
	struct guest *g = guest_create(f->data, f->size, path, err, sizeof(err));
	int start_failed;

	if (!g) {
		printf("error: debug lifecycle: cycle %llu: %s\n", (unsigned long long)cycle, err);
		return -1;
	}
	start_failed = guest_start(g);
	if (!start_failed) {
		kick_backends(g);
		sched_sleep_ns(ms * 1000000ULL);
	}
	if (guest_destroy(g)) {
		printf("error: debug lifecycle: cycle %llu: the guest was not destroyed\n",
		       (unsigned long long)cycle);
		return -1;
	}
	if (start_failed) {
		printf("error: debug lifecycle: cycle %llu: the guest did not start\n",
		       (unsigned long long)cycle);
		return -1;
	}
	return 0;
}

/*
 * Exact numbers, not the rounded sizes of `heap`: one leaked block or page
 * in a hundred cycles must show.
 */
static int cmd_debug_lifecycle(int argc, char **argv)
{
	const struct bundle *b = host_bundle();
	struct heap_stats h0, h1;
	struct page_stats p0, p1;
	struct bundle_file f;
	uint64_t n, ms;

	if (argc != 4) {
		printf("error: debug lifecycle: usage: debug lifecycle PATH N MS\n");
		return -1;
	}
	if (parse_uint("count", argv[2], LIFECYCLE_CYCLES_MAX, &n) ||
	    parse_uint("time", argv[3], LIFECYCLE_MS_MAX, &ms))
		return -1;
	if (!b || !bundle_find(b, argv[1], &f)) {
		printf("error: debug lifecycle: %s is not in the guest bundle\n", argv[1]);
		return -1;
	}
	heap_stats(&h0);
	page_alloc_stats(&p0);
	for (uint64_t i = 1; i <= n; i++)
		if (lifecycle_once(&f, argv[1], i, ms))
			return -1;
	heap_stats(&h1);
	page_alloc_stats(&p1);
	printf("lifecycle: %llu cycles of %s, %llu ms each\n", (unsigned long long)n, argv[1],
	       (unsigned long long)ms);
	printf("heap:  %zu -> %zu bytes used, %llu -> %llu blocks, %zu -> %zu free blocks\n", h0.used,
	       h1.used, (unsigned long long)(h0.allocs - h0.frees),
	       (unsigned long long)(h1.allocs - h1.frees), h0.free_blocks, h1.free_blocks);
	printf("pages: %zu -> %zu free\n", p0.free_pages, p1.free_pages);
	return 0;
}
SHELL_COMMAND(debug_lifecycle, "debug", "lifecycle", "PATH N MS",
	      "create, start, run MS ms and destroy a guest N times; heap and pages before and after",
	      cmd_debug_lifecycle);
