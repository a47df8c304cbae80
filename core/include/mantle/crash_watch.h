/*
 * Telling a guest vCPU that is stuck in an exception loop from one that is
 * busy. Two kinds of loop, two detectors, one state per vCPU:
 *
 *  - loops that exit to Mantle: the same unhandled stage-2 abort (same
 *    syndrome and PC, and the same IPA unless the PC is in the vector
 *    table) again and again, with no other exit between them
 *    and the guest's exception registers still exactly as Mantle left them
 *    when it injected the previous abort: the guest never got past the
 *    faulting instruction, let alone back from the exception;
 *  - loops that never exit (a vector that branches to itself, or whose own
 *    fetch faults at stage 1): sampled at interrupt exits, at most once per
 *    CRASH_SAMPLE_NS; the vCPU sits inside its vector table (or on the PC of
 *    an instruction abort taken on that very PC) with ESR/ELR/FAR/SPSR_EL1
 *    unchanged and no trap in between, CRASH_LOOP_SAMPLES samples running.
 *
 * A guest that takes many exceptions (Linux) changes ELR_EL1 with each one
 * and returns from them, so it never matches either. Pure logic: host-tested.
 */
#ifndef MANTLE_CRASH_WATCH_H
#define MANTLE_CRASH_WATCH_H
#include <stdint.h>
#include <stdbool.h>

#define CRASH_ABORT_REPEATS 32            /* identical aborts in a row */
#define CRASH_SAMPLE_NS     10000000ULL   /* 10 ms between samples */
#define CRASH_LOOP_SAMPLES  20            /* ~200 ms stuck in a vector */

#define CRASH_VECTOR_TABLE_SIZE 0x800ULL
#define CRASH_EC_IABT_SAME_EL   0x21

/* A vCPU's EL1 exception state, as the detectors compare it. */
struct crash_exc_state {
	uint64_t pc;              /* where the vCPU is (ELR_EL2 at the exit) */
	uint64_t vbar, esr, elr, far, spsr;   /* its *_EL1 registers */
};

struct crash_watch {
	uint64_t traps;           /* exits other than interrupts so far */
	/* the same unhandled stage-2 abort over and over */
	uint64_t abort_trap;      /* traps at the last one */
	uint64_t abort_esr, abort_pc, abort_ipa;
	uint64_t injected_elr, injected_esr, injected_far;   /* the guest's state after the injection */
	unsigned abort_repeats;
	/* an exception loop that never exits */
	bool have_sample;
	uint64_t sample_ns, sample_trap;
	struct crash_exc_state sample;
	unsigned loop_samples;
};

void crash_watch_reset(struct crash_watch *w);
/* Every exit but an interrupt: the vCPU did something Mantle saw. Inline: every exit pays it. */
static inline void crash_watch_trap(struct crash_watch *w)
{
	w->traps++;
}
/*
 * An unhandled stage-2 abort (esr: ESR_EL2) about to be injected, with the
 * guest's state now. True when it completes CRASH_ABORT_REPEATS in a row.
 */
bool crash_watch_abort(struct crash_watch *w, uint64_t esr, uint64_t ipa, const struct crash_exc_state *now);
/* The abort was injected; after is the guest's state the injection left. */
void crash_watch_injected(struct crash_watch *w, const struct crash_exc_state *after);
/* At an interrupt exit: whether a sample is due (so st is worth reading). */
bool crash_watch_sample_due(const struct crash_watch *w, uint64_t now_ns);
/* At an interrupt exit. True once the vCPU has been looping for CRASH_LOOP_SAMPLES samples. */
bool crash_watch_irq_exit(struct crash_watch *w, uint64_t now_ns, const struct crash_exc_state *st);
/* Whether st looks like a vCPU stuck taking an exception (one sample's test). */
bool crash_watch_in_exception(const struct crash_exc_state *st);

#endif
