/* debug fault|spin: provoke the failure and load paths on a live system. */
#include <stdio.h>
#include <libs/fmt.h>
#include <mantle/shell.h>
#include <mantle/percpu.h>
#include <mantle/sched.h>
#include <mantle/timer.h>

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
	if (!vcpu_create_orphan("debug-fault", cpu, SCHED_PRIO_MAX, 1000000, fault_body, NULL)) {
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
	if (!vcpu_create_orphan("debug-spin", cpu, prio,
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
