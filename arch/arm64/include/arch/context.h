/* Callee-saved state of a hypervisor thread (an orphan vCPU, or a guest vCPU's EL2 side). */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H
#include <stdint.h>

struct arch_context {
	uint64_t x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
	uint64_t fp, lr, sp;
};

/* Save the running context into from, resume to. Call with IRQs masked. */
void arch_context_switch(struct arch_context *from, struct arch_context *to);

/*
 * Prepare ctx so that switching to it runs entry(arg) on the given stack,
 * after sched_thread_start() has finished the switch bookkeeping.
 */
void arch_context_init(struct arch_context *ctx, void *stack_top,
		       void (*entry)(void *), void *arg);

#endif
