/*
 * A small GIC driver for the interrupt tests: GICv2 (distributor and CPU
 * interface, both MMIO) and GICv3 (distributor and redistributor MMIO, CPU
 * interface through the ICC_* system registers), found from the DTB
 * (dtb.h). Every interrupt is made Group 1 where the GIC lets this CPU
 * choose; IRQs reach EL1 as IRQ exceptions (vectors.S, fault.c), which
 * gic_handle_irq acknowledges, dispatches to the INTID's handler and ends.
 *
 * Private interrupts (SGIs 0-15, PPIs 16-31) are banked: every gic_* call
 * on an INTID below 32 acts on the calling CPU's copy.
 */
#ifndef FW_GIC_H
#define FW_GIC_H

#include <stdint.h>
#include "dtb.h"

#define GIC_NR_SGIS      16
#define GIC_NR_PRIVATE   32
#define GIC_MAX_INTID    1020	/* 1020-1023 are special (1023: nothing pending) */
#define GIC_SPURIOUS     1023

#define GIC_PRIO_DEFAULT 0xa0	/* every interrupt after gic_init */
#define GIC_PMR_OPEN     0xf0	/* PMR after gic_init: lets 0x00-0xe0 in */
#define GIC_PRIO_IDLE    0xff	/* running priority with nothing active */

struct gic_irq {
	uint32_t iar;		/* as read from the acknowledge register */
	unsigned int intid;
	unsigned int source;	/* GICv2 SGIs: the sender's CPU interface number; else 0 */
	int keep_active;	/* set by a handler in EOI split mode: skip the deactivation */
};

typedef void (*gic_handler_t)(struct gic_irq *irq);

/*
 * Boot CPU: the distributor (every SPI disabled, Group 1, GIC_PRIO_DEFAULT,
 * routed to this CPU, pending and active states cleared), then
 * gic_cpu_init. May be called again: it starts over. Every handler is
 * removed. Returns 0, or -1 with the reason in gic_error().
 */
int gic_init(void);
/*
 * The calling CPU's part: its redistributor awake (GICv3), its SGIs and PPIs
 * disabled, Group 1, GIC_PRIO_DEFAULT, not pending, not active; its CPU
 * interface on with PMR GIC_PMR_OPEN and EOI mode 0. Returns 0 or -1.
 */
int gic_cpu_init(void);
/* The calling CPU's interface off (Group 1 disabled): before CPU_OFF. */
void gic_cpu_off(void);
const char *gic_error(void);
/*
 * Whether SPI intid is pending at the DTB's distributor, read directly:
 * usable before gic_init, which clears every SPI's pending state (an edge
 * latched there would be lost). 0 without a usable distributor.
 */
int gic_spi_pending_early(unsigned int intid);
enum gic_type gic_type(void);
/* One past the highest INTID the distributor implements (at most GIC_MAX_INTID). */
unsigned int gic_nr_irqs(void);

/* Handlers are shared by all CPUs; NULL removes one. */
void gic_set_handler(unsigned int intid, gic_handler_t fn);
/*
 * The IRQ exception (fault.c): acknowledges, dispatches, ends the
 * interrupt. Returns 0 if the calling CPU has no initialised GIC.
 */
int gic_handle_irq(void);

void gic_enable(unsigned int intid);
void gic_disable(unsigned int intid);	/* returns once the GIC has done it */
int gic_enabled(unsigned int intid);
void gic_set_priority(unsigned int intid, uint8_t prio);
uint8_t gic_priority(unsigned int intid);
void gic_set_pending(unsigned int intid);	/* PPIs and SPIs: SGIs are sent */
void gic_clear_pending(unsigned int intid);
int gic_pending(unsigned int intid);
int gic_active(unsigned int intid);
void gic_clear_active(unsigned int intid);
/* Level (0) or edge (1) triggered, where the GIC lets it be chosen. */
void gic_set_edge(unsigned int intid, int edge);
/* An SPI to the calling CPU. */
void gic_route_to_self(unsigned int intid);

void gic_set_pmr(uint8_t pmr);
uint8_t gic_pmr(void);
/* The running priority: that of the active interrupt, GIC_PRIO_IDLE if none. */
uint8_t gic_running_priority(void);

/*
 * EOI split mode of the calling CPU (EOImode 1): ending an interrupt drops
 * the running priority only, it stays active until gic_deactivate; the
 * dispatcher deactivates unless the handler set keep_active. Returns 0, or
 * -1 if the GIC cannot (GICv2 with a CPU interface region under 8 KiB).
 */
int gic_set_eoi_split(int on);
/*
 * The raw acknowledge and end of interrupt, for code that takes interrupts
 * with IRQs masked (the benchmarks): gic_ack returns the IAR value
 * (INTID 1023 if nothing is pending), gic_eoi writes it back.
 */
uint32_t gic_ack(void);
void gic_eoi(uint32_t iar);
void gic_deactivate(uint32_t iar);

/* SGIs. "cpu" is a logical CPU number (smp.h) that has run gic_cpu_init. */
void gic_send_sgi(unsigned int intid, unsigned int cpu);
void gic_send_sgi_self(unsigned int intid);
void gic_send_sgi_others(unsigned int intid);	/* every CPU but the caller */
/* GICv2: GICD_SGIR with the target list filter 0 and this CPU target list. */
void gic_send_sgi_v2_list(unsigned int intid, uint8_t targets);
/* GICv3: ICC_SGI1R_EL1 to the one PE with this affinity (MPIDR_EL1 layout). */
void gic_send_sgi_v3_mpidr(unsigned int intid, uint64_t mpidr);
/* GICv2: the CPU interface number of a CPU (the SGI source it shows). */
unsigned int gic_cpu_iface(unsigned int cpu);
/* GICv2: how many CPU interfaces the distributor has (GICD_TYPER.CPUNumber + 1). */
unsigned int gic_v2_ifaces(void);

/* What gic_handle_irq saw on a CPU since gic_init. */
struct gic_stats {
	unsigned int handled;		/* interrupts with a handler */
	unsigned int unexpected;	/* without one (acknowledged and ended) */
	unsigned int last_unexpected;	/* its INTID */
	unsigned int spurious;		/* IRQ exceptions that acknowledged INTID 1020-1023 */
};
struct gic_stats gic_stats(unsigned int cpu);

#endif
