/* Unit tests for the first-fit heap (core/heap.c): instance API and global heap. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arch/spinlock.h>
#include <mantle/heap.h>

#define ARENA_SIZE (64 * 1024)

static uint8_t arena[ARENA_SIZE] __attribute__((aligned(16)));
static uint8_t arena2[4096] __attribute__((aligned(16)));
static struct heap heap;

static struct heap_stats stats_of(struct heap *h)
{
	struct heap_stats st;

	heap_area_stats(h, &st);
	return st;
}

/*
 * Bytes of bookkeeping per block, measured rather than assumed: a fresh heap
 * is one free block whose payload is everything but its header.
 */
static size_t header_size(void)
{
	static struct heap probe;
	static uint8_t small[256] __attribute__((aligned(16)));
	struct heap_stats st;

	assert_true(heap_area_init(&probe, small, sizeof(small)));
	st = stats_of(&probe);
	return st.total - st.largest_free;
}

static int setup(void **state)
{
	/* Stale patterns in the arena must not be mistaken for heap metadata. */
	memset(arena, 0xa5, sizeof(arena));
	assert_true(heap_area_init(&heap, arena, sizeof(arena)));
	return 0;
}

/* Every public call must release the lock and restore the IRQ mask. */
static int teardown(void **state)
{
	assert_int_equal(fake_spin_held, 0);
	assert_false(arch_irqs_disabled());
	return 0;
}

/* The heap is back to a single free block spanning the arena, nothing used. */
static void assert_pristine(struct heap *h, size_t total)
{
	struct heap_stats st = stats_of(h);

	assert_int_equal(st.total, total);
	assert_int_equal(st.used, 0);
	assert_int_equal(st.free, total);
	assert_int_equal(st.free_blocks, 1);
	assert_int_equal(st.largest_free, total - header_size());
}

/* ------------------------------------------------------------ init */

static void test_init_makes_one_free_block(void **state)
{
	assert_pristine(&heap, ARENA_SIZE);
	assert_true(header_size() > 0);
	assert_int_equal(header_size() % 16, 0);
}

static void test_init_rejects_unaligned_arena(void **state)
{
	struct heap h;

	assert_false(heap_area_init(&h, arena + 8, 1024));
	assert_false(heap_area_init(&h, arena + 1, 1024));
}

static void test_init_rejects_arena_too_small_for_a_block(void **state)
{
	struct heap h;

	assert_false(heap_area_init(&h, arena, 0));
	assert_false(heap_area_init(&h, arena, 16));
}

static void test_init_rounds_size_down_to_16_bytes(void **state)
{
	struct heap h;

	assert_true(heap_area_init(&h, arena, 1000));
	assert_int_equal(stats_of(&h).total, 992);
}

static void test_failed_init_leaves_a_heap_that_refuses_everything(void **state)
{
	struct heap h;
	int local;

	assert_false(heap_area_init(&h, arena + 8, 1024));
	assert_null(heap_area_alloc(&h, 16));
	assert_false(heap_area_free(&h, &local));
}

/* ------------------------------------------------------------ alloc */

static void test_alloc_returns_16_byte_aligned_payloads(void **state)
{
	static const size_t sizes[] = { 1, 3, 15, 16, 17, 31, 100, 4095 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		void *p = heap_area_alloc(&heap, sizes[i]);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		assert_true((uint8_t *)p >= arena && (uint8_t *)p + sizes[i] <= arena + ARENA_SIZE);
	}
}

static void test_alloc_of_zero_bytes_fails(void **state)
{
	assert_null(heap_area_alloc(&heap, 0));
	assert_int_equal(stats_of(&heap).failures, 1);
	assert_pristine(&heap, ARENA_SIZE);
}

static void test_alloc_larger_than_arena_fails(void **state)
{
	assert_null(heap_area_alloc(&heap, ARENA_SIZE));
	assert_null(heap_area_alloc(&heap, ARENA_SIZE - header_size() + 1));
	/* Must not wrap around when rounded up. */
	assert_null(heap_area_alloc(&heap, SIZE_MAX));
	assert_null(heap_area_alloc(&heap, SIZE_MAX - 15));
	assert_int_equal(stats_of(&heap).failures, 4);
	assert_pristine(&heap, ARENA_SIZE);
}

static void test_alloc_of_whole_payload_takes_the_arena(void **state)
{
	void *p = heap_area_alloc(&heap, ARENA_SIZE - header_size());
	struct heap_stats st = stats_of(&heap);

	assert_ptr_equal(p, arena + header_size());
	assert_int_equal(st.used, ARENA_SIZE);
	assert_int_equal(st.free_blocks, 0);
	assert_null(heap_area_alloc(&heap, 1));
}

static void test_alloc_keeps_too_small_remainder_in_the_block(void **state)
{
	/* Leaves 16 bytes: too little for a free block's header and list node. */
	void *p = heap_area_alloc(&heap, ARENA_SIZE - header_size() - 16);
	struct heap_stats st = stats_of(&heap);

	assert_non_null(p);
	assert_int_equal(st.used, ARENA_SIZE);
	assert_int_equal(st.free_blocks, 0);
	assert_true(heap_area_free(&heap, p));
	assert_pristine(&heap, ARENA_SIZE);
}

static void test_allocations_do_not_overlap(void **state)
{
	uint8_t *p[20];

	for (int i = 0; i < 20; i++) {
		size_t n = 1 + i * 37;
		p[i] = heap_area_alloc(&heap, n);
		assert_non_null(p[i]);
		memset(p[i], i + 1, n);
	}
	for (int i = 0; i < 20; i++) {
		size_t n = 1 + i * 37;
		for (size_t k = 0; k < n; k++)
			assert_int_equal(p[i][k], i + 1);
	}
}

static void test_alloc_is_first_fit_in_address_order(void **state)
{
	void *a = heap_area_alloc(&heap, 64);
	void *b = heap_area_alloc(&heap, 64);
	void *c = heap_area_alloc(&heap, 64);
	void *d = heap_area_alloc(&heap, 64);

	assert_true(a < b && b < c && c < d);
	assert_true(heap_area_free(&heap, c));
	assert_true(heap_area_free(&heap, a));
	/* Both holes fit: the lower one wins, then the next one. */
	assert_ptr_equal(heap_area_alloc(&heap, 48), a);
	assert_ptr_equal(heap_area_alloc(&heap, 64), c);
}

static void test_alloc_fails_when_exhausted(void **state)
{
	int n = 0;

	while (heap_area_alloc(&heap, 100))
		n++;
	assert_true(n > 100);
	assert_int_equal(stats_of(&heap).allocs, n);
	assert_int_equal(stats_of(&heap).failures, 1);
	assert_true(stats_of(&heap).largest_free < 100);
}

static void test_split_remainder_is_reusable(void **state)
{
	void *big = heap_area_alloc(&heap, 4096);
	void *a, *b;

	assert_true(heap_area_free(&heap, big));
	a = heap_area_alloc(&heap, 1024);
	b = heap_area_alloc(&heap, 1024);
	assert_ptr_equal(a, big);
	assert_ptr_equal(b, (uint8_t *)a + 1024 + header_size());
}

/* ------------------------------------------------------------ free and coalescing */

static void test_free_merges_with_following_free_block(void **state)
{
	void *a = heap_area_alloc(&heap, 64);
	void *b = heap_area_alloc(&heap, 64);

	assert_true(heap_area_free(&heap, b));   /* joins the free tail */
	assert_int_equal(stats_of(&heap).free_blocks, 1);
	assert_true(heap_area_free(&heap, a));
	assert_pristine(&heap, ARENA_SIZE);
}

static void test_free_merges_with_preceding_free_block(void **state)
{
	void *a = heap_area_alloc(&heap, 64);
	void *b = heap_area_alloc(&heap, 64);
	void *guard = heap_area_alloc(&heap, 64);

	assert_true(heap_area_free(&heap, a));
	assert_true(heap_area_free(&heap, b));
	/* a+b is one hole before the guard, the tail is the other block. */
	assert_int_equal(stats_of(&heap).free_blocks, 2);
	assert_int_equal(stats_of(&heap).used, 64 + header_size());
	assert_ptr_equal(heap_area_alloc(&heap, 128 + header_size()), a);
	(void)guard;
}

static void test_free_merges_both_neighbours_into_one_block(void **state)
{
	void *a = heap_area_alloc(&heap, 64);
	void *b = heap_area_alloc(&heap, 64);
	void *c = heap_area_alloc(&heap, 64);

	assert_true(heap_area_free(&heap, a));
	assert_true(heap_area_free(&heap, c));   /* merges into the tail */
	assert_int_equal(stats_of(&heap).free_blocks, 2);
	assert_true(heap_area_free(&heap, b));   /* bridges a and the tail */
	assert_pristine(&heap, ARENA_SIZE);
}

static void test_free_in_any_order_coalesces_back_to_one_block(void **state)
{
	void *p[64];

	for (int i = 0; i < 64; i++) {
		p[i] = heap_area_alloc(&heap, 16 + (i % 7) * 48);
		assert_non_null(p[i]);
	}
	for (int i = 0; i < 64; i++)
		assert_true(heap_area_free(&heap, p[(i * 37) % 64]));   /* 37 is odd: a permutation */
	assert_pristine(&heap, ARENA_SIZE);
	assert_int_equal(stats_of(&heap).frees, 64);
}

static void test_merged_block_can_be_split_again(void **state)
{
	void *a = heap_area_alloc(&heap, 100);
	void *b = heap_area_alloc(&heap, 100);
	void *guard = heap_area_alloc(&heap, 16);
	void *c, *d;

	assert_true(heap_area_free(&heap, a));
	assert_true(heap_area_free(&heap, b));
	c = heap_area_alloc(&heap, 32);
	d = heap_area_alloc(&heap, 32);
	assert_ptr_equal(c, a);
	assert_true((uint8_t *)d < (uint8_t *)guard);
	assert_true(heap_area_free(&heap, d));
	assert_true(heap_area_free(&heap, guard));
	assert_true(heap_area_free(&heap, c));
	assert_pristine(&heap, ARENA_SIZE);
}

static void test_free_of_null_is_a_no_op(void **state)
{
	assert_true(heap_area_free(&heap, NULL));
	assert_int_equal(stats_of(&heap).frees, 0);
	assert_int_equal(stats_of(&heap).bad_frees, 0);
}

static void test_double_free_is_rejected(void **state)
{
	void *a = heap_area_alloc(&heap, 64);
	void *b = heap_area_alloc(&heap, 64);
	struct heap_stats before, after;

	assert_true(heap_area_free(&heap, a));
	before = stats_of(&heap);
	assert_false(heap_area_free(&heap, a));
	after = stats_of(&heap);
	assert_int_equal(after.bad_frees, 1);
	assert_int_equal(after.frees, before.frees);
	assert_int_equal(after.used, before.used);
	assert_int_equal(after.free_blocks, before.free_blocks);
	assert_true(heap_area_free(&heap, b));
	assert_pristine(&heap, ARENA_SIZE);
}

static void test_double_free_after_coalescing_is_rejected(void **state)
{
	void *a = heap_area_alloc(&heap, 64);
	void *b = heap_area_alloc(&heap, 64);

	/* b is absorbed into a's free block: its header is gone. */
	assert_true(heap_area_free(&heap, a));
	assert_true(heap_area_free(&heap, b));
	assert_false(heap_area_free(&heap, b));
	assert_false(heap_area_free(&heap, a));
	assert_int_equal(stats_of(&heap).bad_frees, 2);
	assert_pristine(&heap, ARENA_SIZE);
}

static void test_free_of_foreign_pointers_is_rejected(void **state)
{
	static uint8_t elsewhere[64] __attribute__((aligned(16)));
	uint8_t *a = heap_area_alloc(&heap, 256);
	int local;

	memset(a, 0, 256);
	assert_false(heap_area_free(&heap, elsewhere + 16));
	assert_false(heap_area_free(&heap, &local));
	assert_false(heap_area_free(&heap, arena));                /* before any payload */
	assert_false(heap_area_free(&heap, arena + ARENA_SIZE));   /* one past the end */
	assert_false(heap_area_free(&heap, a + 1));                /* misaligned */
	assert_false(heap_area_free(&heap, a + 64));               /* inside a block */
	assert_int_equal(stats_of(&heap).bad_frees, 6);
	assert_int_equal(stats_of(&heap).frees, 0);
	assert_true(heap_area_free(&heap, a));
	assert_pristine(&heap, ARENA_SIZE);
}

static void test_free_of_another_heaps_pointer_is_rejected(void **state)
{
	struct heap other;
	void *p;

	assert_true(heap_area_init(&other, arena2, sizeof(arena2)));
	p = heap_area_alloc(&other, 64);
	assert_non_null(p);
	assert_false(heap_area_free(&heap, p));
	assert_int_equal(stats_of(&heap).bad_frees, 1);
	assert_true(heap_area_free(&other, p));
	assert_pristine(&other, sizeof(arena2));
}

/* ------------------------------------------------------------ stats */

static void test_stats_track_used_and_peak(void **state)
{
	size_t hdr = header_size();
	void *a = heap_area_alloc(&heap, 100);   /* rounded up to 112 */
	void *b = heap_area_alloc(&heap, 16);
	struct heap_stats st = stats_of(&heap);

	assert_int_equal(st.used, 112 + hdr + 16 + hdr);
	assert_int_equal(st.free, ARENA_SIZE - st.used);
	assert_int_equal(st.peak_used, st.used);
	assert_true(heap_area_free(&heap, a));
	st = stats_of(&heap);
	assert_int_equal(st.used, 16 + hdr);
	assert_int_equal(st.peak_used, 112 + hdr + 16 + hdr);
	assert_int_equal(st.allocs, 2);
	assert_int_equal(st.frees, 1);
	assert_true(heap_area_free(&heap, b));
}

static void test_stats_count_free_blocks_and_largest(void **state)
{
	void *p[5];
	struct heap_stats st;

	for (int i = 0; i < 5; i++)
		p[i] = heap_area_alloc(&heap, 64 * (i + 1));
	assert_true(heap_area_free(&heap, p[1]));
	assert_true(heap_area_free(&heap, p[3]));
	st = stats_of(&heap);
	assert_int_equal(st.free_blocks, 3);   /* two holes and the tail */
	assert_true(st.largest_free > 64 * 5);
	assert_int_equal(st.largest_free,
			 ARENA_SIZE - 5 * header_size() - 64 * (1 + 2 + 3 + 4 + 5) - header_size());
}

/* ------------------------------------------------------------ global heap */

static void test_global_heap_allocates_and_frees(void **state)
{
	struct heap_stats st;
	void *p;

	assert_true(heap_init(arena, ARENA_SIZE));
	p = heap_alloc(200);
	assert_non_null(p);
	heap_stats(&st);
	assert_int_equal(st.allocs, 1);
	assert_true(st.used > 200);
	heap_free(p);
	heap_stats(&st);
	assert_int_equal(st.used, 0);
	assert_int_equal(st.free_blocks, 1);
	assert_int_equal(st.frees, 1);
}

static void test_global_heap_zalloc_returns_zeroed_memory(void **state)
{
	uint8_t *p, *q;

	assert_true(heap_init(arena, ARENA_SIZE));
	p = heap_alloc(300);
	memset(p, 0xee, 300);
	heap_free(p);
	q = heap_zalloc(300);
	assert_ptr_equal(q, p);   /* same block, so it really was cleared */
	for (int i = 0; i < 300; i++)
		assert_int_equal(q[i], 0);
	heap_free(q);
}

static void test_global_heap_zalloc_failure_returns_null(void **state)
{
	assert_true(heap_init(arena2, sizeof(arena2)));
	assert_null(heap_zalloc(sizeof(arena2)));
	assert_null(heap_zalloc(0));
}

static void test_global_heap_free_counts_bad_pointers(void **state)
{
	struct heap_stats st;
	uint8_t *p;

	assert_true(heap_init(arena, ARENA_SIZE));
	p = heap_alloc(32);
	heap_free(NULL);
	heap_free(p + 16);
	heap_free(p);
	heap_free(p);
	heap_stats(&st);
	assert_int_equal(st.frees, 1);
	assert_int_equal(st.bad_frees, 2);
	assert_int_equal(st.used, 0);
}

static void test_global_heap_init_resets_previous_state(void **state)
{
	struct heap_stats st;

	assert_true(heap_init(arena, ARENA_SIZE));
	assert_non_null(heap_alloc(1000));
	assert_true(heap_init(arena2, sizeof(arena2)));
	heap_stats(&st);
	assert_int_equal(st.total, sizeof(arena2));
	assert_int_equal(st.used, 0);
	assert_int_equal(st.allocs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_init_makes_one_free_block),
		T(test_init_rejects_unaligned_arena),
		T(test_init_rejects_arena_too_small_for_a_block),
		T(test_init_rounds_size_down_to_16_bytes),
		T(test_failed_init_leaves_a_heap_that_refuses_everything),
		T(test_alloc_returns_16_byte_aligned_payloads),
		T(test_alloc_of_zero_bytes_fails),
		T(test_alloc_larger_than_arena_fails),
		T(test_alloc_of_whole_payload_takes_the_arena),
		T(test_alloc_keeps_too_small_remainder_in_the_block),
		T(test_allocations_do_not_overlap),
		T(test_alloc_is_first_fit_in_address_order),
		T(test_alloc_fails_when_exhausted),
		T(test_split_remainder_is_reusable),
		T(test_free_merges_with_following_free_block),
		T(test_free_merges_with_preceding_free_block),
		T(test_free_merges_both_neighbours_into_one_block),
		T(test_free_in_any_order_coalesces_back_to_one_block),
		T(test_merged_block_can_be_split_again),
		T(test_free_of_null_is_a_no_op),
		T(test_double_free_is_rejected),
		T(test_double_free_after_coalescing_is_rejected),
		T(test_free_of_foreign_pointers_is_rejected),
		T(test_free_of_another_heaps_pointer_is_rejected),
		T(test_stats_track_used_and_peak),
		T(test_stats_count_free_blocks_and_largest),
		T(test_global_heap_allocates_and_frees),
		T(test_global_heap_zalloc_returns_zeroed_memory),
		T(test_global_heap_zalloc_failure_returns_null),
		T(test_global_heap_free_counts_bad_pointers),
		T(test_global_heap_init_resets_previous_state),
#undef T
	};

	return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
