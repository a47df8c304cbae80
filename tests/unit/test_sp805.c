/* Unit tests for the SP805 watchdog register model (emulators/sp805_model.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sp805_model.h"

#define HZ     1000000ULL          /* a tick a microsecond */
#define US     1000ULL             /* nanoseconds */
#define MS     1000000ULL
#define T0     (5 * MS)            /* an arbitrary start time */

static struct sp805 wd;

static int setup(void **state)
{
	sp805_init(&wd, HZ);
	return 0;
}

static uint32_t rd(uint64_t now, uint64_t off)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(sp805_read(&wd, now, off, 4, &v), 0);
	return v;
}

static void wr(uint64_t now, uint64_t off, uint32_t val)
{
	assert_int_equal(sp805_write(&wd, now, off, 4, val), 0);
}

/* Load n ticks and start with interrupt and reset enabled, at T0. */
static void start(uint32_t n, uint32_t ctrl)
{
	wr(T0, SP805_LOAD, n);
	wr(T0, SP805_CONTROL, ctrl);
}

static void test_reset_values_and_ids(void **state)
{
	static const uint8_t ids[8] = { 0x05, 0x18, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1 };

	assert_int_equal(rd(0, SP805_LOAD), 0xFFFFFFFF);
	assert_int_equal(rd(0, SP805_VALUE), 0xFFFFFFFF);
	assert_int_equal(rd(0, SP805_CONTROL), 0);
	assert_int_equal(rd(0, SP805_RIS), 0);
	assert_int_equal(rd(0, SP805_MIS), 0);
	assert_int_equal(rd(0, SP805_LOCK), 0);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rd(0, SP805_PERIPHID0 + 4 * i), ids[i]);
	assert_int_equal(rd(0, SP805_ITCR), 0);
	assert_int_equal(rd(0, 0x800), 0);
	assert_false(sp805_irq(&wd));
	assert_true(sp805_next_event_ns(&wd) == SP805_NEVER);
}

static void test_bad_sizes_and_offsets_abort(void **state)
{
	uint32_t v;

	assert_int_equal(sp805_read(&wd, 0, SP805_LOAD, 8, &v), -1);
	assert_int_equal(sp805_read(&wd, 0, SP805_LOAD, 1, &v), -1);
	assert_int_equal(sp805_read(&wd, 0, SP805_LOAD + 2, 4, &v), -1);
	assert_int_equal(sp805_write(&wd, 0, SP805_LOAD, 2, 5), -1);
	assert_int_equal(sp805_write(&wd, 0, SP805_CONTROL + 1, 4, 3), -1);
	assert_int_equal(rd(0, SP805_LOAD), 0xFFFFFFFF);
	assert_int_equal(rd(0, SP805_CONTROL), 0);
}

static void test_stopped_counter_holds_its_value(void **state)
{
	wr(T0, SP805_LOAD, 1000);
	assert_int_equal(rd(T0 + 500 * US, SP805_VALUE), 1000);
	assert_true(sp805_next_event_ns(&wd) == SP805_NEVER);
	sp805_advance(&wd, T0 + 10 * MS);
	assert_int_equal(rd(T0 + 10 * MS, SP805_RIS), 0);
}

static void test_counter_decrements_at_the_clock(void **state)
{
	start(1000, SP805_CTRL_INTEN);
	assert_int_equal(rd(T0, SP805_VALUE), 1000);
	assert_int_equal(rd(T0 + 1 * US, SP805_VALUE), 999);
	assert_int_equal(rd(T0 + 250 * US + 999, SP805_VALUE), 750);
	assert_int_equal(rd(T0 + 999 * US, SP805_VALUE), 1);
	assert_true(sp805_next_event_ns(&wd) == T0 + 1000 * US);
}

static void test_first_zero_raises_the_interrupt_and_reloads(void **state)
{
	start(1000, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
	sp805_advance(&wd, T0 + 1000 * US - 1);
	assert_false(sp805_irq(&wd));
	sp805_advance(&wd, T0 + 1000 * US);
	assert_true(sp805_irq(&wd));
	assert_false(wd.reset_out);
	assert_int_equal(rd(T0 + 1000 * US, SP805_RIS), 1);
	assert_int_equal(rd(T0 + 1000 * US, SP805_MIS), 1);
	assert_int_equal(rd(T0 + 1000 * US, SP805_VALUE), 1000);
	assert_int_equal(rd(T0 + 1400 * US, SP805_VALUE), 600);
	assert_true(sp805_next_event_ns(&wd) == T0 + 2000 * US);
}

static void test_second_zero_with_resen_asserts_reset_and_stops(void **state)
{
	start(1000, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
	sp805_advance(&wd, T0 + 2000 * US - 1);
	assert_false(wd.reset_out);
	sp805_advance(&wd, T0 + 2000 * US);
	assert_true(wd.reset_out);
	assert_int_equal(rd(T0 + 5 * MS, SP805_VALUE), 0);
	assert_true(sp805_next_event_ns(&wd) == SP805_NEVER);
	/* Only a device reset takes the output down. */
	wr(T0 + 5 * MS, SP805_INTCLR, 1);
	assert_true(wd.reset_out);
	sp805_reset(&wd);
	assert_false(wd.reset_out);
	assert_int_equal(rd(T0 + 5 * MS, SP805_CONTROL), 0);
}

static void test_both_expiries_at_once_after_a_long_gap(void **state)
{
	start(1000, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
	sp805_advance(&wd, T0 + 3600 * 1000 * MS);       /* an hour later, in one step */
	assert_true(wd.ris);
	assert_true(wd.reset_out);
}

static void test_without_resen_it_keeps_reloading(void **state)
{
	start(1, SP805_CTRL_INTEN);          /* expires every microsecond */
	sp805_advance(&wd, T0 + 3600 * 1000 * MS + 500);
	assert_true(wd.ris);
	assert_false(wd.reset_out);
	/* The next zero is on the period grid, in the future. */
	assert_true(sp805_next_event_ns(&wd) == T0 + 3600 * 1000 * MS + 1000);
}

static void test_kick_clears_the_interrupt_and_reloads(void **state)
{
	start(1000, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
	sp805_advance(&wd, T0 + 1500 * US);
	assert_true(sp805_irq(&wd));
	wr(T0 + 1500 * US, SP805_INTCLR, 0);   /* any value */
	assert_false(sp805_irq(&wd));
	assert_int_equal(rd(T0 + 1500 * US, SP805_VALUE), 1000);
	/* Kicked before each zero, it never expires. */
	for (uint64_t t = T0 + 2400 * US; t < T0 + 100 * MS; t += 900 * US) {
		wr(t, SP805_INTCLR, 1);
		assert_false(wd.ris);
		assert_false(wd.reset_out);
	}
}

static void test_load_write_restarts_the_count(void **state)
{
	start(1000, SP805_CTRL_INTEN);
	wr(T0 + 900 * US, SP805_LOAD, 300);
	assert_int_equal(rd(T0 + 900 * US, SP805_VALUE), 300);
	assert_true(sp805_next_event_ns(&wd) == T0 + 1200 * US);
}

static void test_disabling_stops_and_reenabling_restarts_from_load(void **state)
{
	start(1000, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
	wr(T0 + 400 * US, SP805_CONTROL, 0);
	assert_int_equal(rd(T0 + 900 * US, SP805_VALUE), 600);
	sp805_advance(&wd, T0 + 10 * MS);
	assert_false(wd.ris);
	assert_true(sp805_next_event_ns(&wd) == SP805_NEVER);
	wr(T0 + 10 * MS, SP805_CONTROL, SP805_CTRL_INTEN);
	assert_int_equal(rd(T0 + 10 * MS, SP805_VALUE), 1000);
	assert_true(sp805_next_event_ns(&wd) == T0 + 11 * MS);
}

static void test_mis_follows_inten(void **state)
{
	start(10, SP805_CTRL_INTEN);
	sp805_advance(&wd, T0 + 10 * US);
	assert_int_equal(rd(T0 + 10 * US, SP805_MIS), 1);
	wr(T0 + 10 * US, SP805_CONTROL, 0);
	assert_int_equal(rd(T0 + 10 * US, SP805_RIS), 1);
	assert_int_equal(rd(T0 + 10 * US, SP805_MIS), 0);
	assert_false(sp805_irq(&wd));
}

static void test_locked_writes_are_ignored(void **state)
{
	wr(T0, SP805_LOCK, 0);
	assert_int_equal(rd(T0, SP805_LOCK), 1);
	wr(T0, SP805_LOAD, 5);
	wr(T0, SP805_CONTROL, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
	assert_int_equal(rd(T0, SP805_LOAD), 0xFFFFFFFF);
	assert_int_equal(rd(T0, SP805_CONTROL), 0);
	wr(T0, SP805_LOCK, SP805_UNLOCK_KEY);
	assert_int_equal(rd(T0, SP805_LOCK), 0);
	start(10, SP805_CTRL_INTEN);
	sp805_advance(&wd, T0 + 10 * US);
	assert_true(wd.ris);
	/* A kick while locked does nothing either. */
	wr(T0 + 10 * US, SP805_LOCK, SP805_UNLOCK_KEY + 1);
	wr(T0 + 10 * US, SP805_INTCLR, 1);
	assert_true(wd.ris);
}

static void test_zero_load_still_lets_time_move(void **state)
{
	start(0, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
	assert_true(sp805_next_event_ns(&wd) > T0);
	sp805_advance(&wd, T0 + 2 * US);
	assert_true(wd.reset_out);
}

static void test_slow_clock_rounds_deadlines_up(void **state)
{
	sp805_init(&wd, 3);                  /* a tick every 333333333.3 ns */
	start(1, SP805_CTRL_INTEN);
	assert_true(sp805_next_event_ns(&wd) == T0 + 333333334);
	assert_int_equal(rd(T0 + 333333333, SP805_VALUE), 1);
	sp805_advance(&wd, T0 + 333333334);
	assert_true(wd.ris);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(test_reset_values_and_ids),
		T(test_bad_sizes_and_offsets_abort),
		T(test_stopped_counter_holds_its_value),
		T(test_counter_decrements_at_the_clock),
		T(test_first_zero_raises_the_interrupt_and_reloads),
		T(test_second_zero_with_resen_asserts_reset_and_stops),
		T(test_both_expiries_at_once_after_a_long_gap),
		T(test_without_resen_it_keeps_reloading),
		T(test_kick_clears_the_interrupt_and_reloads),
		T(test_load_write_restarts_the_count),
		T(test_disabling_stops_and_reenabling_restarts_from_load),
		T(test_mis_follows_inten),
		T(test_locked_writes_are_ignored),
		T(test_zero_load_still_lets_time_move),
		T(test_slow_clock_rounds_deadlines_up),
#undef T
	};

	return cmocka_run_group_tests_name("sp805", tests, NULL, NULL);
}
