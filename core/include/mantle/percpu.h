/* State each physical CPU owns. */
#ifndef MANTLE_PERCPU_H
#define MANTLE_PERCPU_H
#include <stdint.h>
#include <stdbool.h>
#include <arch/spinlock.h>
#include <arch/cpu.h>
#include <mantle/sched_queue.h>
#include <mantle/timer_queue.h>

struct vcpu;

struct pcpu {
	unsigned id;                 /* logical index, 0 = boot CPU */
	uint64_t mpidr;              /* from the host DTB /cpus */
	volatile bool online;
	volatile bool halted;        /* stopped by a fatal exception */

	/* scheduler */
	spinlock_t rq_lock;
	struct sched_queue rq;
	struct vcpu *current;
	struct vcpu *idle;
	volatile bool need_resched;
	struct timer_event slice_event;
	uint64_t nr_switches;

	/* timer events */
	spinlock_t timer_lock;
	struct timer_queue timers;

	/* interrupt controller private data (GICv2 interface mask, GICv3 redistributor) */
	uint32_t gic_cpu_mask;
	uintptr_t gicr_base;
};

extern struct pcpu pcpus[CONFIG_MAX_CPUS];
extern unsigned nr_cpus_possible;     /* CPUs listed in the host DTB (capped) */

static inline struct pcpu *this_pcpu(void) { return arch_percpu_get(); }
static inline unsigned this_cpu_id(void) { return this_pcpu()->id; }
unsigned cpus_online(void);

#endif
