/*
 * Unit tests for the exception-loop detectors (core/crash_watch.c) and the
 * vGIC's "could anything wake this vCPU" question (vgic_can_wake).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <mantle/crash_watch.h>
#include <vgic/vgic.h>

#define VBAR     0x40081000ULL
#define ESR_BRK  0xf2000000ULL      /* BRK #0 */
#define ESR_IABT 0x86000010ULL      /* instruction abort, same EL, external */
#define ESR_EL2_IABT 0x82000006ULL  /* stage-2 translation fault on a fetch, lower EL */
#define MS       1000000ULL

static struct crash_watch w;

static int setup(void **state)
{
	crash_watch_reset(&w);
	return 0;
}

/* ---- aborts that exit --------------------------------------------------- */

/*
 * The guest's vector is at an IPA it does not own: each injection sends it
 * to the vector, whose fetch aborts at stage 2 again. Returns how many
 * aborts it took to trip, 0 if n did not.
 */
static unsigned vector_fetch_loop(unsigned n)
{
	struct crash_exc_state st = { .pc = VBAR + 0x200, .vbar = VBAR, .esr = ESR_BRK, .elr = 0x40080100 };

	for (unsigned i = 1; i <= n; i++) {
		crash_watch_trap(&w);
		if (crash_watch_abort(&w, ESR_EL2_IABT, VBAR + 0x200, &st))
			return i;
		/* What the injection leaves: the abort taken at the vector itself. */
		st.elr = st.pc;
		st.esr = ESR_IABT;
		st.far = st.pc;
		crash_watch_injected(&w, &st);
	}
	return 0;
}

static void test_repeated_abort_at_the_vector_trips(void **state)
{
	/* The first one counts too: the guest's state before it is the BRK's, so it cannot match. */
	assert_int_equal(vector_fetch_loop(100), CRASH_ABORT_REPEATS);
}

static void test_fewer_repeats_do_not_trip(void **state)
{
	assert_int_equal(vector_fetch_loop(CRASH_ABORT_REPEATS - 1), 0);
}

/* A probe loop the guest survives: its handler moves ELR_EL1 past the access. */
static void test_handled_probe_loop_never_trips(void **state)
{
	struct crash_exc_state st = { .pc = 0x40080400, .vbar = VBAR };

	for (unsigned i = 0; i < 10 * CRASH_ABORT_REPEATS; i++) {
		crash_watch_trap(&w);
		assert_false(crash_watch_abort(&w, 0x92000006, 0x20000000, &st));
		st.elr = st.pc;
		st.esr = 0x96000010;
		st.far = 0x20000000;
		crash_watch_injected(&w, &st);
		st.elr = st.pc + 4;         /* the fixup, then eret */
	}
}

/* The same abort again and again, but with another exit between each: the guest runs. */
static void test_other_exits_between_aborts_never_trip(void **state)
{
	struct crash_exc_state st = { .pc = VBAR + 0x200, .vbar = VBAR, .esr = ESR_IABT,
				      .elr = VBAR + 0x200, .far = VBAR + 0x200 };

	for (unsigned i = 0; i < 10 * CRASH_ABORT_REPEATS; i++) {
		crash_watch_trap(&w);
		assert_false(crash_watch_abort(&w, ESR_EL2_IABT, VBAR + 0x200, &st));
		crash_watch_injected(&w, &st);
		crash_watch_trap(&w);       /* an MMIO write, say */
	}
}

static void test_a_different_address_starts_over(void **state)
{
	struct crash_exc_state st = { .pc = 0x40080400, .vbar = VBAR, .esr = ESR_IABT,
				      .elr = 0x40080400, .far = 0x40080400 };

	for (unsigned i = 0; i < 10 * CRASH_ABORT_REPEATS; i++) {
		crash_watch_trap(&w);
		assert_false(crash_watch_abort(&w, ESR_EL2_IABT, 0x50000000 + (i % 2) * 0x1000, &st));
		crash_watch_injected(&w, &st);
	}
}

/* SP_EL1 off the end: each entry's first store lands lower, always outside the guest. */
static void test_descending_stack_in_the_vector_trips(void **state)
{
	struct crash_exc_state st = { .pc = VBAR + 0x204, .vbar = VBAR, .esr = ESR_BRK, .elr = 0x40080100 };
	uint64_t sp = 0x43000000;

	for (unsigned i = 1; i <= CRASH_ABORT_REPEATS; i++) {
		sp -= 0x330;
		crash_watch_trap(&w);
		assert_int_equal(crash_watch_abort(&w, 0x92000046, sp, &st), i == CRASH_ABORT_REPEATS);
		st.elr = st.pc;
		st.esr = 0x96000050;
		st.far = sp;
		crash_watch_injected(&w, &st);
	}
}

/* The same outside the vectors: a different address each time is a guest moving on. */
static void test_moving_address_outside_the_vectors_never_trips(void **state)
{
	struct crash_exc_state st = { .pc = 0x40080400, .vbar = VBAR, .esr = 0x96000050,
				      .elr = 0x40080400, .far = 0x43000000 };

	for (unsigned i = 1; i <= 10 * CRASH_ABORT_REPEATS; i++) {
		crash_watch_trap(&w);
		assert_false(crash_watch_abort(&w, 0x92000046, 0x43000000 + 0x1000 * i, &st));
		crash_watch_injected(&w, &st);
	}
}

/* ---- loops that never exit ---------------------------------------------- */

/* n samples 10 ms apart of a vCPU in state st; the sample that tripped, 0 if none. */
static unsigned sample(const struct crash_exc_state *st, unsigned n, uint64_t *now)
{
	for (unsigned i = 1; i <= n; i++) {
		*now += CRASH_SAMPLE_NS;
		if (crash_watch_irq_exit(&w, *now, st))
			return i;
	}
	return 0;
}

static void test_spinning_in_a_vector_trips(void **state)
{
	struct crash_exc_state st = { .pc = VBAR + 0x200, .vbar = VBAR + 0x3, .esr = ESR_BRK,
				      .elr = 0x40080100, .spsr = 0x3c5 };
	uint64_t now = 0;

	assert_int_equal(sample(&st, 100, &now), CRASH_LOOP_SAMPLES);
}

static void test_a_faulting_fetch_outside_the_table_trips(void **state)
{
	struct crash_exc_state st = { .pc = 0x48000000, .vbar = VBAR, .esr = ESR_IABT,
				      .elr = 0x48000000, .far = 0x48000000 };
	uint64_t now = 0;

	assert_int_equal(sample(&st, 100, &now), CRASH_LOOP_SAMPLES);
}

static void test_samples_closer_than_the_interval_do_not_count(void **state)
{
	struct crash_exc_state st = { .pc = VBAR + 0x200, .vbar = VBAR, .esr = ESR_BRK, .elr = 0x40080100 };
	uint64_t now = 0;

	for (unsigned i = 0; i < 10 * CRASH_LOOP_SAMPLES; i++) {
		now += CRASH_SAMPLE_NS / 4;
		crash_watch_irq_exit(&w, now, &st);
	}
	/* 10 * LOOP_SAMPLES quarter-intervals: only about a quarter of them were samples. */
	assert_true(w.loop_samples <= 3 * CRASH_LOOP_SAMPLES);
	assert_true(w.loop_samples >= 2 * CRASH_LOOP_SAMPLES);
	crash_watch_reset(&w);
	now = 0;
	for (unsigned i = 0; i < 4 * (CRASH_LOOP_SAMPLES - 1); i++) {
		now += CRASH_SAMPLE_NS / 4;
		assert_false(crash_watch_irq_exit(&w, now, &st));
	}
}

static void test_a_trap_between_samples_starts_over(void **state)
{
	struct crash_exc_state st = { .pc = VBAR + 0x200, .vbar = VBAR, .esr = ESR_BRK, .elr = 0x40080100 };
	uint64_t now = 0;

	for (unsigned i = 0; i < 10 * CRASH_LOOP_SAMPLES; i++) {
		assert_int_equal(sample(&st, CRASH_LOOP_SAMPLES - 1, &now), 0);
		crash_watch_trap(&w);
	}
}

/* A guest that takes interrupts all the time: ELR_EL1 moves with each one. */
static void test_a_busy_guest_in_its_vectors_never_trips(void **state)
{
	struct crash_exc_state st = { .pc = VBAR + 0x280, .vbar = VBAR, .esr = ESR_BRK, .spsr = 0x345 };
	uint64_t now = 0;

	for (unsigned i = 0; i < 100 * CRASH_LOOP_SAMPLES; i++) {
		st.elr = 0xffff800008010000ULL + 4 * (i % 7);
		st.pc = i % 3 ? VBAR + 0x280 : 0xffff800008123450ULL;
		now += CRASH_SAMPLE_NS;
		assert_false(crash_watch_irq_exit(&w, now, &st));
	}
}

/* `while (1);` with interrupts coming in: PC == ELR_EL1 each time, but outside the vectors. */
static void test_an_idle_spin_loop_never_trips(void **state)
{
	struct crash_exc_state st = { .pc = 0x40080800, .vbar = VBAR, .esr = ESR_BRK,
				      .elr = 0x40080800, .far = 0x1234, .spsr = 0x345 };
	uint64_t now = 0;

	assert_int_equal(sample(&st, 100 * CRASH_LOOP_SAMPLES, &now), 0);
}

/* Straight after reset VBAR_EL1 is 0 and code may run in its first 2 KiB (a ROM at 0). */
static void test_code_at_zero_after_reset_never_trips(void **state)
{
	struct crash_exc_state st = { .pc = 0x100 };
	uint64_t now = 0;

	assert_int_equal(sample(&st, 100 * CRASH_LOOP_SAMPLES, &now), 0);
}

/* ---- vgic_can_wake -------------------------------------------------------- */

static struct vgic gic;

static void no_kick(void *ctx, unsigned idx)
{
}

static void test_nothing_enabled_cannot_wake(void **state)
{
	vgic_init(&gic, 3, 1, no_kick, NULL);
	gic.ctlr = 3;
	assert_false(vgic_can_wake(&gic, 0, 0));
}

static void test_enabled_spi_routed_here_can_wake(void **state)
{
	vgic_init(&gic, 3, 2, no_kick, NULL);
	gic.ctlr = 3;
	gic.spis[1].enabled = true;          /* INTID 33, routed to vCPU 0 (route 0) */
	assert_true(vgic_can_wake(&gic, 0, 0));
	assert_false(vgic_can_wake(&gic, 1, 0));
	gic.spis[1].route = 1;
	assert_false(vgic_can_wake(&gic, 0, 0));
	assert_true(vgic_can_wake(&gic, 1, 0));
	gic.ctlr = 0;                        /* the distributor off */
	assert_false(vgic_can_wake(&gic, 1, 0));
}

static void test_disarmed_timer_ppi_cannot_wake(void **state)
{
	vgic_init(&gic, 2, 1, no_kick, NULL);
	gic.ctlr = 3;
	gic.vcpus[0].priv[27].enabled = true;
	assert_true(vgic_can_wake(&gic, 0, 0));
	assert_false(vgic_can_wake(&gic, 0, 1u << 27));
	/* GICv2 SGIs are always enabled, but with no other vCPU nobody sends one. */
	assert_true(gic.vcpus[0].priv[1].enabled);
	gic.vcpus[0].priv[27].enabled = false;
	assert_false(vgic_can_wake(&gic, 0, 0));
	assert_false(vgic_can_wake(&gic, 5, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(test_repeated_abort_at_the_vector_trips),
		T(test_fewer_repeats_do_not_trip),
		T(test_handled_probe_loop_never_trips),
		T(test_other_exits_between_aborts_never_trip),
		T(test_a_different_address_starts_over),
		T(test_descending_stack_in_the_vector_trips),
		T(test_moving_address_outside_the_vectors_never_trips),
		T(test_spinning_in_a_vector_trips),
		T(test_a_faulting_fetch_outside_the_table_trips),
		T(test_samples_closer_than_the_interval_do_not_count),
		T(test_a_trap_between_samples_starts_over),
		T(test_a_busy_guest_in_its_vectors_never_trips),
		T(test_an_idle_spin_loop_never_trips),
		T(test_code_at_zero_after_reset_never_trips),
		T(test_nothing_enabled_cannot_wake),
		T(test_enabled_spi_routed_here_can_wake),
		T(test_disarmed_timer_ppi_cannot_wake),
#undef T
	};

	return cmocka_run_group_tests_name("crash_watch", tests, NULL, NULL);
}
