#include <stddef.h>
#include <arch/regs.h>
#include <mantle/irq.h>
#include <mantle/percpu.h>
#include <mantle/sched.h>
#include <mantle/timer.h>
#include <mantle/log.h>

struct irq_desc {
	irq_handler_fn fn;
	void *arg;
	const char *name;
	bool forwarded;          /* a guest deactivates it (hardware-linked) */
};

static const struct irqchip *chip;
static struct irq_desc descs[IRQ_MAX];
static uint32_t counts[CONFIG_MAX_CPUS][IRQ_MAX];

void irq_set_chip(const struct irqchip *c) { chip = c; }
const struct irqchip *irq_chip(void) { return chip; }

int irq_request(uint32_t intid, bool edge, unsigned target_cpu,
		irq_handler_fn fn, void *arg, const char *name)
{
	if (!chip || intid >= IRQ_MAX || !fn || target_cpu >= CONFIG_MAX_CPUS)
		return -1;
	descs[intid].arg = arg;
	descs[intid].name = name;
	descs[intid].fn = fn;
	if (intid >= 32)
		chip->configure(intid, edge, target_cpu);
	chip->enable(intid);
	return 0;
}

int irq_request_forwarded(uint32_t intid, bool edge, unsigned target_cpu,
			  irq_handler_fn fn, void *arg, const char *name)
{
	if (intid < 32 || intid >= IRQ_MAX)
		return -1;
	descs[intid].forwarded = true;
	return irq_request(intid, edge, target_cpu, fn, arg, name);
}

void irq_free(uint32_t intid)
{
	if (!chip || intid >= IRQ_MAX)
		return;
	chip->disable(intid);
	/* It may be active in a guest that is gone: nobody else would deactivate it. */
	if (descs[intid].forwarded)
		chip->deactivate(intid);
	descs[intid].fn = NULL;
	descs[intid].name = NULL;
	descs[intid].forwarded = false;
}

void irq_enable_local(uint32_t intid)
{
	if (chip)
		chip->enable(intid);
}

void irq_send_sgi(unsigned cpu, uint32_t sgi)
{
	if (chip && cpu < CONFIG_MAX_CPUS)
		chip->send_sgi(cpu, sgi);
}

static void resched_sgi(uint32_t intid, void *arg)
{
	this_pcpu()->need_resched = true;
}

/* A guest vCPU running here has new interrupts: the exit it caused is all that was needed. */
static void kick_sgi(uint32_t intid, void *arg)
{
}

void irq_cpu_init(void)
{
	if (!chip)
		return;
	chip->cpu_init();
	if (this_cpu_id() == 0) {
		descs[IRQ_SGI_RESCHED].fn = resched_sgi;
		descs[IRQ_SGI_RESCHED].name = "resched IPI";
		descs[IRQ_SGI_KICK].fn = kick_sgi;
		descs[IRQ_SGI_KICK].name = "vcpu kick IPI";
	}
	chip->enable(IRQ_SGI_RESCHED);
	chip->enable(IRQ_SGI_KICK);
}

uint64_t irq_count(uint32_t intid, unsigned cpu)
{
	return intid < IRQ_MAX && cpu < CONFIG_MAX_CPUS ? counts[cpu][intid] : 0;
}

const char *irq_name(uint32_t intid)
{
	return intid < IRQ_MAX ? descs[intid].name : NULL;
}

void irq_handle_entry(struct arch_regs *regs);

void irq_dispatch(void)
{
	unsigned cpu = this_cpu_id();

	/* Bounded: a screaming line cannot hold this CPU forever. */
	for (int budget = 64; budget > 0 && chip; budget--) {
		/* GICv2 puts the SGI source in IAR bits 12:10; EOI wants them back. */
		uint32_t raw = chip->ack(), intid = raw & 0x3ff;
		if (intid >= 1020)
			break;
		if (intid < IRQ_MAX) {
			counts[cpu][intid]++;
			if (descs[intid].fn)
				descs[intid].fn(intid, descs[intid].arg);
		}
		chip->eoi(raw);
		if (!(intid < IRQ_MAX && descs[intid].forwarded))
			chip->deactivate(raw);
	}
}

/* Entered from the vectors with IRQs masked. */
void irq_handle_entry(struct arch_regs *regs)
{
	irq_dispatch();
	sched_irq_exit();
}
