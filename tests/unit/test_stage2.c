/* Stage-2 tables: block choice by alignment, overlap refusal, splitting on unmap, table accounting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arch/stage2.h>

#define KiB 1024ULL
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)

struct fake_mem {
	int live;            /* tables handed out and not freed */
	int fail_after;      /* -1: never fail */
	int invalidations;
};

static uint64_t *fake_alloc(void *ctx)
{
	struct fake_mem *m = ctx;
	uint64_t *t;

	if (m->fail_after == 0)
		return NULL;
	if (m->fail_after > 0)
		m->fail_after--;
	t = aligned_alloc(4096, 4096);
	memset(t, 0, 4096);
	m->live++;
	return t;
}

static void fake_free(void *ctx, uint64_t *t)
{
	struct fake_mem *m = ctx;
	m->live--;
	free(t);
}

static void fake_invalidate(void *ctx, uint64_t ipa, unsigned level)
{
	((struct fake_mem *)ctx)->invalidations++;
}

static struct fake_mem mem;
static struct stage2 s2;

static int setup(void **state)
{
	struct stage2_ops ops = { fake_alloc, fake_free, fake_invalidate, &mem };
	memset(&mem, 0, sizeof(mem));
	mem.fail_after = -1;
	return stage2_init(&s2, 39, &ops);
}

static int teardown(void **state)
{
	stage2_destroy(&s2);
	assert_int_equal(mem.live, 0);   /* every table came back */
	return 0;
}

struct count { unsigned by_level[4]; uint64_t bytes; };

static void count_leaf(const struct s2_mapping *m, void *arg)
{
	struct count *c = arg;
	c->by_level[m->level]++;
	c->bytes += m->size;
}

static struct count leaves(void)
{
	struct count c = { { 0 }, 0 };
	stage2_walk(&s2, count_leaf, &c);
	return c;
}

static void test_aligned_gigabyte_uses_one_level1_block(void **state)
{
	struct s2_mapping m;

	assert_int_equal(stage2_map(&s2, 1 * GiB, 3 * GiB, 1 * GiB, S2_RAM), 0);
	struct count c = leaves();
	assert_int_equal(c.by_level[1], 1);
	assert_int_equal(c.by_level[2] + c.by_level[3], 0);
	assert_int_equal(s2.tables, 1);
	assert_true(stage2_lookup(&s2, 1 * GiB + 12345 * 4096, &m));
	assert_int_equal(m.level, 1);
	assert_true(m.pa == 3 * GiB);
	assert_int_equal(m.prot, S2_RAM);
}

static void test_two_megabyte_alignment_uses_level2_blocks(void **state)
{
	/* IPA 1 GiB aligned but PA only 2 MiB aligned: no 1 GiB block is possible. */
	assert_int_equal(stage2_map(&s2, 1 * GiB, 2 * GiB + 2 * MiB, 1 * GiB, S2_RAM), 0);
	struct count c = leaves();
	assert_int_equal(c.by_level[1], 0);
	assert_int_equal(c.by_level[2], 512);
	assert_int_equal(c.by_level[3], 0);
}

static void test_unaligned_edges_use_pages_and_middle_uses_blocks(void **state)
{
	/* 4 KiB before a 2 MiB boundary, then 4 MiB, then 8 KiB. */
	uint64_t ipa = 0x40000000 - 4096, size = 4096 + 4 * MiB + 8192;

	assert_int_equal(stage2_map(&s2, ipa, ipa + 0x100000000ULL, size, S2_RAM), 0);
	struct count c = leaves();
	assert_int_equal(c.by_level[2], 2);
	assert_int_equal(c.by_level[3], 3);
	assert_true(c.bytes == size);
}

static void test_mismatched_alignment_falls_back_to_pages(void **state)
{
	/* IPA 2 MiB aligned, PA only 4 KiB aligned: pages only. */
	assert_int_equal(stage2_map(&s2, 2 * MiB, 2 * MiB + 4096, 2 * MiB, S2_RAM), 0);
	struct count c = leaves();
	assert_int_equal(c.by_level[2], 0);
	assert_int_equal(c.by_level[3], 512);
}

static void test_overlapping_map_is_refused(void **state)
{
	assert_int_equal(stage2_map(&s2, 2 * MiB, 2 * MiB, 2 * MiB, S2_RAM), 0);
	assert_int_equal(stage2_map(&s2, 3 * MiB, 8 * MiB, 4096, S2_RAM), -1);
	assert_int_equal(stage2_map(&s2, 0, 8 * MiB, 4 * MiB, S2_RAM), -1);
}

static void test_bad_arguments_are_refused(void **state)
{
	assert_int_equal(stage2_map(&s2, 4097, 0, 4096, S2_RAM), -1);          /* unaligned IPA */
	assert_int_equal(stage2_map(&s2, 0, 123, 4096, S2_RAM), -1);           /* unaligned PA */
	assert_int_equal(stage2_map(&s2, 0, 0, 100, S2_RAM), -1);              /* unaligned size */
	assert_int_equal(stage2_map(&s2, 0, 0, 0, S2_RAM), -1);                /* empty */
	assert_int_equal(stage2_map(&s2, (1ULL << 39) - 4096, 0, 8192, S2_RAM), -1);  /* past the IPA space */
	assert_int_equal(stage2_unmap(&s2, 1ULL << 39, 4096), -1);
	assert_int_equal(leaves().bytes, 0);
}

static void test_unmapping_part_of_a_block_splits_it(void **state)
{
	struct s2_mapping m;

	assert_int_equal(stage2_map(&s2, 0, 1 * GiB, 1 * GiB, S2_RAM), 0);
	mem.invalidations = 0;
	assert_int_equal(stage2_unmap(&s2, 2 * MiB + 4096, 4096), 0);
	assert_true(mem.invalidations >= 2);        /* the old block and the page */
	assert_false(stage2_lookup(&s2, 2 * MiB + 4096, &m));
	assert_true(stage2_lookup(&s2, 2 * MiB, &m));
	assert_int_equal(m.level, 3);
	assert_true(m.pa == 1 * GiB + 2 * MiB);
	assert_true(stage2_lookup(&s2, 2 * MiB + 8192, &m));
	assert_true(m.pa == 1 * GiB + 2 * MiB + 8192);
	assert_true(stage2_lookup(&s2, 512 * MiB, &m));
	assert_int_equal(m.level, 2);               /* the rest stays in 2 MiB blocks */
	assert_true(m.pa == 1 * GiB + 512 * MiB);
	assert_true(leaves().bytes == 1 * GiB - 4096);
}

static void test_unmapping_everything_frees_tables(void **state)
{
	assert_int_equal(stage2_map(&s2, 0x40000000 - 4096, 0x80000000, 8 * MiB, S2_RAM), 0);
	assert_true(s2.tables > 1);
	assert_int_equal(stage2_unmap(&s2, 0x40000000 - 4096, 8 * MiB), 0);
	assert_int_equal(leaves().bytes, 0);
	assert_int_equal(s2.tables, 1);
	assert_int_equal(mem.live, 1);
}

static void test_unmapping_a_hole_is_harmless(void **state)
{
	assert_int_equal(stage2_unmap(&s2, 0x10000000, 64 * MiB), 0);
	assert_int_equal(s2.tables, 1);
}

static void test_protections_round_trip(void **state)
{
	struct s2_mapping m;

	assert_int_equal(stage2_map(&s2, 0, 0x50000000, 64 * KiB, S2_ROM), 0);
	assert_int_equal(stage2_map(&s2, 0x09000000, 0x09000000, 4096, S2_DEVICE), 0);
	assert_true(stage2_lookup(&s2, 0x8000, &m));
	assert_int_equal(m.prot, S2_ROM);
	assert_true(stage2_lookup(&s2, 0x09000000, &m));
	assert_int_equal(m.prot, S2_DEVICE);
	assert_false(stage2_lookup(&s2, 0x10000, &m));
}

static void test_out_of_table_memory_fails_cleanly(void **state)
{
	mem.fail_after = 1;
	assert_int_equal(stage2_map(&s2, 0, 0, 4096, S2_RAM), -1);
	/* teardown checks nothing leaked */
}

static void test_vtcr_bits_match_the_ipa_size(void **state)
{
	assert_true(stage2_vtcr_bits(&s2) == (25 | (1 << 6)));
}

static void test_init_rejects_ipa_sizes_level1_cannot_start(void **state)
{
	struct stage2 other;
	struct stage2_ops ops = { fake_alloc, fake_free, NULL, &mem };

	assert_int_equal(stage2_init(&other, 30, &ops), -1);
	assert_int_equal(stage2_init(&other, 40, &ops), -1);
	assert_int_equal(stage2_init(&other, 32, &ops), 0);
	assert_true(stage2_vtcr_bits(&other) == (32 | (1 << 6)));
	assert_int_equal(stage2_map(&other, 0xFFFFF000, 0, 4096, S2_RAM), 0);
	assert_int_equal(stage2_map(&other, 0x100000000ULL, 0, 4096, S2_RAM), -1);
	stage2_destroy(&other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_aligned_gigabyte_uses_one_level1_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_megabyte_alignment_uses_level2_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unaligned_edges_use_pages_and_middle_uses_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mismatched_alignment_falls_back_to_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlapping_map_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmapping_part_of_a_block_splits_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmapping_everything_frees_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmapping_a_hole_is_harmless, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protections_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_table_memory_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vtcr_bits_match_the_ipa_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_rejects_ipa_sizes_level1_cannot_start, setup, teardown),
	};
	return cmocka_run_group_tests_name("stage2", tests, NULL, NULL);
}
