/* The hypervisor's interrupt layer, above whichever GIC driver bound. */
#ifndef MANTLE_IRQ_H
#define MANTLE_IRQ_H
#include <stdint.h>
#include <stdbool.h>

#define IRQ_SGI_RESCHED 0      /* software-generated: run the scheduler */
#define IRQ_SGI_KICK    1      /* make a running guest vCPU exit, nothing more */
#define IRQ_MAX         CONFIG_MAX_IRQS

typedef void (*irq_handler_fn)(uint32_t intid, void *arg);

/* What the host GIC offers for virtualization (list registers, GICv2's GICH/GICV frames). */
struct gic_virt_info {
	unsigned nr_lrs;
	unsigned pri_bits;          /* priority bits the list registers implement */
	uintptr_t gich;             /* GICv2: virtual interface control frame, mapped */
	uint64_t gicv_pa, gicv_size;    /* GICv2: virtual CPU interface, mapped into guests */
};

struct irqchip {
	const char *name;
	unsigned version;                         /* 2 or 3 */
	void (*cpu_init)(void);                   /* on each CPU as it comes up */
	uint32_t (*ack)(void);                    /* raw IAR: INTID in bits 9:0, >= 1020 spurious */
	void (*eoi)(uint32_t raw);                /* priority drop: the value ack() returned */
	void (*deactivate)(uint32_t raw);         /* EOImode 1: the interrupt is inactive again */
	void (*enable)(uint32_t intid);
	void (*disable)(uint32_t intid);
	void (*configure)(uint32_t intid, bool edge, unsigned target_cpu);
	void (*send_sgi)(unsigned cpu, uint32_t sgi);
	const struct gic_virt_info *virt;         /* NULL: no virtualization support */
};

void irq_set_chip(const struct irqchip *chip);
const struct irqchip *irq_chip(void);

/* Install a handler; SPIs are routed to target_cpu, PPIs/SGIs enabled on the calling CPU. */
int irq_request(uint32_t intid, bool edge, unsigned target_cpu,
		irq_handler_fn fn, void *arg, const char *name);
/*
 * A host interrupt forwarded to a guest as a hardware-linked virtual
 * interrupt: after fn runs, Mantle only drops the priority; the guest's
 * deactivation of the virtual interrupt deactivates this one.
 */
int irq_request_forwarded(uint32_t intid, bool edge, unsigned target_cpu,
			  irq_handler_fn fn, void *arg, const char *name);
/* Give an interrupt back: disabled, inactive, handler gone. */
void irq_free(uint32_t intid);

/* Enable a per-CPU interrupt (PPI/SGI) on the calling CPU. */
void irq_enable_local(uint32_t intid);
void irq_send_sgi(unsigned cpu, uint32_t sgi);
/*
 * Run the handlers of every interrupt pending at this CPU, IRQs masked,
 * without rescheduling: the caller looks at need_resched itself.
 */
void irq_dispatch(void);
/* Called on each CPU after its interrupt controller interface is up. */
void irq_cpu_init(void);

uint64_t irq_count(uint32_t intid, unsigned cpu);
const char *irq_name(uint32_t intid);

#endif
