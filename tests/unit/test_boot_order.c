/* Unit tests for the start plan of boot.list's guests (core/boot_order.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <mantle/boot_order.h>

#define MAX 64
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* An unordered guest with a delay, and an ordered one. */
#define FREE(delay)        { false, 0, (delay) }
#define ORD(order, delay)  { true, (order), (delay) }

static unsigned seq[MAX];
static uint32_t at[MAX];

static void plan(const struct boot_order_key *keys, unsigned n)
{
	/* Poison: every slot must be written. */
	for (unsigned i = 0; i < MAX; i++) {
		seq[i] = 0xdead;
		at[i] = 0xdeadbeef;
	}
	boot_order_plan(keys, n, seq, at);
}

static void expect(const unsigned *want_seq, const uint32_t *want_at, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (seq[i] != want_seq[i] || at[i] != want_at[i])
			fail_msg("start %u: guest %u at %u ms, expected guest %u at %u ms", i, seq[i], at[i],
				 want_seq[i], want_at[i]);
	}
	/* Nothing past n is touched. */
	assert_int_equal(seq[n], 0xdead);
	assert_int_equal(at[n], 0xdeadbeef);
}

static void test_no_guests(void **state)
{
	plan(NULL, 0);
	assert_int_equal(seq[0], 0xdead);
}

static void test_unordered_guests_keep_the_list_order(void **state)
{
	static const struct boot_order_key k[] = { FREE(0), FREE(0), FREE(0) };
	static const unsigned s[] = { 0, 1, 2 };
	static const uint32_t a[] = { 0, 0, 0 };

	plan(k, N(k));
	expect(s, a, N(k));
}

static void test_lower_order_starts_first(void **state)
{
	static const struct boot_order_key k[] = { ORD(3, 0), ORD(1, 0), ORD(2, 0) };
	static const unsigned s[] = { 1, 2, 0 };
	static const uint32_t a[] = { 0, 0, 0 };

	plan(k, N(k));
	expect(s, a, N(k));
}

static void test_unordered_guests_start_after_the_ordered_ones(void **state)
{
	/* Even an unordered guest listed first, and an ordered one with the largest order. */
	static const struct boot_order_key k[] = { FREE(0), ORD(0xffffffff, 0), FREE(0), ORD(0, 0) };
	static const unsigned s[] = { 3, 1, 0, 2 };
	static const uint32_t a[] = { 0, 0, 0, 0 };

	plan(k, N(k));
	expect(s, a, N(k));
}

static void test_equal_orders_keep_the_list_order(void **state)
{
	static const struct boot_order_key k[] = {
		ORD(5, 0), ORD(1, 0), ORD(5, 0), ORD(1, 0), ORD(5, 0),
	};
	static const unsigned s[] = { 1, 3, 0, 2, 4 };
	static const uint32_t a[] = { 0, 0, 0, 0, 0 };

	plan(k, N(k));
	expect(s, a, N(k));
}

static void test_each_starts_at_its_delay(void **state)
{
	static const struct boot_order_key k[] = { ORD(2, 1500), ORD(1, 500), FREE(2000) };
	static const unsigned s[] = { 1, 0, 2 };
	static const uint32_t a[] = { 500, 1500, 2000 };

	plan(k, N(k));
	expect(s, a, N(k));
}

static void test_a_shorter_delay_waits_for_the_guest_ahead(void **state)
{
	/* Order wins over delay: the second may not overtake the first. */
	static const struct boot_order_key k[] = { FREE(0), ORD(2, 100), ORD(1, 3000), FREE(50) };
	static const unsigned s[] = { 2, 1, 0, 3 };
	static const uint32_t a[] = { 3000, 3000, 3000, 3000 };

	plan(k, N(k));
	expect(s, a, N(k));
}

static void test_largest_delays(void **state)
{
	static const struct boot_order_key k[] = { ORD(1, 3600000), FREE(0xffffffff) };
	static const unsigned s[] = { 0, 1 };
	static const uint32_t a[] = { 3600000, 0xffffffff };

	plan(k, N(k));
	expect(s, a, N(k));
}

/* Many guests in a scrambled order: the plan is a permutation, sorted, stable and monotonic. */
static void test_many_guests(void **state)
{
	struct boot_order_key k[MAX];
	bool seen[MAX] = { false };

	srand(7);
	for (unsigned i = 0; i < MAX; i++)
		k[i] = (struct boot_order_key){ rand() % 4 != 0, (uint32_t)(rand() % 5),
						(uint32_t)(rand() % 1000) };
	plan(k, MAX);
	for (unsigned i = 0; i < MAX; i++) {
		assert_true(seq[i] < MAX);
		assert_false(seen[seq[i]]);
		seen[seq[i]] = true;
		assert_true(at[i] >= k[seq[i]].delay_ms);
		if (i == 0)
			continue;
		const struct boot_order_key *p = &k[seq[i - 1]], *c = &k[seq[i]];
		assert_true(at[i] >= at[i - 1]);
		/* Starting later than its delay only ever means waiting for the one ahead. */
		if (at[i] != c->delay_ms)
			assert_int_equal(at[i], at[i - 1]);
		if (p->ordered && c->ordered)
			assert_true(p->order < c->order || (p->order == c->order && seq[i - 1] < seq[i]));
		else if (!p->ordered && !c->ordered)
			assert_true(seq[i - 1] < seq[i]);
		else
			assert_true(p->ordered);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_guests),
		cmocka_unit_test(test_unordered_guests_keep_the_list_order),
		cmocka_unit_test(test_lower_order_starts_first),
		cmocka_unit_test(test_unordered_guests_start_after_the_ordered_ones),
		cmocka_unit_test(test_equal_orders_keep_the_list_order),
		cmocka_unit_test(test_each_starts_at_its_delay),
		cmocka_unit_test(test_a_shorter_delay_waits_for_the_guest_ahead),
		cmocka_unit_test(test_largest_delays),
		cmocka_unit_test(test_many_guests),
	};

	return cmocka_run_group_tests_name("boot_order", tests, NULL, NULL);
}
