/* Unit tests for libs/: the byte ring, the formatting helpers and the list. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <libs/ring.h>
#include <libs/fmt.h>
#include <libs/list.h>

/* ------------------------------------------------------------ ring */

static uint8_t storage[8];
static struct ring ring;

static int ring_setup(void **state)
{
	assert_true(ring_init(&ring, storage, sizeof(storage)));
	return 0;
}

static void test_ring_init_rejects_non_power_of_two_sizes(void **state)
{
	struct ring r;

	assert_false(ring_init(&r, storage, 0));
	assert_false(ring_init(&r, storage, 3));
	assert_false(ring_init(&r, storage, 6));
	assert_true(ring_init(&r, storage, 1));
	assert_true(ring_init(&r, storage, 8));
}

static void test_ring_starts_empty(void **state)
{
	assert_int_equal(ring_count(&ring), 0);
	assert_int_equal(ring_get(&ring), -1);
	assert_int_equal(ring.dropped, 0);
}

static void test_ring_returns_bytes_in_fifo_order(void **state)
{
	for (int i = 0; i < 5; i++)
		assert_true(ring_put(&ring, 'a' + i));
	assert_int_equal(ring_count(&ring), 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ring_get(&ring), 'a' + i);
	assert_int_equal(ring_get(&ring), -1);
}

static void test_ring_returns_high_bytes_as_non_negative(void **state)
{
	assert_true(ring_put(&ring, 0xff));
	assert_true(ring_put(&ring, 0x00));
	assert_int_equal(ring_get(&ring), 0xff);
	assert_int_equal(ring_get(&ring), 0x00);
	assert_int_equal(ring_get(&ring), -1);
}

static void test_ring_full_refuses_and_counts_dropped_bytes(void **state)
{
	for (int i = 0; i < 8; i++)
		assert_true(ring_put(&ring, i));
	assert_false(ring_put(&ring, 100));
	assert_false(ring_put(&ring, 101));
	assert_int_equal(ring.dropped, 2);
	assert_int_equal(ring_count(&ring), 8);
	/* The refused bytes did not overwrite the oldest ones. */
	for (int i = 0; i < 8; i++)
		assert_int_equal(ring_get(&ring), i);
	assert_int_equal(ring_get(&ring), -1);
}

static void test_ring_accepts_again_after_a_get(void **state)
{
	for (int i = 0; i < 8; i++)
		assert_true(ring_put(&ring, i));
	assert_int_equal(ring_get(&ring), 0);
	assert_true(ring_put(&ring, 8));
	assert_false(ring_put(&ring, 9));
	for (int i = 1; i <= 8; i++)
		assert_int_equal(ring_get(&ring), i);
}

static void test_ring_wraps_around_many_times(void **state)
{
	int next_out = 0;

	for (int i = 0; i < 1000; i++) {
		assert_true(ring_put(&ring, i & 0xff));
		if (i % 3 != 0)
			continue;
		/* Drain in bursts so the fill level keeps changing. */
		while (ring_count(&ring) > 2)
			assert_int_equal(ring_get(&ring), next_out++ & 0xff);
	}
	while (ring_count(&ring))
		assert_int_equal(ring_get(&ring), next_out++ & 0xff);
	assert_int_equal(next_out, 1000);
	assert_int_equal(ring.dropped, 0);
}

static void test_ring_of_one_byte_works(void **state)
{
	uint8_t one;
	struct ring r;

	assert_true(ring_init(&r, &one, 1));
	assert_true(ring_put(&r, 42));
	assert_false(ring_put(&r, 43));
	assert_int_equal(ring_get(&r), 42);
	assert_true(ring_put(&r, 44));
	assert_int_equal(ring_get(&r), 44);
	assert_int_equal(r.dropped, 1);
}

/* ------------------------------------------------------------ fmt */

static char buf[64];

static void test_fmt_size_prints_small_sizes_in_bytes(void **state)
{
	assert_string_equal(fmt_size(buf, sizeof(buf), 0), "0 B");
	assert_string_equal(fmt_size(buf, sizeof(buf), 512), "512 B");
	assert_string_equal(fmt_size(buf, sizeof(buf), 1023), "1023 B");
}

static void test_fmt_size_prints_whole_units_without_decimals(void **state)
{
	assert_string_equal(fmt_size(buf, sizeof(buf), 1024), "1 KiB");
	assert_string_equal(fmt_size(buf, sizeof(buf), 4096), "4 KiB");
	assert_string_equal(fmt_size(buf, sizeof(buf), 1ULL << 20), "1 MiB");
	assert_string_equal(fmt_size(buf, sizeof(buf), 2ULL << 30), "2 GiB");
	assert_string_equal(fmt_size(buf, sizeof(buf), 3ULL << 40), "3 TiB");
}

static void test_fmt_size_prints_one_decimal_for_fractions(void **state)
{
	assert_string_equal(fmt_size(buf, sizeof(buf), 1536), "1.5 KiB");
	assert_string_equal(fmt_size(buf, sizeof(buf), 3ULL << 19), "1.5 MiB");
	assert_string_equal(fmt_size(buf, sizeof(buf), (5ULL << 30) / 4), "1.2 GiB");
}

static void test_fmt_size_truncates_rather_than_rounds(void **state)
{
	/* One byte short of 1 MiB must not claim to be 1024 KiB. */
	assert_string_equal(fmt_size(buf, sizeof(buf), (1ULL << 20) - 1), "1023.9 KiB");
}

static void test_fmt_size_stops_at_tib(void **state)
{
	assert_string_equal(fmt_size(buf, sizeof(buf), 2048ULL << 40), "2048 TiB");
	assert_string_equal(fmt_size(buf, sizeof(buf), UINT64_MAX), "16777215.9 TiB");
}

static void test_fmt_size_truncates_to_buffer_and_returns_it(void **state)
{
	char small[4];

	memset(small, 'z', sizeof(small));
	assert_ptr_equal(fmt_size(small, sizeof(small), 4096), small);
	assert_string_equal(small, "4 K");
}

static void test_fmt_seconds_has_microsecond_precision(void **state)
{
	assert_string_equal(fmt_seconds(buf, sizeof(buf), 0), "0.000000");
	assert_string_equal(fmt_seconds(buf, sizeof(buf), 999), "0.000000");
	assert_string_equal(fmt_seconds(buf, sizeof(buf), 1000), "0.000001");
	assert_string_equal(fmt_seconds(buf, sizeof(buf), 1000000000ULL), "1.000000");
	assert_string_equal(fmt_seconds(buf, sizeof(buf), 12345678901ULL), "12.345678");
}

static void test_fmt_seconds_handles_largest_value(void **state)
{
	assert_string_equal(fmt_seconds(buf, sizeof(buf), UINT64_MAX), "18446744073.709551");
}

static void test_fmt_seconds_truncates_to_buffer_and_returns_it(void **state)
{
	char small[5];

	assert_ptr_equal(fmt_seconds(small, sizeof(small), 12345678901ULL), small);
	assert_string_equal(small, "12.3");
}

/* ------------------------------------------------------------ list */

struct thing {
	int v;
	struct list_node node;
};

static void assert_list(struct list_node *head, const int *expect, int n)
{
	struct list_node *pos;
	int i = 0;

	list_for_each(pos, head) {
		assert_true(i < n);
		assert_int_equal(list_entry(pos, struct thing, node)->v, expect[i]);
		i++;
	}
	assert_int_equal(i, n);
}

static void test_list_add_head_and_tail_keep_order(void **state)
{
	struct list_node head = LIST_HEAD_INIT(head);
	struct thing t[3] = { { .v = 1 }, { .v = 2 }, { .v = 3 } };
	static const int expect[] = { 3, 1, 2 };

	assert_true(list_empty(&head));
	assert_null(list_first(&head));
	list_add_tail(&head, &t[0].node);
	list_add_tail(&head, &t[1].node);
	list_add_head(&head, &t[2].node);
	assert_false(list_empty(&head));
	assert_ptr_equal(list_first(&head), &t[2].node);
	assert_list(&head, expect, 3);
}

static void test_list_add_before_inserts_at_position(void **state)
{
	struct list_node head;
	struct thing t[3] = { { .v = 1 }, { .v = 2 }, { .v = 3 } };
	static const int expect[] = { 1, 2, 3 };

	list_init(&head);
	list_add_tail(&head, &t[2].node);
	list_add_before(&t[2].node, &t[0].node);
	list_add_before(&t[2].node, &t[1].node);
	assert_list(&head, expect, 3);
}

static void test_list_del_unlinks_the_node(void **state)
{
	struct list_node head;
	struct thing t[3] = { { .v = 1 }, { .v = 2 }, { .v = 3 } };
	static const int expect[] = { 1, 3 };
	struct thing zeroed = { 0 };

	list_init(&head);
	for (int i = 0; i < 3; i++)
		list_add_tail(&head, &t[i].node);
	assert_true(list_linked(&t[1].node));
	list_del(&t[1].node);
	assert_false(list_linked(&t[1].node));
	assert_list(&head, expect, 2);
	assert_false(list_linked(&zeroed.node));
}

static void test_list_for_each_safe_allows_deleting_while_walking(void **state)
{
	struct list_node head, *pos, *tmp;
	struct thing t[6];
	static const int expect[] = { 1, 3, 5 };

	list_init(&head);
	for (int i = 0; i < 6; i++) {
		t[i].v = i;
		list_add_tail(&head, &t[i].node);
	}
	list_for_each_safe(pos, tmp, &head) {
		if (list_entry(pos, struct thing, node)->v % 2 == 0)
			list_del(pos);
	}
	assert_list(&head, expect, 3);
}

/* parse_decimal: strict, bounded, no errno (libc's strtoul would touch TLS). */
static void test_parse_decimal_accepts_values_up_to_max(void **state)
{
	uint64_t v = 99;

	assert_true(parse_decimal("0", 0, &v));
	assert_int_equal(v, 0);
	assert_true(parse_decimal("1", 1, &v));
	assert_int_equal(v, 1);
	assert_true(parse_decimal("600000", 600000, &v));
	assert_int_equal(v, 600000);
	assert_true(parse_decimal("18446744073709551615", UINT64_MAX, &v));
	assert_true(v == UINT64_MAX);
}

static void test_parse_decimal_rejects_values_above_max_and_leaves_out_alone(void **state)
{
	uint64_t v = 77;

	/* a single digit above a small max: max - digit must not wrap */
	assert_false(parse_decimal("2", 1, &v));
	assert_false(parse_decimal("9", 0, &v));
	assert_false(parse_decimal("600001", 600000, &v));
	assert_false(parse_decimal("18446744073709551616", UINT64_MAX, &v));
	assert_false(parse_decimal("99999999999999999999", 600000, &v));
	assert_int_equal(v, 77);
}

static void test_parse_decimal_rejects_non_digits(void **state)
{
	uint64_t v = 5;

	assert_false(parse_decimal("", 10, &v));
	assert_false(parse_decimal(NULL, 10, &v));
	assert_false(parse_decimal("-1", 10, &v));
	assert_false(parse_decimal("+1", 10, &v));
	assert_false(parse_decimal("1x", 10, &v));
	assert_false(parse_decimal(" 1", 10, &v));
	assert_false(parse_decimal("0x1", 10, &v));
	assert_int_equal(v, 5);
}

static void test_parse_number_takes_decimal_and_0x_hex(void **state)
{
	uint64_t v = 0;

	assert_true(parse_number("4096", UINT64_MAX, &v));
	assert_int_equal(v, 4096);
	assert_true(parse_number("0x40000000", UINT64_MAX, &v));
	assert_true(v == 0x40000000);
	assert_true(parse_number("0XfF", 255, &v));
	assert_int_equal(v, 255);
	assert_true(parse_number("0xffffffffffffffff", UINT64_MAX, &v));
	assert_true(v == UINT64_MAX);
}

static void test_parse_number_rejects_bad_hex_and_overflow(void **state)
{
	uint64_t v = 3;

	assert_false(parse_number("0x", UINT64_MAX, &v));
	assert_false(parse_number("0xg", UINT64_MAX, &v));
	assert_false(parse_number("0x100", 255, &v));
	assert_false(parse_number("0x10000000000000000", UINT64_MAX, &v));
	assert_false(parse_number("x10", UINT64_MAX, &v));
	assert_int_equal(v, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_init_rejects_non_power_of_two_sizes),
#define T(fn) cmocka_unit_test_setup(fn, ring_setup)
		T(test_ring_starts_empty),
		T(test_ring_returns_bytes_in_fifo_order),
		T(test_ring_returns_high_bytes_as_non_negative),
		T(test_ring_full_refuses_and_counts_dropped_bytes),
		T(test_ring_accepts_again_after_a_get),
		T(test_ring_wraps_around_many_times),
#undef T
		cmocka_unit_test(test_ring_of_one_byte_works),
		cmocka_unit_test(test_fmt_size_prints_small_sizes_in_bytes),
		cmocka_unit_test(test_fmt_size_prints_whole_units_without_decimals),
		cmocka_unit_test(test_fmt_size_prints_one_decimal_for_fractions),
		cmocka_unit_test(test_fmt_size_truncates_rather_than_rounds),
		cmocka_unit_test(test_fmt_size_stops_at_tib),
		cmocka_unit_test(test_fmt_size_truncates_to_buffer_and_returns_it),
		cmocka_unit_test(test_fmt_seconds_has_microsecond_precision),
		cmocka_unit_test(test_fmt_seconds_handles_largest_value),
		cmocka_unit_test(test_fmt_seconds_truncates_to_buffer_and_returns_it),
		cmocka_unit_test(test_list_add_head_and_tail_keep_order),
		cmocka_unit_test(test_list_add_before_inserts_at_position),
		cmocka_unit_test(test_list_del_unlinks_the_node),
		cmocka_unit_test(test_list_for_each_safe_allows_deleting_while_walking),
		cmocka_unit_test(test_parse_decimal_accepts_values_up_to_max),
		cmocka_unit_test(test_parse_decimal_rejects_values_above_max_and_leaves_out_alone),
		cmocka_unit_test(test_parse_decimal_rejects_non_digits),
		cmocka_unit_test(test_parse_number_takes_decimal_and_0x_hex),
		cmocka_unit_test(test_parse_number_rejects_bad_hex_and_overflow),
	};

	return cmocka_run_group_tests_name("libs", tests, NULL, NULL);
}
