/* host info|irq|uptime, heap, sched */
#include <stdio.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/psci.h>
#include <mantle/shell.h>
#include <mantle/percpu.h>
#include <mantle/mem.h>
#include <mantle/page_alloc.h>
#include <mantle/heap.h>
#include <mantle/irq.h>
#include <mantle/timer.h>
#include <mantle/vcpu.h>
#include <libs/fmt.h>
#include "shell_util.h"

static int cmd_host_info(int argc, char **argv)
{
	char model[64], total[24], freeb[24];
	struct page_stats ps;
	const struct irqchip *chip = irq_chip();
	uint32_t pv = psci_version();

	if (shell_expect_no_args(argc, argv))
		return -1;
	page_alloc_stats(&ps);
	printf("cpu model:   %s\n", arch_cpu_model(model, sizeof(model)));
	printf("cpus online: %u of %u\n", cpus_online(), nr_cpus_possible);
	printf("memory:      %s total, %s free\n", fmt_size(total, sizeof(total), mem_total_bytes()),
	       fmt_size(freeb, sizeof(freeb), (uint64_t)ps.free_pages * PAGE_SIZE));
	printf("gic:         v%u (%s)\n", chip ? chip->version : 0, chip ? chip->name : "none");
	printf("timer:       %llu Hz\n", (unsigned long long)timer_freq_hz());
	printf("psci:        %u.%u via %s\n", pv >> 16, pv & 0xffff,
	       psci_conduit() == PSCI_CONDUIT_HVC ? "hvc" :
	       psci_conduit() == PSCI_CONDUIT_SMC ? "smc" : "none");
	return 0;
}
SHELL_COMMAND(host_info, "host", "info", "", "CPU model and count, memory, GIC, timer", cmd_host_info);

static int cmd_host_irq(int argc, char **argv)
{
	if (shell_expect_no_args(argc, argv))
		return -1;
	printf("%5s", "IRQ");
	for (unsigned c = 0; c < nr_cpus_possible; c++)
		printf(" %9s%u", "CPU", c);
	printf("  name\n");
	for (uint32_t i = 0; i < IRQ_MAX; i++) {
		uint64_t sum = 0;
		for (unsigned c = 0; c < nr_cpus_possible; c++)
			sum += irq_count(i, c);
		if (!sum && !irq_name(i))
			continue;
		printf("%5u", (unsigned)i);
		for (unsigned c = 0; c < nr_cpus_possible; c++)
			printf(" %10llu", (unsigned long long)irq_count(i, c));
		printf("  %s\n", irq_name(i) ? irq_name(i) : "(no handler)");
	}
	return 0;
}
SHELL_COMMAND(host_irq, "host", "irq", "", "interrupt counts per CPU", cmd_host_irq);

static int cmd_host_uptime(int argc, char **argv)
{
	char s[32];

	if (shell_expect_no_args(argc, argv))
		return -1;
	printf("up %s s\n", fmt_seconds(s, sizeof(s), timer_now_ns()));
	return 0;
}
SHELL_COMMAND(host_uptime, "host", "uptime", "", "time since the machine started", cmd_host_uptime);

static int cmd_heap(int argc, char **argv)
{
	struct heap_stats hs;
	struct page_stats ps;
	char a[24], b[24], c[24], d[24], e[24];

	if (shell_expect_no_args(argc, argv))
		return -1;
	heap_stats(&hs);
	page_alloc_stats(&ps);
	printf("heap:  %s total, %s used (peak %s), %s free, largest free block %s\n",
	       fmt_size(a, sizeof(a), hs.total), fmt_size(b, sizeof(b), hs.used),
	       fmt_size(c, sizeof(c), hs.peak_used), fmt_size(d, sizeof(d), hs.free),
	       fmt_size(e, sizeof(e), hs.largest_free));
	printf("       %llu allocations, %llu frees, %llu failed, %llu bad frees, %zu free blocks\n",
	       (unsigned long long)hs.allocs, (unsigned long long)hs.frees,
	       (unsigned long long)hs.failures, (unsigned long long)hs.bad_frees, hs.free_blocks);
	printf("pages: %zu total (%s), %zu free (%s), %zu reserved, largest free run %zu pages\n",
	       ps.total_pages, fmt_size(a, sizeof(a), (uint64_t)ps.total_pages * PAGE_SIZE),
	       ps.free_pages, fmt_size(b, sizeof(b), (uint64_t)ps.free_pages * PAGE_SIZE),
	       ps.reserved_pages, ps.largest_free_run);
	printf("       %llu allocations, %llu frees, %llu failed\n", (unsigned long long)ps.allocs,
	       (unsigned long long)ps.frees, (unsigned long long)ps.failures);
	return 0;
}
SHELL_COMMAND(heap, "heap", NULL, "", "heap and page allocator statistics", cmd_heap);

static int cmd_sched(int argc, char **argv)
{
	struct list_node *pos;

	if (shell_expect_no_args(argc, argv))
		return -1;
	for (unsigned c = 0; c < nr_cpus_possible; c++) {
		struct pcpu *pc = &pcpus[c];
		if (!pc->online) {
			printf("cpu%u: offline\n", c);
			continue;
		}
		printf("cpu%u: %s, current %s, %u ready, %llu switches\n", c,
		       pc->halted ? "halted" : "online", pc->current ? pc->current->name : "-",
		       pc->rq.count, (unsigned long long)pc->nr_switches);
	}
	printf("%4s %-16s %4s %4s %-8s %10s %8s %12s\n", "ID", "NAME", "CPU", "PRIO", "STATE",
	       "SLICE(us)", "RUNS", "RUNTIME(us)");
	vcpu_list_lock();
	list_for_each(pos, vcpu_list()) {
		struct vcpu *v = list_entry(pos, struct vcpu, all_node);
		printf("%4u %-16s %4u %4u %-8s %10llu %8llu %12llu\n", v->id, v->name, v->cpu, v->prio,
		       vcpu_state_name(v->state), (unsigned long long)(v->slice_ns / 1000),
		       (unsigned long long)v->nr_runs, (unsigned long long)(v->runtime_ns / 1000));
	}
	vcpu_list_unlock();
	return 0;
}
SHELL_COMMAND(sched, "sched", NULL, "", "per-CPU run queues and vCPU states", cmd_sched);
