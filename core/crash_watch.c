/* Exception-loop detectors for one guest vCPU (see crash_watch.h). */
#include <string.h>
#include <mantle/crash_watch.h>

void crash_watch_reset(struct crash_watch *w)
{
	memset(w, 0, sizeof(*w));
}

bool crash_watch_abort(struct crash_watch *w, uint64_t esr, uint64_t ipa, const struct crash_exc_state *now)
{
	/*
	 * The previous exit was the same abort, and since its injection the
	 * guest changed none of ELR/ESR/FAR_EL1: no exception returned, no
	 * other one was taken. Its vector cannot run or faults right away.
	 * Faulting inside the vector table itself, the address may move on
	 * each time (a stack pointer off the end descends with every entry).
	 */
	uint64_t table = now->vbar & ~(CRASH_VECTOR_TABLE_SIZE - 1);
	bool in_vectors = now->pc - table < CRASH_VECTOR_TABLE_SIZE;
	bool again = w->abort_repeats && w->abort_trap + 1 == w->traps && w->abort_esr == esr &&
		     w->abort_pc == now->pc && (w->abort_ipa == ipa || in_vectors) &&
		     now->elr == w->injected_elr && now->esr == w->injected_esr && now->far == w->injected_far;

	w->abort_repeats = again ? w->abort_repeats + 1 : 1;
	w->abort_trap = w->traps;
	w->abort_esr = esr;
	w->abort_pc = now->pc;
	w->abort_ipa = ipa;
	return w->abort_repeats >= CRASH_ABORT_REPEATS;
}

void crash_watch_injected(struct crash_watch *w, const struct crash_exc_state *after)
{
	w->injected_elr = after->elr;
	w->injected_esr = after->esr;
	w->injected_far = after->far;
}

bool crash_watch_in_exception(const struct crash_exc_state *st)
{
	uint64_t table = st->vbar & ~(CRASH_VECTOR_TABLE_SIZE - 1);
	unsigned ec = (unsigned)(st->esr >> 26) & 0x3f;

	/* Straight after reset nothing was taken yet: code may well run where VBAR_EL1 (0) points. */
	if (!st->esr && !st->elr)
		return false;
	if (st->pc - table < CRASH_VECTOR_TABLE_SIZE)
		return true;
	/* An instruction abort on the very PC it returns to: the fetch fails each time. */
	return ec == CRASH_EC_IABT_SAME_EL && st->elr == st->pc && st->far == st->pc;
}

static bool same_exception(const struct crash_exc_state *a, const struct crash_exc_state *b)
{
	return a->vbar == b->vbar && a->esr == b->esr && a->elr == b->elr && a->far == b->far &&
	       a->spsr == b->spsr;
}

bool crash_watch_sample_due(const struct crash_watch *w, uint64_t now_ns)
{
	return !w->have_sample || now_ns - w->sample_ns >= CRASH_SAMPLE_NS;
}

bool crash_watch_irq_exit(struct crash_watch *w, uint64_t now_ns, const struct crash_exc_state *st)
{
	bool stuck;

	if (!crash_watch_sample_due(w, now_ns))
		return false;
	stuck = crash_watch_in_exception(st);
	if (!stuck)
		w->loop_samples = 0;
	else if (w->loop_samples && w->sample_trap == w->traps && same_exception(&w->sample, st))
		w->loop_samples++;
	else
		w->loop_samples = 1;
	w->have_sample = true;
	w->sample_ns = now_ns;
	w->sample_trap = w->traps;
	w->sample = *st;
	return w->loop_samples >= CRASH_LOOP_SAMPLES;
}
