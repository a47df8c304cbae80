/* Boot sequence: the boot CPU brings the machine up, then every CPU idles in the scheduler. */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <arch/cpu.h>
#include <arch/psci.h>
#include <arch/irqflags.h>
#include <mantle/percpu.h>
#include <mantle/log.h>
#include <mantle/console.h>
#include <mantle/devtree.h>
#include <mantle/driver.h>
#include <mantle/entropy.h>
#include <mantle/irq.h>
#include <mantle/mem.h>
#include <mantle/timer.h>
#include <mantle/sched.h>
#include <mantle/shell.h>
#include <mantle/smp.h>
#include <mantle/version.h>
#include <mantle/guest.h>
#include <mantle/guest_loader.h>
#include <arch/vcpu_arch.h>

struct pcpu pcpus[CONFIG_MAX_CPUS];
unsigned nr_cpus_possible;

unsigned cpus_online(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < nr_cpus_possible; i++)
		n += pcpus[i].online && !pcpus[i].halted;
	return n;
}

/* Logical CPU 0 is whichever CPU booted; the rest follow in DTB order. */
static void find_cpus(const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;
	uint64_t self = arch_mpidr();
	unsigned n = 1, listed = 0;

	pcpus[0].mpidr = self;
	if (cpus < 0)
		goto done;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		uint64_t mpidr, size;

		if (!type || strcmp(type, "cpu") || !dt_reg(fdt, node, 0, &mpidr, &size))
			continue;
		listed++;
		if (mpidr == self || !dt_node_enabled(fdt, node))
			continue;
		if (n >= CONFIG_MAX_CPUS) {
			pr_warn("cpu with MPIDR %#llx ignored: CONFIG_MAX_CPUS is %d",
				(unsigned long long)mpidr, CONFIG_MAX_CPUS);
			continue;
		}
		pcpus[n++].mpidr = mpidr;
	}
done:
	nr_cpus_possible = n;
	for (unsigned i = 0; i < n; i++)
		pcpus[i].id = i;
	pr_info("cpus: %u in the device tree, boot CPU MPIDR %#llx", listed ? listed : 1,
		(unsigned long long)self);
}


void mantle_main(uint64_t dtb_pa, uint64_t entry_ticks);
void mantle_main(uint64_t dtb_pa, uint64_t entry_ticks)
{
	const void *fdt = (const void *)dtb_pa;
	char model[64];

	boot_entry_ticks = entry_ticks;
	pcpus[0].id = 0;
	arch_percpu_set(&pcpus[0]);

	if (!dt_init(fdt))
		arch_cpu_halt();    /* no valid DTB: no console to complain on */
	if (!driver_probe_class(fdt, DRIVER_CONSOLE))
		arch_cpu_halt();
	pr_info("Mantle %s (%s) starting at EL2 on %s", mantle_version, mantle_git_rev,
		arch_cpu_model(model, sizeof(model)));

	mem_init(fdt, dtb_pa);
	mem_print_map();
	find_cpus(fdt);
	if (!psci_init(fdt))
		pr_warn("no PSCI in the device tree: secondary CPUs stay off");

	if (!driver_probe_class(fdt, DRIVER_IRQCHIP))
		panic("no supported interrupt controller in the device tree");
	irq_cpu_init();
	if (!driver_probe_class(fdt, DRIVER_TIMER))
		panic("no supported timer in the device tree");
	timer_cpu_init();
	sched_cpu_init();
	arch_virt_cpu_init();
	console_enable_rx();
	pcpus[0].online = true;

	smp_boot_secondaries();
	pr_info("%u of %u CPUs online", cpus_online(), nr_cpus_possible);

	entropy_init(fdt);
	driver_probe_class(fdt, DRIVER_DEVICE);
	host_bundle_init(fdt);
	guests_init();
	shell_start();
	arch_irq_enable();
	sched_idle_loop();
}

void secondary_main(unsigned cpu);
void secondary_main(unsigned cpu)
{
	arch_percpu_set(&pcpus[cpu]);
	irq_cpu_init();
	timer_cpu_init();
	sched_cpu_init();
	arch_virt_cpu_init();
	__atomic_store_n(&pcpus[cpu].online, true, __ATOMIC_RELEASE);
	arch_irq_enable();
	sched_idle_loop();
}
