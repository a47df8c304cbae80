/* Unit tests for the priority run queue (core/sched_queue.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <mantle/sched_queue.h>

#define TOP (SCHED_PRIO_LEVELS - 1)
#define NITEMS 40

/* The tests name levels 0..5 directly; Kconfig allows as few as 2. */
_Static_assert(SCHED_PRIO_LEVELS >= 6, "sched_queue tests need CONFIG_SCHED_PRIORITIES >= 6");
_Static_assert(SCHED_PRIO_LEVELS <= NITEMS, "one item per level");

/* Stands in for a vCPU: the run queue only sees the embedded node. */
struct item {
	int id;
	struct list_node node;
};

static struct sched_queue q;
static struct item items[NITEMS];

static int setup(void **state)
{
	sched_queue_init(&q);
	memset(items, 0, sizeof(items));
	for (int i = 0; i < NITEMS; i++) {
		items[i].id = i;
		list_init(&items[i].node);
	}
	return 0;
}

static int pop_id(void)
{
	struct list_node *n = sched_queue_pop(&q);

	return n ? list_entry(n, struct item, node)->id : -1;
}

static void test_empty_queue_has_no_top_priority(void **state)
{
	assert_int_equal(sched_queue_top_prio(&q), -1);
	assert_null(sched_queue_pop(&q));
	assert_int_equal(q.count, 0);
	assert_int_equal(q.nonempty, 0);
}

static void test_top_priority_is_highest_nonempty_level(void **state)
{
	sched_queue_add_tail(&q, &items[0].node, 1);
	assert_int_equal(sched_queue_top_prio(&q), 1);
	sched_queue_add_tail(&q, &items[1].node, 3);
	assert_int_equal(sched_queue_top_prio(&q), 3);
	sched_queue_add_tail(&q, &items[2].node, 2);
	assert_int_equal(sched_queue_top_prio(&q), 3);
	assert_int_equal(q.nonempty, (1u << 1) | (1u << 2) | (1u << 3));
}

static void test_lowest_and_highest_levels_use_both_ends_of_the_bitmap(void **state)
{
	sched_queue_add_tail(&q, &items[0].node, 0);
	assert_int_equal(sched_queue_top_prio(&q), 0);
	sched_queue_add_tail(&q, &items[1].node, TOP);
	assert_int_equal(sched_queue_top_prio(&q), TOP);
	assert_int_equal(pop_id(), 1);
	assert_int_equal(sched_queue_top_prio(&q), 0);
	assert_int_equal(pop_id(), 0);
	assert_int_equal(sched_queue_top_prio(&q), -1);
}

static void test_pop_takes_higher_priority_first(void **state)
{
	sched_queue_add_tail(&q, &items[0].node, 1);
	sched_queue_add_tail(&q, &items[1].node, 4);
	sched_queue_add_tail(&q, &items[2].node, 0);
	sched_queue_add_tail(&q, &items[3].node, 2);
	assert_int_equal(pop_id(), 1);
	assert_int_equal(pop_id(), 3);
	assert_int_equal(pop_id(), 0);
	assert_int_equal(pop_id(), 2);
	assert_int_equal(pop_id(), -1);
}

static void test_equal_priorities_pop_in_fifo_order(void **state)
{
	for (int i = 0; i < 5; i++)
		sched_queue_add_tail(&q, &items[i].node, 3);
	for (int i = 0; i < 5; i++)
		assert_int_equal(pop_id(), i);
}

static void test_fifo_order_holds_per_level_when_interleaved(void **state)
{
	sched_queue_add_tail(&q, &items[0].node, 2);
	sched_queue_add_tail(&q, &items[1].node, 5);
	sched_queue_add_tail(&q, &items[2].node, 2);
	sched_queue_add_tail(&q, &items[3].node, 5);
	sched_queue_add_tail(&q, &items[4].node, 2);
	assert_int_equal(pop_id(), 1);
	assert_int_equal(pop_id(), 3);
	assert_int_equal(pop_id(), 0);
	assert_int_equal(pop_id(), 2);
	assert_int_equal(pop_id(), 4);
}

static void test_add_head_runs_before_queued_equals(void **state)
{
	/* A preempted vCPU goes back to the front of its level. */
	sched_queue_add_tail(&q, &items[0].node, 3);
	sched_queue_add_tail(&q, &items[1].node, 3);
	sched_queue_add_head(&q, &items[2].node, 3);
	assert_int_equal(pop_id(), 2);
	assert_int_equal(pop_id(), 0);
	assert_int_equal(pop_id(), 1);
}

static void test_add_head_sets_the_priority_bit(void **state)
{
	sched_queue_add_head(&q, &items[0].node, 4);
	assert_int_equal(sched_queue_top_prio(&q), 4);
	assert_int_equal(q.count, 1);
}

static void test_remove_of_last_at_level_clears_its_bit(void **state)
{
	sched_queue_add_tail(&q, &items[0].node, 2);
	sched_queue_add_tail(&q, &items[1].node, 4);
	sched_queue_remove(&q, &items[1].node, 4);
	assert_int_equal(sched_queue_top_prio(&q), 2);
	assert_int_equal(q.nonempty, 1u << 2);
	assert_int_equal(q.count, 1);
}

static void test_remove_of_one_of_several_keeps_the_bit(void **state)
{
	sched_queue_add_tail(&q, &items[0].node, 4);
	sched_queue_add_tail(&q, &items[1].node, 4);
	sched_queue_add_tail(&q, &items[2].node, 4);
	sched_queue_remove(&q, &items[1].node, 4);
	assert_int_equal(sched_queue_top_prio(&q), 4);
	assert_int_equal(sched_queue_count_at(&q, 4), 2);
	assert_int_equal(pop_id(), 0);
	assert_int_equal(pop_id(), 2);
}

static void test_remove_of_unqueued_node_changes_nothing(void **state)
{
	sched_queue_add_tail(&q, &items[0].node, 1);
	sched_queue_remove(&q, &items[5].node, 1);
	assert_int_equal(q.count, 1);
	assert_int_equal(sched_queue_top_prio(&q), 1);
	assert_int_equal(pop_id(), 0);
	sched_queue_remove(&q, &items[0].node, 1);   /* already popped */
	assert_int_equal(q.count, 0);
	assert_int_equal(q.nonempty, 0);
}

static void test_out_of_range_priority_is_clamped_to_highest(void **state)
{
	sched_queue_add_tail(&q, &items[0].node, TOP);
	sched_queue_add_tail(&q, &items[1].node, SCHED_PRIO_LEVELS);
	sched_queue_add_tail(&q, &items[2].node, 1000);
	assert_int_equal(sched_queue_top_prio(&q), TOP);
	assert_int_equal(sched_queue_count_at(&q, TOP), 3);
	sched_queue_remove(&q, &items[2].node, 1000);
	assert_int_equal(sched_queue_count_at(&q, TOP), 2);
	assert_int_equal(pop_id(), 0);
	assert_int_equal(pop_id(), 1);
	assert_int_equal(q.nonempty, 0);
}

static void test_count_at_counts_each_level(void **state)
{
	sched_queue_add_tail(&q, &items[0].node, 0);
	sched_queue_add_tail(&q, &items[1].node, 2);
	sched_queue_add_tail(&q, &items[2].node, 2);
	assert_int_equal(sched_queue_count_at(&q, 0), 1);
	assert_int_equal(sched_queue_count_at(&q, 1), 0);
	assert_int_equal(sched_queue_count_at(&q, 2), 2);
	assert_int_equal(sched_queue_count_at(&q, SCHED_PRIO_LEVELS), 0);
	assert_int_equal(q.count, 3);
}

static void test_popped_node_can_be_requeued(void **state)
{
	/* Round robin: the running vCPU goes to the back of its level. */
	sched_queue_add_tail(&q, &items[0].node, 3);
	sched_queue_add_tail(&q, &items[1].node, 3);
	for (int round = 0; round < 4; round++) {
		struct list_node *n = sched_queue_pop(&q);
		assert_int_equal(list_entry(n, struct item, node)->id, round % 2);
		sched_queue_add_tail(&q, n, 3);
	}
	assert_int_equal(q.count, 2);
}

static void test_every_level_is_usable(void **state)
{
	for (int p = 0; p < SCHED_PRIO_LEVELS; p++)
		sched_queue_add_tail(&q, &items[p].node, p);
	for (int p = SCHED_PRIO_LEVELS - 1; p >= 0; p--) {
		assert_int_equal(sched_queue_top_prio(&q), p);
		assert_int_equal(pop_id(), p);
	}
	assert_int_equal(q.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(test_empty_queue_has_no_top_priority),
		T(test_top_priority_is_highest_nonempty_level),
		T(test_lowest_and_highest_levels_use_both_ends_of_the_bitmap),
		T(test_pop_takes_higher_priority_first),
		T(test_equal_priorities_pop_in_fifo_order),
		T(test_fifo_order_holds_per_level_when_interleaved),
		T(test_add_head_runs_before_queued_equals),
		T(test_add_head_sets_the_priority_bit),
		T(test_remove_of_last_at_level_clears_its_bit),
		T(test_remove_of_one_of_several_keeps_the_bit),
		T(test_remove_of_unqueued_node_changes_nothing),
		T(test_out_of_range_priority_is_clamped_to_highest),
		T(test_count_at_counts_each_level),
		T(test_popped_node_can_be_requeued),
		T(test_every_level_is_usable),
#undef T
	};
	return cmocka_run_group_tests_name("sched_queue", tests, NULL, NULL);
}
