/*
 * Per-CPU priority scheduler. Each pCPU runs its own vCPUs: the highest
 * priority ready one, round-robin with a time slice among equals; an idle
 * vCPU when nothing is ready. Wake-ups from other CPUs arrive by SGI.
 */
#ifndef MANTLE_SCHED_H
#define MANTLE_SCHED_H
#include <stdint.h>
#include <mantle/vcpu.h>

#define SCHED_PRIO_IDLE     0
#define SCHED_PRIO_DEFAULT  (CONFIG_SCHED_PRIORITIES / 2)
#define SCHED_PRIO_MAX      (CONFIG_SCHED_PRIORITIES - 1)

/* Per-CPU set-up; the boot stack becomes this CPU's idle vCPU. */
void sched_cpu_init(void);
/* Enter the scheduler loop as the idle vCPU: never returns. */
void sched_idle_loop(void) __attribute__((noreturn));

void sched_add(struct vcpu *v);           /* first enqueue of a new vCPU */
void sched_wake(struct vcpu *v);          /* BLOCKED -> READY, or remember the wake-up */
void sched_block(void);                   /* current vCPU waits for sched_wake() */
void sched_yield(void);
/* Block the current vCPU for at least ns nanoseconds. */
void sched_sleep_ns(uint64_t ns);
void schedule(void);                      /* pick and switch, IRQs may be on or off */
/* From the IRQ exit path: switch if a reschedule was requested. */
void sched_irq_exit(void);
/*
 * A thread that woke a higher-priority vCPU on its own CPU (a guest vCPU
 * notifying its device backend, say) switches here instead of at the next
 * interrupt.
 */
void sched_preempt_point(void);

struct vcpu *sched_current(void);

/* Used by the arch thread trampoline. */
void sched_thread_start(void);
void sched_thread_exit(void) __attribute__((noreturn));

#endif
