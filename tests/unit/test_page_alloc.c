/* Unit tests for the physical page allocator (core/page_alloc.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arch/spinlock.h>
#include <mantle/page_alloc.h>

#define BASE0 0x40000000ULL   /* aligned to far more than any test asks for */
#define PG(n) ((uint64_t)(n) * PAGE_SIZE)

/* Big enough for a zone of 1024 pages, whatever the bitmap layout. */
static uint64_t bitmap0[64], bitmap1[64], bitmap2[64];

static void add_zone(uint64_t base, size_t npages, uint64_t *bitmap, size_t bitmap_size)
{
	assert_true(page_zone_bitmap_bytes(npages) <= bitmap_size);
	assert_true(page_alloc_add_zone(base, npages, bitmap));
}

#define ADD_ZONE(base, npages, bm) add_zone((base), (npages), (bm), sizeof(bm))

static struct page_stats stats(void)
{
	struct page_stats st;

	page_alloc_stats(&st);
	return st;
}

static int setup(void **state)
{
	page_alloc_reset();
	return 0;
}

/* Every public call must release the lock and restore the IRQ mask. */
static int teardown(void **state)
{
	assert_int_equal(fake_spin_held, 0);
	assert_false(arch_irqs_disabled());
	return 0;
}

/* ------------------------------------------------------------ zones */

static void test_bitmap_bytes_cover_whole_words(void **state)
{
	assert_int_equal(page_zone_bitmap_bytes(0), 0);
	assert_true(page_zone_bitmap_bytes(1) >= sizeof(uint64_t));
	assert_int_equal(page_zone_bitmap_bytes(1), page_zone_bitmap_bytes(64));
	assert_true(page_zone_bitmap_bytes(65) > page_zone_bitmap_bytes(64));
	assert_int_equal(page_zone_bitmap_bytes(65) % sizeof(uint64_t), 0);
}

static void test_add_zone_rejects_malformed_zones(void **state)
{
	assert_false(page_alloc_add_zone(BASE0 + 0x800, 16, bitmap0));
	assert_false(page_alloc_add_zone(BASE0, 0, bitmap0));
	assert_false(page_alloc_add_zone(BASE0, 16, NULL));
	assert_int_equal(page_alloc_zone_count(), 0);
}

static void test_add_zone_rejects_more_than_max_zones(void **state)
{
	static uint64_t bms[PAGE_ZONES_MAX + 1][4];

	for (unsigned i = 0; i < PAGE_ZONES_MAX; i++)
		ADD_ZONE(BASE0 + PG(64 * i), 16, bms[i]);
	assert_false(page_alloc_add_zone(BASE0 + PG(64 * PAGE_ZONES_MAX), 16,
					 bms[PAGE_ZONES_MAX]));
	assert_int_equal(page_alloc_zone_count(), PAGE_ZONES_MAX);
}

static void test_new_zone_is_entirely_free(void **state)
{
	struct page_stats st;

	ADD_ZONE(BASE0, 256, bitmap0);
	st = stats();
	assert_int_equal(st.total_pages, 256);
	assert_int_equal(st.free_pages, 256);
	assert_int_equal(st.reserved_pages, 0);
	assert_int_equal(st.largest_free_run, 256);
	assert_int_equal(st.allocs + st.frees + st.failures, 0);
}

static void test_zone_accessors_describe_registered_zones(void **state)
{
	const struct page_zone *z;

	ADD_ZONE(BASE0, 32, bitmap0);
	ADD_ZONE(BASE0 + PG(100), 8, bitmap1);
	assert_int_equal(page_alloc_zone_count(), 2);
	assert_int_equal(page_alloc(3, 1), BASE0);
	z = page_alloc_zone(0);
	assert_non_null(z);
	assert_int_equal(z->base, BASE0);
	assert_int_equal(z->npages, 32);
	assert_int_equal(z->free_pages, 29);
	z = page_alloc_zone(1);
	assert_non_null(z);
	assert_int_equal(z->base, BASE0 + PG(100));
	assert_int_equal(z->free_pages, 8);
	assert_null(page_alloc_zone(2));
}

static void test_reset_forgets_all_zones_and_counters(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	page_alloc_reserve(BASE0, PAGE_SIZE);
	assert_int_not_equal(page_alloc(1, 1), 0);
	page_alloc_reset();
	assert_int_equal(page_alloc_zone_count(), 0);
	assert_int_equal(page_alloc(1, 1), 0);
	page_alloc_reset();
	struct page_stats st = stats();
	assert_int_equal(st.total_pages, 0);
	assert_int_equal(st.reserved_pages, 0);
	assert_int_equal(st.allocs + st.frees + st.failures, 0);
}

/* ------------------------------------------------------------ allocation */

static void test_alloc_hands_out_lowest_free_pages_first(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	assert_int_equal(page_alloc(1, 1), BASE0);
	assert_int_equal(page_alloc(2, 1), BASE0 + PG(1));
	assert_int_equal(page_alloc(1, 1), BASE0 + PG(3));
	assert_int_equal(stats().free_pages, 12);
}

static void test_alloc_rejects_bad_arguments(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	assert_int_equal(page_alloc(0, 1), 0);
	assert_int_equal(page_alloc(1, 0), 0);
	assert_int_equal(page_alloc(1, 3), 0);
	assert_int_equal(page_alloc(1, 6), 0);
	assert_int_equal(stats().free_pages, 16);
}

static void test_alloc_aligns_to_requested_power_of_two(void **state)
{
	ADD_ZONE(BASE0, 256, bitmap0);
	assert_int_equal(page_alloc(1, 1), BASE0);
	assert_int_equal(page_alloc(4, 16), BASE0 + PG(16));
	assert_int_equal(page_alloc(1, 64), BASE0 + PG(64));
	/* The pages skipped for alignment stay free for later requests. */
	assert_int_equal(page_alloc(15, 1), BASE0 + PG(1));
}

static void test_alloc_aligns_physical_address_not_zone_index(void **state)
{
	/* A zone starting one page past a 16-page boundary. */
	ADD_ZONE(BASE0 + PG(1), 64, bitmap0);
	assert_int_equal(page_alloc(2, 16), BASE0 + PG(16));
	assert_int_equal(page_alloc(1, 4), BASE0 + PG(4));
}

static void test_alloc_aligned_run_must_fit_inside_zone(void **state)
{
	ADD_ZONE(BASE0, 20, bitmap0);
	assert_int_equal(page_alloc(1, 1), BASE0);
	/* Page 16 is the only 16-aligned candidate, and 16 + 8 > 20. */
	assert_int_equal(page_alloc(8, 16), 0);
	assert_int_equal(page_alloc(4, 16), BASE0 + PG(16));
}

static void test_alloc_skips_holes_too_small_for_the_run(void **state)
{
	uint64_t p[8];

	ADD_ZONE(BASE0, 16, bitmap0);
	for (int i = 0; i < 8; i++)
		p[i] = page_alloc(1, 1);
	/* Free pages 1-2 and 4-6: a 3-page run must come from the second hole. */
	assert_true(page_free(p[1], 1));
	assert_true(page_free(p[2], 1));
	assert_true(page_free(p[4], 1));
	assert_true(page_free(p[5], 1));
	assert_true(page_free(p[6], 1));
	assert_int_equal(page_alloc(3, 1), BASE0 + PG(4));
	assert_int_equal(page_alloc(2, 1), BASE0 + PG(1));
}

static void test_alloc_skips_fully_used_bitmap_words(void **state)
{
	ADD_ZONE(BASE0, 200, bitmap0);
	assert_int_equal(page_alloc(130, 1), BASE0);
	assert_int_equal(page_alloc(1, 1), BASE0 + PG(130));
	assert_int_equal(page_alloc(69, 1), BASE0 + PG(131));
	assert_int_equal(page_alloc(1, 1), 0);
}

static void test_alloc_never_uses_bits_past_zone_end(void **state)
{
	/* 70 pages: the last bitmap word has 58 bits that are not pages. */
	ADD_ZONE(BASE0, 70, bitmap0);
	assert_int_equal(page_alloc(71, 1), 0);
	for (int i = 0; i < 70; i++)
		assert_int_equal(page_alloc(1, 1), BASE0 + PG(i));
	assert_int_equal(page_alloc(1, 1), 0);
}

static void test_alloc_fails_when_exhausted(void **state)
{
	struct page_stats st;

	ADD_ZONE(BASE0, 32, bitmap0);
	assert_int_equal(page_alloc(32, 1), BASE0);
	assert_int_equal(page_alloc(1, 1), 0);
	st = stats();
	assert_int_equal(st.free_pages, 0);
	assert_int_equal(st.largest_free_run, 0);
	assert_int_equal(st.allocs, 1);
	assert_int_equal(st.failures, 1);
}

static void test_alloc_falls_through_to_next_zone(void **state)
{
	ADD_ZONE(BASE0, 8, bitmap0);
	ADD_ZONE(BASE0 + PG(1024), 32, bitmap1);
	assert_int_equal(page_alloc(16, 1), BASE0 + PG(1024));
	assert_int_equal(page_alloc(8, 1), BASE0);
	assert_int_equal(page_alloc(1, 1), BASE0 + PG(1024 + 16));
}

static void test_alloc_never_spans_adjacent_zones(void **state)
{
	/* Contiguous addresses, but a run must lie inside one zone's bitmap. */
	ADD_ZONE(BASE0, 16, bitmap0);
	ADD_ZONE(BASE0 + PG(16), 16, bitmap1);
	assert_int_equal(page_alloc(20, 1), 0);
	assert_int_equal(stats().free_pages, 32);
}

/* ------------------------------------------------------------ free */

static void test_free_makes_pages_allocatable_again(void **state)
{
	uint64_t pa;

	ADD_ZONE(BASE0, 16, bitmap0);
	pa = page_alloc(16, 1);
	assert_int_equal(pa, BASE0);
	assert_true(page_free(pa + PG(4), 4));
	assert_int_equal(stats().free_pages, 4);
	assert_int_equal(page_alloc(4, 4), BASE0 + PG(4));
}

static void test_free_rejects_double_free(void **state)
{
	uint64_t pa;
	struct page_stats st;

	ADD_ZONE(BASE0, 16, bitmap0);
	pa = page_alloc(2, 1);
	assert_true(page_free(pa, 2));
	assert_false(page_free(pa, 2));
	assert_false(page_free(pa + PG(1), 1));
	st = stats();
	assert_int_equal(st.free_pages, 16);
	assert_int_equal(st.frees, 1);
}

static void test_free_of_partly_free_range_changes_nothing(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	assert_int_equal(page_alloc(2, 1), BASE0);
	assert_false(page_free(BASE0, 3));
	assert_int_equal(stats().free_pages, 14);
	/* Both pages are still allocated, so the exact range frees. */
	assert_true(page_free(BASE0, 2));
	assert_int_equal(stats().free_pages, 16);
}

static void test_free_rejects_bad_addresses_and_sizes(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	assert_int_equal(page_alloc(16, 1), BASE0);
	assert_false(page_free(BASE0 + 0x10, 1));          /* not page aligned */
	assert_false(page_free(BASE0 - PAGE_SIZE, 1));     /* below the zone */
	assert_false(page_free(BASE0 + PG(16), 1));        /* just past it */
	assert_false(page_free(0, 1));
	assert_false(page_free(BASE0, 0));
	assert_false(page_free(BASE0 + PG(15), 2));        /* runs off the end */
	assert_int_equal(stats().free_pages, 0);
	assert_int_equal(stats().frees, 0);
}

static void test_free_refuses_reserved_pages(void **state)
{
	struct page_stats st;

	ADD_ZONE(BASE0, 16, bitmap0);
	page_alloc_reserve(BASE0, PG(2));
	assert_false(page_free(BASE0, 1));
	assert_false(page_free(BASE0, 2));
	st = stats();
	assert_int_equal(st.free_pages, 14);
	assert_int_equal(st.reserved_pages, 2);
	assert_int_equal(page_alloc(1, 1), BASE0 + PG(2));
}

static void test_free_refuses_range_mixing_allocated_and_reserved(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	page_alloc_reserve(BASE0, PAGE_SIZE);
	assert_int_equal(page_alloc(1, 1), BASE0 + PG(1));
	assert_false(page_free(BASE0, 2));
	assert_true(page_free(BASE0 + PG(1), 1));
	assert_int_equal(stats().free_pages, 15);
}

/* ------------------------------------------------------------ reserve */

static void test_reserve_rounds_out_to_whole_pages(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	/* 0x800..0x1800 touches pages 0 and 1. */
	page_alloc_reserve(BASE0 + 0x800, 0x1000);
	assert_int_equal(stats().reserved_pages, 2);
	assert_int_equal(stats().free_pages, 14);
	assert_int_equal(page_alloc(1, 1), BASE0 + PG(2));
}

static void test_reserve_of_empty_range_reserves_nothing(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	page_alloc_reserve(BASE0 + 0x800, 0);
	page_alloc_reserve(BASE0 + PG(3), 0);
	assert_int_equal(stats().reserved_pages, 0);
	assert_int_equal(stats().free_pages, 16);
}

static void test_reserve_spans_adjacent_zones(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	ADD_ZONE(BASE0 + PG(16), 16, bitmap1);
	page_alloc_reserve(BASE0 + PG(14), PG(4));
	assert_int_equal(page_alloc_zone(0)->free_pages, 14);
	assert_int_equal(page_alloc_zone(1)->free_pages, 14);
	assert_int_equal(stats().reserved_pages, 4);
	assert_int_equal(page_alloc(14, 1), BASE0);
	assert_int_equal(page_alloc(1, 1), BASE0 + PG(18));
}

static void test_reserve_skips_gap_between_zones(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	ADD_ZONE(BASE0 + PG(32), 16, bitmap1);
	/* Pages 8..39: 8 in zone 0, 16 in the hole, 8 in zone 1. */
	page_alloc_reserve(BASE0 + PG(8), PG(32));
	assert_int_equal(stats().reserved_pages, 16);
	assert_int_equal(page_alloc_zone(0)->free_pages, 8);
	assert_int_equal(page_alloc_zone(1)->free_pages, 8);
}

static void test_reserve_outside_zones_is_ignored(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	page_alloc_reserve(0, PG(4));
	page_alloc_reserve(BASE0 + PG(16), PG(4));
	assert_int_equal(stats().reserved_pages, 0);
	assert_int_equal(stats().free_pages, 16);
}

static void test_reserve_twice_counts_pages_once(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	page_alloc_reserve(BASE0, PG(4));
	page_alloc_reserve(BASE0 + PG(2), PG(4));
	assert_int_equal(stats().reserved_pages, 6);
	assert_int_equal(stats().free_pages, 10);
}

static void test_reserve_does_not_count_allocated_pages(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	assert_int_equal(page_alloc(2, 1), BASE0);
	page_alloc_reserve(BASE0, PG(4));
	assert_int_equal(stats().reserved_pages, 2);
	assert_int_equal(stats().free_pages, 12);
}

/* ------------------------------------------------------------ stats */

static void test_largest_free_run_is_measured_per_zone(void **state)
{
	ADD_ZONE(BASE0, 16, bitmap0);
	ADD_ZONE(BASE0 + PG(16), 24, bitmap1);
	assert_int_equal(stats().largest_free_run, 24);
	assert_int_not_equal(page_alloc(1, 1), 0);       /* zone 0 */
	assert_int_equal(page_alloc(1, 8), BASE0 + PG(8));
	assert_int_equal(stats().largest_free_run, 24);
	assert_int_equal(page_alloc(1, 1), BASE0 + PG(1));
	assert_int_equal(page_alloc(18, 1), BASE0 + PG(16));
	/* Zone 0: pages 2..7 and 9..15 free; zone 1: 6 free at its end. */
	assert_int_equal(stats().largest_free_run, 7);
}

static void test_stats_count_allocs_frees_and_failures(void **state)
{
	struct page_stats st;
	uint64_t a, b;

	ADD_ZONE(BASE0, 8, bitmap0);
	a = page_alloc(4, 1);
	b = page_alloc(4, 1);
	assert_int_equal(page_alloc(1, 1), 0);
	assert_true(page_free(a, 4));
	assert_false(page_free(a, 4));
	assert_true(page_free(b, 4));
	st = stats();
	assert_int_equal(st.allocs, 2);
	assert_int_equal(st.frees, 2);
	assert_int_equal(st.failures, 1);
	assert_int_equal(st.free_pages, 8);
	assert_int_equal(st.largest_free_run, 8);
}

static void test_allocator_survives_many_alloc_free_cycles(void **state)
{
	uint64_t held[32];

	ADD_ZONE(BASE0, 100, bitmap0);
	ADD_ZONE(BASE0 + PG(512), 100, bitmap2);
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 32; i++) {
			held[i] = page_alloc(1 + (i + round) % 5, 1u << (i % 3));
			assert_int_not_equal(held[i], 0);
		}
		for (int i = 0; i < 32; i++) {
			int k = (i * 7 + round) % 32;   /* a permutation of 0..31 */
			assert_true(page_free(held[k], 1 + (k + round) % 5));
		}
	}
	assert_int_equal(stats().free_pages, 200);
	assert_int_equal(stats().largest_free_run, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_bitmap_bytes_cover_whole_words),
		T(test_add_zone_rejects_malformed_zones),
		T(test_add_zone_rejects_more_than_max_zones),
		T(test_new_zone_is_entirely_free),
		T(test_zone_accessors_describe_registered_zones),
		T(test_reset_forgets_all_zones_and_counters),
		T(test_alloc_hands_out_lowest_free_pages_first),
		T(test_alloc_rejects_bad_arguments),
		T(test_alloc_aligns_to_requested_power_of_two),
		T(test_alloc_aligns_physical_address_not_zone_index),
		T(test_alloc_aligned_run_must_fit_inside_zone),
		T(test_alloc_skips_holes_too_small_for_the_run),
		T(test_alloc_skips_fully_used_bitmap_words),
		T(test_alloc_never_uses_bits_past_zone_end),
		T(test_alloc_fails_when_exhausted),
		T(test_alloc_falls_through_to_next_zone),
		T(test_alloc_never_spans_adjacent_zones),
		T(test_free_makes_pages_allocatable_again),
		T(test_free_rejects_double_free),
		T(test_free_of_partly_free_range_changes_nothing),
		T(test_free_rejects_bad_addresses_and_sizes),
		T(test_free_refuses_reserved_pages),
		T(test_free_refuses_range_mixing_allocated_and_reserved),
		T(test_reserve_rounds_out_to_whole_pages),
		T(test_reserve_of_empty_range_reserves_nothing),
		T(test_reserve_spans_adjacent_zones),
		T(test_reserve_skips_gap_between_zones),
		T(test_reserve_outside_zones_is_ignored),
		T(test_reserve_twice_counts_pages_once),
		T(test_reserve_does_not_count_allocated_pages),
		T(test_largest_free_run_is_measured_per_zone),
		T(test_stats_count_allocs_frees_and_failures),
		T(test_allocator_survives_many_alloc_free_cycles),
#undef T
	};

	return cmocka_run_group_tests_name("page_alloc", tests, NULL, NULL);
}
