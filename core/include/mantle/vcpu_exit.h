/*
 * What an exit fast path needs from core: the arch handles quick exits
 * without leaving the guest's loaded state (arch_exit_fast, and the run
 * loop for interrupts), and asks these on every one of them, so they are
 * inline.
 */
#ifndef MANTLE_VCPU_EXIT_H
#define MANTLE_VCPU_EXIT_H
#include <stdbool.h>
#include <stdint.h>
#include <mantle/guest.h>
#include <mantle/vcpu.h>
#include <mantle/percpu.h>
#include <mantle/smccc.h>

/*
 * A call answered on the spot: it never blocks, nor stops the caller or its
 * guest. Not so: PSCI CPU_SUSPEND, CPU_OFF, SYSTEM_OFF, SYSTEM_RESET (in
 * either calling convention) and the console write (up to 4 KiB of output).
 */
static inline bool guest_smccc_is_quick(uint32_t fid)
{
	uint32_t fn = fid & 0xffffff;
	const uint32_t psci_slow = (1u << (PSCI_CPU_SUSPEND_32 & 0x1f)) | (1u << (PSCI_CPU_OFF & 0x1f)) |
				   (1u << (PSCI_SYSTEM_OFF & 0x1f)) | (1u << (PSCI_SYSTEM_RESET & 0x1f));

	/* The function number is the same in the SMC32 (0x84) and SMC64 (0xC4) ranges. */
	if ((fid >> 24 == PSCI_VERSION >> 24 || fid >> 24 == PSCI_CPU_ON_64 >> 24) && fn < 32)
		return !((psci_slow >> fn) & 1);
	return fid != MANTLE_HC_CONSOLE_WRITE;
}

/* An exit other than an interrupt, for the exception-loop detector. */
static inline void guest_watch_trap(struct vcpu *v)
{
	crash_watch_trap(&v->crash_watch);
}

/*
 * May v go straight back into the guest after a quick exit or an
 * interrupt, IRQs still masked? Not when the scheduler wants the CPU, nor
 * when its guest stopped or is to crash: those are guest_vcpu_main's to act
 * on. (Its own power state only changes through calls that are not quick.)
 */
static inline bool guest_vcpu_may_reenter(const struct vcpu *v)
{
	const struct guest *g = v->guest;

	return !this_pcpu()->need_resched && g->state == GUEST_RUNNING && !g->crash_pending;
}

#endif
