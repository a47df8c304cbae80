/* Unit tests for the deadline-ordered timer event queue (core/timer_queue.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <mantle/timer_queue.h>

static struct timer_queue q;
static struct timer_event ev[8];

static int setup(void **state)
{
	timer_queue_init(&q);
	/* Zeroed nodes, like a static event that was never armed. */
	memset(ev, 0, sizeof(ev));
	for (int i = 0; i < 8; i++)
		ev[i].cpu = -1;
	return 0;
}

static struct timer_event *arm(int i, uint64_t deadline)
{
	ev[i].deadline_ns = deadline;
	timer_queue_add(&q, &ev[i]);
	return &ev[i];
}

/* Drain everything due by `now` and check it came out as the events `order`. */
static void assert_pops(uint64_t now, const int *order, int n)
{
	for (int i = 0; i < n; i++)
		assert_ptr_equal(timer_queue_pop_expired(&q, now), &ev[order[i]]);
	assert_null(timer_queue_pop_expired(&q, now));
}

static void test_empty_queue_has_nothing_to_pop(void **state)
{
	assert_null(timer_queue_first(&q));
	assert_null(timer_queue_pop_expired(&q, UINT64_MAX));
	assert_int_equal(q.count, 0);
}

static void test_events_come_out_in_deadline_order(void **state)
{
	static const int order[] = { 1, 3, 2, 0 };

	arm(0, 400);
	arm(1, 100);
	arm(2, 300);
	arm(3, 200);
	assert_int_equal(q.count, 4);
	assert_ptr_equal(timer_queue_first(&q), &ev[1]);
	assert_pops(UINT64_MAX, order, 4);
	assert_int_equal(q.count, 0);
}

static void test_equal_deadlines_fire_in_insertion_order(void **state)
{
	static const int order[] = { 4, 0, 2, 5, 1, 3 };

	arm(0, 50);
	arm(1, 70);
	arm(2, 50);
	arm(3, 70);
	arm(4, 10);
	arm(5, 50);
	assert_pops(UINT64_MAX, order, 6);
}

static void test_earliest_deadline_added_last_goes_first(void **state)
{
	arm(0, 100);
	arm(1, 200);
	arm(2, 5);
	assert_ptr_equal(timer_queue_first(&q), &ev[2]);
}

static void test_pop_expired_waits_for_the_deadline(void **state)
{
	arm(0, 1000);
	assert_null(timer_queue_pop_expired(&q, 0));
	assert_null(timer_queue_pop_expired(&q, 999));
	assert_int_equal(q.count, 1);
	/* Due exactly at its deadline. */
	assert_ptr_equal(timer_queue_pop_expired(&q, 1000), &ev[0]);
	assert_int_equal(q.count, 0);
}

static void test_pop_expired_stops_at_first_future_event(void **state)
{
	static const int due[] = { 1, 0 };

	arm(0, 20);
	arm(1, 10);
	arm(2, 30);
	assert_pops(25, due, 2);
	assert_int_equal(q.count, 1);
	assert_ptr_equal(timer_queue_first(&q), &ev[2]);
}

static void test_extreme_deadlines_are_ordered(void **state)
{
	static const int latest[] = { 2, 0 };

	arm(0, UINT64_MAX);
	arm(1, 0);
	arm(2, UINT64_MAX - 1);
	assert_ptr_equal(timer_queue_pop_expired(&q, 0), &ev[1]);
	assert_null(timer_queue_pop_expired(&q, UINT64_MAX - 2));
	assert_pops(UINT64_MAX, latest, 2);
}

static void test_remove_takes_event_out_of_the_middle(void **state)
{
	static const int order[] = { 0, 2 };

	arm(0, 10);
	arm(1, 20);
	arm(2, 30);
	timer_queue_remove(&q, &ev[1]);
	assert_int_equal(q.count, 2);
	assert_pops(UINT64_MAX, order, 2);
}

static void test_remove_of_first_event_exposes_the_next(void **state)
{
	arm(0, 10);
	arm(1, 20);
	timer_queue_remove(&q, &ev[0]);
	assert_ptr_equal(timer_queue_first(&q), &ev[1]);
	assert_int_equal(q.count, 1);
}

static void test_remove_of_unarmed_event_changes_nothing(void **state)
{
	arm(0, 10);
	timer_queue_remove(&q, &ev[5]);          /* never added */
	assert_int_equal(q.count, 1);
	assert_ptr_equal(timer_queue_pop_expired(&q, 10), &ev[0]);
	timer_queue_remove(&q, &ev[0]);          /* already popped */
	timer_queue_remove(&q, &ev[0]);
	assert_int_equal(q.count, 0);
	assert_null(timer_queue_first(&q));
}

static void test_popped_event_can_be_rearmed(void **state)
{
	arm(0, 10);
	arm(1, 20);
	assert_ptr_equal(timer_queue_pop_expired(&q, 10), &ev[0]);
	arm(0, 30);   /* a periodic timer re-arming itself */
	assert_int_equal(q.count, 2);
	assert_ptr_equal(timer_queue_pop_expired(&q, 100), &ev[1]);
	assert_ptr_equal(timer_queue_pop_expired(&q, 100), &ev[0]);
	assert_int_equal(q.count, 0);
}

static void test_removed_event_can_be_rearmed_with_new_deadline(void **state)
{
	static const int order[] = { 0, 2, 1 };

	arm(0, 10);
	arm(1, 20);
	arm(2, 30);
	timer_queue_remove(&q, &ev[1]);
	arm(1, 40);
	assert_pops(UINT64_MAX, order, 3);
}

static void test_queue_keeps_many_events_sorted(void **state)
{
	static struct timer_event many[100];
	uint64_t last = 0;

	memset(many, 0, sizeof(many));
	for (int i = 0; i < 100; i++) {
		many[i].deadline_ns = (uint64_t)(i * 7919) % 101;   /* scrambled, with repeats */
		timer_queue_add(&q, &many[i]);
	}
	assert_int_equal(q.count, 100);
	for (int i = 0; i < 100; i++) {
		struct timer_event *e = timer_queue_pop_expired(&q, UINT64_MAX);
		assert_non_null(e);
		assert_true(e->deadline_ns >= last);
		last = e->deadline_ns;
	}
	assert_null(timer_queue_first(&q));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(test_empty_queue_has_nothing_to_pop),
		T(test_events_come_out_in_deadline_order),
		T(test_equal_deadlines_fire_in_insertion_order),
		T(test_earliest_deadline_added_last_goes_first),
		T(test_pop_expired_waits_for_the_deadline),
		T(test_pop_expired_stops_at_first_future_event),
		T(test_extreme_deadlines_are_ordered),
		T(test_remove_takes_event_out_of_the_middle),
		T(test_remove_of_first_event_exposes_the_next),
		T(test_remove_of_unarmed_event_changes_nothing),
		T(test_popped_event_can_be_rearmed),
		T(test_removed_event_can_be_rearmed_with_new_deadline),
		T(test_queue_keeps_many_events_sorted),
#undef T
	};

	return cmocka_run_group_tests_name("timer_queue", tests, NULL, NULL);
}
