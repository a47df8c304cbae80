/*
 * Unit tests for the split-virtqueue walker (emulators/virtio/virtqueue.c).
 * A 1 MiB buffer stands for guest RAM at guest-physical 0x40000000; the tests
 * build rings in it by hand, the way a driver (friendly or hostile) would,
 * and check what the device side makes of them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "virtio/virtqueue.h"

#define RAM_BASE   0x40000000ull
#define RAM_SIZE   0x100000ull

/* Where the default rings and buffers sit, as offsets into guest RAM. */
#define DESC_OFF   0x00000ull
#define AVAIL_OFF  0x10000ull
#define USED_OFF   0x20000ull
#define TABLE_OFF  0x30000ull      /* indirect tables */
#define BUF_OFF    0x40000ull      /* data buffers */

#define GPA(off)   (RAM_BASE + (off))

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));

/* What map() was asked, so tests can check the walker's requests. */
static unsigned map_calls;
static bool map_saw_overflow;
static uint64_t map_lens[8];

/* A hook run on each map(), standing for a driver rewriting memory concurrently. */
static void (*map_hook)(uint64_t gpa, uint64_t len);

static void *fake_map(void *ctx, uint64_t gpa, uint64_t len)
{
	uint64_t off;

	(void)ctx;
	if (map_calls < 8)
		map_lens[map_calls] = len;
	map_calls++;
	if (gpa > UINT64_MAX - len)
		map_saw_overflow = true;
	if (map_hook != NULL)
		map_hook(gpa, len);
	if (gpa < RAM_BASE)
		return NULL;
	off = gpa - RAM_BASE;
	if (off > RAM_SIZE || len > RAM_SIZE - off)
		return NULL;
	return ram + off;
}

static const struct vq_memview mem = { .map = fake_map, .ctx = NULL };

static struct virtqueue vq;
static struct vq_chain chain;

static struct virtq_desc *ram_desc(uint64_t off)
{
	return (struct virtq_desc *)(ram + off);
}

static struct virtq_desc *const descs = (struct virtq_desc *)(ram + DESC_OFF);
static struct virtq_avail *const avail = (struct virtq_avail *)(ram + AVAIL_OFF);
static struct virtq_used *const used = (struct virtq_used *)(ram + USED_OFF);

static void set_desc(struct virtq_desc *table, unsigned i, uint64_t gpa, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	table[i].addr = gpa;
	table[i].len = len;
	table[i].flags = flags;
	table[i].next = next;
}

/* Offer chain head to the device, as the driver's avail-ring update does. */
static void offer(uint16_t head)
{
	avail->ring[avail->idx & (vq.num - 1)] = head;
	avail->idx++;
}

static uint16_t *used_event(void)
{
	return &avail->ring[vq.num];
}

static uint16_t *avail_event(void)
{
	return (uint16_t *)&used->ring[vq.num];
}

static void configure(uint16_t num, bool event_idx, bool indirect)
{
	vq_reset(&vq);
	vq.num = num;
	vq.desc_gpa = GPA(DESC_OFF);
	vq.avail_gpa = GPA(AVAIL_OFF);
	vq.used_gpa = GPA(USED_OFF);
	vq.event_idx = event_idx;
	vq.indirect = indirect;
}

static void start(uint16_t num, bool event_idx, bool indirect)
{
	configure(num, event_idx, indirect);
	assert_int_equal(vq_init(&vq, &mem), 0);
}

static int setup(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	memset(&chain, 0xa5, sizeof(chain));
	map_calls = 0;
	map_saw_overflow = false;
	map_hook = NULL;
	memset(map_lens, 0, sizeof(map_lens));
	return 0;
}

/* Pop must fail and leave the queue broken, without ever handing map() a wrapping range. */
static void expect_broken(void)
{
	assert_int_equal(vq_pop(&vq, &mem, &chain), -1);
	assert_true(vq.broken);
	assert_false(vq_has_avail(&vq));
	assert_false(map_saw_overflow);
	assert_int_equal(vq.popped, 0);
}

/* ---- vq_init ---- */

static void test_init_maps_full_rings(void **state)
{
	start(8, true, false);
	assert_true(vq.ready);
	assert_false(vq.broken);
	assert_ptr_equal(vq.desc, descs);
	assert_ptr_equal(vq.avail, avail);
	assert_ptr_equal(vq.used, used);
	assert_int_equal(map_calls, 3);
	/* Each ring in full, event words included. */
	assert_int_equal(map_lens[0], 8 * 16);
	assert_int_equal(map_lens[1], 6 + 8 * 2);
	assert_int_equal(map_lens[2], 6 + 8 * 8);
	assert_int_equal(vq.last_avail, 0);
	assert_int_equal(vq.used_idx, 0);
	assert_false(vq.signalled_valid);
}

static void test_init_accepts_size_limits(void **state)
{
	start(1, false, false);
	assert_true(vq.ready);

	/* The largest queue: 512 KiB of descriptors, then the other rings after it. */
	configure(VIRTQ_MAX_SIZE, false, false);
	vq.desc_gpa = GPA(0);
	vq.avail_gpa = GPA(0x80000);
	vq.used_gpa = GPA(0xa0000);
	assert_int_equal(vq_init(&vq, &mem), 0);
	assert_true(vq.ready);
}

static void test_init_rejects_bad_num(void **state)
{
	static const uint16_t bad[] = { 0, 3, 6, 12, 100, 0x8001, 0xc000, 0xffff };
	unsigned i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		configure(bad[i], false, false);
		vq.ready = true;
		assert_int_equal(vq_init(&vq, &mem), -1);
		assert_false(vq.ready);
	}
}

static void test_init_rejects_misalignment(void **state)
{
	configure(8, false, false);
	vq.desc_gpa += 8;
	assert_int_equal(vq_init(&vq, &mem), -1);
	assert_false(vq.ready);

	configure(8, false, false);
	vq.avail_gpa += 1;
	assert_int_equal(vq_init(&vq, &mem), -1);
	assert_false(vq.ready);

	configure(8, false, false);
	vq.used_gpa += 2;
	assert_int_equal(vq_init(&vq, &mem), -1);
	assert_false(vq.ready);

	/* The minimum alignments themselves are fine. */
	configure(8, false, false);
	vq.desc_gpa += 16;
	vq.avail_gpa += 2;
	vq.used_gpa += 4;
	assert_int_equal(vq_init(&vq, &mem), 0);
}

static void test_init_rejects_unmapped_rings(void **state)
{
	configure(8, false, false);
	vq.desc_gpa = RAM_BASE - 0x1000;
	assert_int_equal(vq_init(&vq, &mem), -1);
	assert_false(vq.ready);

	/* The used ring starts in RAM but runs off its end. */
	configure(8, false, false);
	vq.used_gpa = RAM_BASE + RAM_SIZE - 16;
	assert_int_equal(vq_init(&vq, &mem), -1);
	assert_false(vq.ready);

	/* Ring addresses whose end wraps past 2^64. */
	map_saw_overflow = false;
	configure(8, false, false);
	vq.avail_gpa = UINT64_MAX - 1;
	assert_int_equal(vq_init(&vq, &mem), -1);
	configure(8, false, false);
	vq.desc_gpa = UINT64_MAX & ~15ull;
	assert_int_equal(vq_init(&vq, &mem), -1);
	assert_false(map_saw_overflow);
	assert_false(vq.ready);
	assert_null(vq.desc);
}

static void test_failed_reinit_leaves_queue_dead(void **state)
{
	start(8, false, false);
	set_desc(descs, 0, GPA(BUF_OFF), 16, 0, 0);
	offer(0);
	vq.used_gpa = 0x1000;
	assert_int_equal(vq_init(&vq, &mem), -1);
	assert_false(vq.ready);
	assert_false(vq_has_avail(&vq));
	assert_int_equal(vq_pop(&vq, &mem, &chain), 0);
	assert_int_equal(vq_push(&vq, 0, 0), -1);
	assert_false(vq_should_interrupt(&vq));
}

static void test_reset_clears_everything(void **state)
{
	start(8, true, true);
	set_desc(descs, 0, GPA(BUF_OFF), 16, 0, 0);
	offer(0);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_int_equal(vq_push(&vq, 0, 0), 0);
	vq_reset(&vq);
	assert_false(vq.ready);
	assert_false(vq.broken);
	assert_int_equal(vq.num, 0);
	assert_int_equal(vq.desc_gpa, 0);
	assert_false(vq.event_idx);
	assert_false(vq.indirect);
	assert_null(vq.desc);
	assert_int_equal(vq.last_avail, 0);
	assert_int_equal(vq.used_idx, 0);
	assert_int_equal(vq.popped, 0);
	assert_int_equal(vq.pushed, 0);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 0);
}

/* ---- vq_pop, well-formed rings ---- */

static void test_pop_empty_queue(void **state)
{
	start(8, false, false);
	assert_false(vq_has_avail(&vq));
	assert_int_equal(vq_pop(&vq, &mem, &chain), 0);
	assert_false(vq.broken);
	assert_int_equal(vq.popped, 0);

	/* Not ready at all: nothing, and not an error. */
	configure(8, false, false);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 0);
	assert_false(vq_has_avail(&vq));
}

static void test_pop_single_readable(void **state)
{
	start(8, false, false);
	set_desc(descs, 5, GPA(BUF_OFF + 0x100), 64, 0, 0);
	offer(5);
	assert_true(vq_has_avail(&vq));
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_int_equal(chain.head, 5);
	assert_int_equal(chain.nr_out, 1);
	assert_int_equal(chain.nr_in, 0);
	assert_int_equal(chain.out_bytes, 64);
	assert_int_equal(chain.in_bytes, 0);
	assert_ptr_equal(chain.seg[0].ptr, ram + BUF_OFF + 0x100);
	assert_int_equal(chain.seg[0].len, 64);
	assert_int_equal(vq.last_avail, 1);
	assert_int_equal(vq.popped, 1);
	assert_false(vq_has_avail(&vq));
	assert_int_equal(vq_pop(&vq, &mem, &chain), 0);
}

static void test_pop_three_desc_mixed(void **state)
{
	start(8, false, false);
	/* Head 2 -> 7 -> 0: header, data, status, in the driver's own order. */
	set_desc(descs, 2, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 7);
	set_desc(descs, 7, GPA(BUF_OFF + 0x1000), 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
	set_desc(descs, 0, GPA(BUF_OFF + 0x2000), 1, VIRTQ_DESC_F_WRITE, 3);
	offer(2);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_int_equal(chain.head, 2);
	assert_int_equal(chain.nr_out, 1);
	assert_int_equal(chain.nr_in, 2);
	assert_int_equal(chain.out_bytes, 16);
	assert_int_equal(chain.in_bytes, 513);
	assert_ptr_equal(chain.seg[0].ptr, ram + BUF_OFF);
	assert_ptr_equal(chain.seg[1].ptr, ram + BUF_OFF + 0x1000);
	assert_int_equal(chain.seg[1].len, 512);
	assert_ptr_equal(chain.seg[2].ptr, ram + BUF_OFF + 0x2000);
	assert_int_equal(chain.seg[2].len, 1);
}

static void test_pop_skips_zero_length(void **state)
{
	start(8, false, false);
	/* Zero-length buffers carry nothing: even a bogus address or a stray direction is harmless. */
	set_desc(descs, 0, 0xdead0000ull, 0, VIRTQ_DESC_F_NEXT, 1);
	set_desc(descs, 1, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 2);
	set_desc(descs, 2, GPA(BUF_OFF + 0x100), 0, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
	set_desc(descs, 3, UINT64_MAX, 0, VIRTQ_DESC_F_NEXT, 4);
	set_desc(descs, 4, GPA(BUF_OFF + 0x200), 8, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_int_equal(chain.nr_out, 1);
	assert_int_equal(chain.nr_in, 1);
	assert_ptr_equal(chain.seg[0].ptr, ram + BUF_OFF);
	assert_ptr_equal(chain.seg[1].ptr, ram + BUF_OFF + 0x200);
	assert_int_equal(chain.out_bytes, 16);
	assert_int_equal(chain.in_bytes, 8);
}

static void test_pop_all_zero_length(void **state)
{
	start(8, false, false);
	set_desc(descs, 0, 0, 0, 0, 0);
	offer(0);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_int_equal(chain.nr_out, 0);
	assert_int_equal(chain.nr_in, 0);
	assert_int_equal(chain.out_bytes, 0);
	assert_int_equal(chain.in_bytes, 0);
}

static void test_pop_in_order_and_full_ring(void **state)
{
	unsigned i;

	start(8, false, false);
	for (i = 0; i < 8; i++) {
		set_desc(descs, i, GPA(BUF_OFF + i * 0x100), 10 + i, 0, 0);
		offer((uint16_t)(7 - i));
	}
	/* Exactly num outstanding is allowed. */
	for (i = 0; i < 8; i++) {
		assert_true(vq_has_avail(&vq));
		assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
		assert_int_equal(chain.head, 7 - i);
		assert_int_equal(chain.out_bytes, 10 + 7 - i);
	}
	assert_int_equal(vq_pop(&vq, &mem, &chain), 0);
	assert_int_equal(vq.popped, 8);
}

static void test_pop_index_wraparound(void **state)
{
	unsigned i;

	start(8, false, false);
	vq.last_avail = 0xfffe;
	avail->idx = 0xfffe;
	vq.used_idx = 0xfffd;
	for (i = 0; i < 8; i++)
		set_desc(descs, i, GPA(BUF_OFF + i * 0x100), 32, VIRTQ_DESC_F_WRITE, 0);

	/* 40 chains, a few at a time, through the 16-bit wrap of both indices. */
	for (i = 0; i < 40; i++) {
		uint16_t head = (uint16_t)((i * 3) & 7);
		uint16_t slot = (uint16_t)((0xfffdu + i) & 7);

		offer(head);
		assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
		assert_int_equal(chain.head, head);
		assert_int_equal(chain.nr_in, 1);
		assert_int_equal(vq_push(&vq, chain.head, 32), 0);
		assert_int_equal(used->ring[slot].id, head);
		assert_int_equal(used->ring[slot].len, 32);
		assert_int_equal(used->idx, (uint16_t)(0xfffeu + i));
	}
	assert_int_equal(vq.last_avail, (uint16_t)(0xfffeu + 40));
	assert_int_equal(vq.popped, 40);
	assert_int_equal(vq.pushed, 40);
	assert_false(vq.broken);
}

static void test_pop_indirect(void **state)
{
	struct virtq_desc *table = ram_desc(TABLE_OFF);

	start(8, false, true);
	set_desc(table, 0, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 2);
	set_desc(table, 2, GPA(BUF_OFF + 0x100), 100, VIRTQ_DESC_F_NEXT, 1);
	set_desc(table, 1, GPA(BUF_OFF + 0x400), 200, VIRTQ_DESC_F_WRITE, 0);
	set_desc(descs, 3, GPA(TABLE_OFF), 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(3);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_int_equal(chain.head, 3);
	assert_int_equal(chain.nr_out, 2);
	assert_int_equal(chain.nr_in, 1);
	assert_int_equal(chain.out_bytes, 116);
	assert_int_equal(chain.in_bytes, 200);
	assert_ptr_equal(chain.seg[0].ptr, ram + BUF_OFF);
	assert_ptr_equal(chain.seg[1].ptr, ram + BUF_OFF + 0x100);
	assert_ptr_equal(chain.seg[2].ptr, ram + BUF_OFF + 0x400);
}

static void test_pop_indirect_after_direct(void **state)
{
	struct virtq_desc *table = ram_desc(TABLE_OFF + 8);     /* tables need no alignment */

	start(8, false, true);
	set_desc(table, 0, GPA(BUF_OFF + 0x100), 32, VIRTQ_DESC_F_WRITE, 0);
	set_desc(descs, 0, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 1);
	/* The WRITE flag of a descriptor that refers to a table is meaningless and ignored. */
	set_desc(descs, 1, GPA(TABLE_OFF + 8), 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_int_equal(chain.nr_out, 1);
	assert_int_equal(chain.nr_in, 1);
	assert_ptr_equal(chain.seg[1].ptr, ram + BUF_OFF + 0x100);
}

static void test_pop_indirect_not_negotiated(void **state)
{
	struct virtq_desc *table = ram_desc(TABLE_OFF);

	start(8, false, false);
	set_desc(table, 0, GPA(BUF_OFF), 16, 0, 0);
	set_desc(descs, 0, GPA(TABLE_OFF), 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken();
}

/* ---- vq_pop, hostile rings ---- */

static void test_hostile_two_desc_loop(void **state)
{
	start(8, false, false);
	set_desc(descs, 1, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 4);
	set_desc(descs, 4, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 1);
	offer(1);
	expect_broken();
}

static void test_hostile_self_loop(void **state)
{
	start(8, false, false);
	/* Zero-length, so no segment limit would stop it: only the step bound does. */
	set_desc(descs, 6, 0, 0, VIRTQ_DESC_F_NEXT, 6);
	offer(6);
	expect_broken();
}

static void test_hostile_loop_in_large_queue(void **state)
{
	unsigned i;

	/* A loop of zero-length descriptors through every entry of the largest queue. */
	configure(VIRTQ_MAX_SIZE, false, false);
	vq.desc_gpa = GPA(0);
	vq.avail_gpa = GPA(0x80000);
	vq.used_gpa = GPA(0xa0000);
	assert_int_equal(vq_init(&vq, &mem), 0);
	for (i = 0; i < VIRTQ_MAX_SIZE; i++)
		set_desc(ram_desc(0), i, 0, 0, VIRTQ_DESC_F_NEXT, (uint16_t)((i + 1) % VIRTQ_MAX_SIZE));
	((struct virtq_avail *)(ram + 0x80000))->ring[0] = 0;
	((struct virtq_avail *)(ram + 0x80000))->idx = 1;
	expect_broken();
}

static void test_hostile_next_out_of_range(void **state)
{
	start(8, false, false);
	set_desc(descs, 0, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 8);
	offer(0);
	expect_broken();
}

static void test_hostile_head_out_of_range(void **state)
{
	start(8, false, false);
	offer(8);
	expect_broken();
	assert_int_equal(vq.last_avail, 0);
}

static void test_hostile_avail_idx_jump(void **state)
{
	start(8, false, false);
	set_desc(descs, 0, GPA(BUF_OFF), 16, 0, 0);
	avail->idx = 9;
	/* has_avail only reports; the pop that follows finds the ring broken. */
	assert_true(vq_has_avail(&vq));
	expect_broken();

	/* A jump "backwards" is a huge jump forwards in 16-bit arithmetic. */
	start(8, false, false);
	vq.last_avail = 5;
	avail->idx = 4;
	expect_broken();
}

static void test_hostile_address_outside_ram(void **state)
{
	start(8, false, false);
	set_desc(descs, 0, RAM_BASE + RAM_SIZE - 8, 16, 0, 0);
	offer(0);
	expect_broken();

	setup(NULL);
	start(8, false, false);
	set_desc(descs, 0, 0x1000, 16, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	expect_broken();
}

static void test_hostile_addr_len_overflow(void **state)
{
	start(8, false, false);
	set_desc(descs, 0, UINT64_MAX - 0xf, 0x20, 0, 0);
	offer(0);
	expect_broken();
}

static void test_hostile_len_max(void **state)
{
	start(8, false, false);
	set_desc(descs, 0, GPA(BUF_OFF), 0xffffffffu, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	expect_broken();
}

static void test_hostile_readable_after_writable(void **state)
{
	start(8, false, false);
	set_desc(descs, 0, GPA(BUF_OFF), 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(descs, 1, GPA(BUF_OFF + 0x100), 16, 0, 0);
	offer(0);
	expect_broken();
}

static void test_hostile_readable_after_writable_indirect(void **state)
{
	struct virtq_desc *table = ram_desc(TABLE_OFF);

	/* The order holds across the direct part and the table. */
	start(8, false, true);
	set_desc(table, 0, GPA(BUF_OFF + 0x100), 16, 0, 0);
	set_desc(descs, 0, GPA(BUF_OFF), 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(descs, 1, GPA(TABLE_OFF), 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken();
}

static void test_hostile_nested_indirect(void **state)
{
	struct virtq_desc *table = ram_desc(TABLE_OFF);
	struct virtq_desc *inner = ram_desc(TABLE_OFF + 0x1000);

	start(8, false, true);
	set_desc(inner, 0, GPA(BUF_OFF), 16, 0, 0);
	set_desc(table, 0, GPA(TABLE_OFF + 0x1000), 16, VIRTQ_DESC_F_INDIRECT, 0);
	set_desc(descs, 0, GPA(TABLE_OFF), 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken();
}

static void test_hostile_indirect_with_next(void **state)
{
	struct virtq_desc *table = ram_desc(TABLE_OFF);

	start(8, false, true);
	set_desc(table, 0, GPA(BUF_OFF), 16, 0, 0);
	set_desc(descs, 0, GPA(TABLE_OFF), 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	set_desc(descs, 1, GPA(BUF_OFF), 16, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	expect_broken();
}

static void test_hostile_indirect_bad_length(void **state)
{
	static const uint32_t bad[] = { 0, 8, 24, 17, (VIRTQ_MAX_SIZE + 1) * 16, 0xfffffff0u };
	unsigned i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(NULL);
		start(8, false, true);
		set_desc(ram_desc(TABLE_OFF), 0, GPA(BUF_OFF), 16, 0, 0);
		set_desc(descs, 0, GPA(TABLE_OFF), bad[i], VIRTQ_DESC_F_INDIRECT, 0);
		offer(0);
		expect_broken();
	}
}

static void test_hostile_indirect_table_unmapped(void **state)
{
	start(8, false, true);
	set_desc(descs, 0, RAM_BASE + RAM_SIZE - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken();

	setup(NULL);
	start(8, false, true);
	set_desc(descs, 0, UINT64_MAX - 15, 32, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken();
}

static void test_hostile_indirect_next_out_of_range(void **state)
{
	struct virtq_desc *table = ram_desc(TABLE_OFF);

	/* next 3 is inside the queue size but past the 3-entry table. */
	start(8, false, true);
	set_desc(table, 0, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(table, 1, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 3);
	set_desc(table, 3, GPA(BUF_OFF), 16, 0, 0);
	set_desc(descs, 0, GPA(TABLE_OFF), 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken();
}

static void test_hostile_indirect_loop(void **state)
{
	struct virtq_desc *table = ram_desc(TABLE_OFF);

	start(8, false, true);
	set_desc(table, 0, 0, 0, VIRTQ_DESC_F_NEXT, 1);
	set_desc(table, 1, 0, 0, VIRTQ_DESC_F_NEXT, 0);
	set_desc(descs, 0, GPA(TABLE_OFF), 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken();
}

static void fill_table(struct virtq_desc *table, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		set_desc(table, i, GPA(BUF_OFF + i * 16), 16, i + 1 < n ? VIRTQ_DESC_F_NEXT : 0,
			 (uint16_t)(i + 1));
}

static void test_indirect_max_segments(void **state)
{
	start(8, false, true);
	fill_table(ram_desc(TABLE_OFF), VQ_MAX_SEGS);
	set_desc(descs, 0, GPA(TABLE_OFF), VQ_MAX_SEGS * 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_int_equal(chain.nr_out, VQ_MAX_SEGS);
	assert_int_equal(chain.out_bytes, VQ_MAX_SEGS * 16);
	assert_ptr_equal(chain.seg[VQ_MAX_SEGS - 1].ptr, ram + BUF_OFF + (VQ_MAX_SEGS - 1) * 16);
}

static void test_hostile_too_many_segments_indirect(void **state)
{
	start(8, false, true);
	fill_table(ram_desc(TABLE_OFF), VQ_MAX_SEGS + 1);
	set_desc(descs, 0, GPA(TABLE_OFF), (VQ_MAX_SEGS + 1) * 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken();
}

static void test_hostile_too_many_segments_direct(void **state)
{
	start(256, false, false);
	fill_table(descs, VQ_MAX_SEGS + 1);
	offer(0);
	expect_broken();
}

static void test_broken_queue_stays_broken(void **state)
{
	start(8, false, false);
	set_desc(descs, 0, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 9);
	offer(0);
	expect_broken();

	/* Repairing the ring does not revive the queue. */
	set_desc(descs, 0, GPA(BUF_OFF), 16, 0, 0);
	assert_int_equal(vq_pop(&vq, &mem, &chain), -1);
	assert_int_equal(vq_pop(&vq, &mem, &chain), -1);
	assert_false(vq_has_avail(&vq));
	assert_int_equal(vq.last_avail, 0);

	/* A device reset and a fresh set-up do. */
	avail->idx = 0;
	start(8, false, false);
	offer(0);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_false(vq.broken);
}

/*
 * A driver rewriting the descriptor while the device looks at it: when the
 * buffer of descriptor 0 is mapped, its length, flags and next change. The
 * chain must reflect the values checked, not the new ones.
 */
static void rewrite_desc0(uint64_t gpa, uint64_t len)
{
	if (gpa == GPA(BUF_OFF))
		set_desc(descs, 0, GPA(BUF_OFF), 0xffffffffu, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
}

static void test_pop_reads_descriptor_once(void **state)
{
	start(8, false, false);
	set_desc(descs, 0, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(descs, 1, GPA(BUF_OFF + 0x100), 8, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	map_hook = rewrite_desc0;
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_int_equal(chain.nr_out, 1);
	assert_int_equal(chain.nr_in, 1);
	assert_int_equal(chain.seg[0].len, 16);
	assert_int_equal(chain.out_bytes, 16);
	assert_ptr_equal(chain.seg[1].ptr, ram + BUF_OFF + 0x100);
}

/* ---- vq_push ---- */

static void test_push_writes_used_ring(void **state)
{
	start(4, false, false);
	assert_int_equal(vq_push(&vq, 3, 77), 0);
	assert_int_equal(used->ring[0].id, 3);
	assert_int_equal(used->ring[0].len, 77);
	assert_int_equal(used->idx, 1);
	assert_int_equal(vq_push(&vq, 1, 0), 0);
	assert_int_equal(used->ring[1].id, 1);
	assert_int_equal(used->idx, 2);
	assert_int_equal(vq.pushed, 2);

	/* The slot wraps modulo num while the index keeps counting. */
	vq_push(&vq, 0, 1);
	vq_push(&vq, 0, 2);
	assert_int_equal(vq_push(&vq, 2, 0xffffffffu), 0);
	assert_int_equal(used->ring[0].id, 2);
	assert_int_equal(used->ring[0].len, 0xffffffffu);
	assert_int_equal(used->idx, 5);
}

static void test_push_rejects_bad_head(void **state)
{
	start(4, false, false);
	assert_int_equal(vq_push(&vq, 4, 0), -1);
	assert_int_equal(vq_push(&vq, 0xffff, 0), -1);
	assert_int_equal(used->idx, 0);
	assert_int_equal(vq.used_idx, 0);
	assert_int_equal(vq.pushed, 0);
}

/* ---- interrupt and notification suppression ---- */

static void test_interrupt_without_event_idx(void **state)
{
	start(8, false, false);
	/* Nothing pushed yet: nothing to tell. */
	assert_false(vq_should_interrupt(&vq));

	vq_push(&vq, 0, 0);
	assert_true(vq_should_interrupt(&vq));
	assert_int_equal(vq.interrupts, 1);
	/* Nothing pushed since the last decision. */
	assert_false(vq_should_interrupt(&vq));

	avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	vq_push(&vq, 1, 0);
	assert_false(vq_should_interrupt(&vq));
	assert_int_equal(vq.interrupts, 1);

	avail->flags = 0;
	vq_push(&vq, 2, 0);
	assert_true(vq_should_interrupt(&vq));
	assert_int_equal(vq.interrupts, 2);
}

static void test_interrupt_with_event_idx(void **state)
{
	start(8, true, false);
	/* NO_INTERRUPT means nothing once EVENT_IDX is negotiated. */
	avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	*used_event() = 100;

	/* The first decision always interrupts: there is no earlier one to measure from. */
	vq_push(&vq, 0, 0);
	assert_true(vq_should_interrupt(&vq));
	assert_int_equal(vq.signalled_used, 1);

	/* The driver wants to hear when used entry 3 is written: entries 1 and 2 do not reach it. */
	*used_event() = 3;
	vq_push(&vq, 1, 0);
	assert_false(vq_should_interrupt(&vq));
	vq_push(&vq, 2, 0);
	assert_false(vq_should_interrupt(&vq));
	assert_int_equal(vq.signalled_used, 3);

	/* Entry 3 is used: crossed. */
	vq_push(&vq, 3, 0);
	assert_true(vq_should_interrupt(&vq));

	/* A batch that jumps over the event still crosses it. */
	*used_event() = 5;
	vq_push(&vq, 4, 0);
	vq_push(&vq, 5, 0);
	vq_push(&vq, 6, 0);
	assert_true(vq_should_interrupt(&vq));
	assert_int_equal(vq.interrupts, 3);

	/* No pushes, no interrupt, whatever used_event says. */
	*used_event() = 6;
	assert_false(vq_should_interrupt(&vq));
}

static void test_interrupt_event_idx_wraps(void **state)
{
	start(8, true, false);
	vq.used_idx = 0xfffc;
	vq.signalled_used = 0xfffc;
	vq.signalled_valid = true;
	vq.pushed = 1;

	/* Event at entry 0x0001, just past the wrap: entries 0xfffc..0xffff do not reach it. */
	*used_event() = 0x0001;
	vq_push(&vq, 0, 0);
	vq_push(&vq, 0, 0);
	vq_push(&vq, 0, 0);
	vq_push(&vq, 0, 0);
	assert_int_equal(vq.used_idx, 0);
	assert_false(vq_should_interrupt(&vq));
	vq_push(&vq, 0, 0);
	vq_push(&vq, 0, 0);
	assert_true(vq_should_interrupt(&vq));

	/* An event behind the batch (already passed before it) does not fire again. */
	*used_event() = 0xfff0;
	vq_push(&vq, 0, 0);
	assert_false(vq_should_interrupt(&vq));
}

static void test_enable_notify_event_idx(void **state)
{
	start(8, true, false);
	set_desc(descs, 0, GPA(BUF_OFF), 16, 0, 0);
	offer(0);
	offer(0);
	vq_pop(&vq, &mem, &chain);
	vq_pop(&vq, &mem, &chain);
	*avail_event() = 0x1234;
	used->flags = 0;

	vq_disable_notify(&vq);
	assert_int_equal(*avail_event(), 0x1234);
	assert_int_equal(used->flags, 0);

	vq_enable_notify(&vq);
	assert_int_equal(*avail_event(), 2);
	assert_int_equal(used->flags, 0);
	/* The word sits right after the num used elements. */
	assert_ptr_equal(avail_event(), ram + USED_OFF + 4 + 8 * 8);
}

static void test_enable_disable_notify_flags(void **state)
{
	start(8, false, false);
	*avail_event() = 0x5555;
	vq_disable_notify(&vq);
	assert_int_equal(used->flags, VIRTQ_USED_F_NO_NOTIFY);
	vq_enable_notify(&vq);
	assert_int_equal(used->flags, 0);
	assert_int_equal(*avail_event(), 0x5555);

	/* Not ready: the rings are not touched. */
	configure(8, false, false);
	vq_disable_notify(&vq);
	assert_int_equal(used->flags, 0);
}

/* ---- chain copy helpers ---- */

/* A chain of readable segments 5, 3, 8 bytes, then writable ones 4, 6 bytes. */
static void make_copy_chain(void)
{
	unsigned i;

	start(8, false, false);
	for (i = 0; i < 0x200; i++)
		ram[BUF_OFF + i] = (uint8_t)i;
	set_desc(descs, 0, GPA(BUF_OFF + 0x00), 5, VIRTQ_DESC_F_NEXT, 1);
	set_desc(descs, 1, GPA(BUF_OFF + 0x40), 3, VIRTQ_DESC_F_NEXT, 2);
	set_desc(descs, 2, GPA(BUF_OFF + 0x80), 8, VIRTQ_DESC_F_NEXT, 3);
	set_desc(descs, 3, GPA(BUF_OFF + 0x100), 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 4);
	set_desc(descs, 4, GPA(BUF_OFF + 0x180), 6, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_int_equal(chain.out_bytes, 16);
	assert_int_equal(chain.in_bytes, 10);
}

static void test_chain_read_across_segments(void **state)
{
	static const uint8_t want[16] = {
		0x00, 0x01, 0x02, 0x03, 0x04, 0x40, 0x41, 0x42,
		0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
	};
	uint8_t buf[32];

	make_copy_chain();
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(vq_chain_read(&chain, 0, buf, 16), 16);
	assert_memory_equal(buf, want, 16);

	/* Starting inside the second segment, ending inside the third. */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(vq_chain_read(&chain, 6, buf, 4), 4);
	assert_memory_equal(buf, want + 6, 4);
	assert_int_equal(buf[4], 0xee);

	/* Starting exactly on a segment boundary. */
	assert_int_equal(vq_chain_read(&chain, 8, buf, 2), 2);
	assert_memory_equal(buf, want + 8, 2);
}

static void test_chain_read_partial(void **state)
{
	uint8_t buf[32];

	make_copy_chain();
	/* Asking past the readable part stops at its end, never reading the writable part. */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(vq_chain_read(&chain, 12, buf, sizeof(buf)), 4);
	assert_int_equal(buf[0], 0x84);
	assert_int_equal(buf[3], 0x87);
	assert_int_equal(buf[4], 0xee);
	assert_int_equal(vq_chain_read(&chain, 16, buf, 1), 0);
	assert_int_equal(vq_chain_read(&chain, UINT64_MAX, buf, 1), 0);
	assert_int_equal(vq_chain_read(&chain, 0, buf, 0), 0);
}

static void test_chain_write_across_segments(void **state)
{
	static const uint8_t src[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	uint8_t before[16];

	make_copy_chain();
	memcpy(before, ram + BUF_OFF + 0x80, 8);
	assert_int_equal(vq_chain_write(&chain, 0, src, 10), 10);
	assert_memory_equal(ram + BUF_OFF + 0x100, src, 4);
	assert_memory_equal(ram + BUF_OFF + 0x180, src + 4, 6);
	/* Neither the readable part nor the bytes after the segments change. */
	assert_memory_equal(ram + BUF_OFF + 0x80, before, 8);
	assert_int_equal(ram[BUF_OFF + 0x104], 0x04);
	assert_int_equal(ram[BUF_OFF + 0x186], 0x86);

	/* At an offset straddling the boundary. */
	assert_int_equal(vq_chain_write(&chain, 3, src, 2), 2);
	assert_int_equal(ram[BUF_OFF + 0x103], 1);
	assert_int_equal(ram[BUF_OFF + 0x180], 2);
}

static void test_chain_write_partial(void **state)
{
	static const uint8_t src[32] = { 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77 };

	make_copy_chain();
	assert_int_equal(vq_chain_write(&chain, 7, src, sizeof(src)), 3);
	assert_int_equal(ram[BUF_OFF + 0x183], 0x77);
	assert_int_equal(ram[BUF_OFF + 0x185], 0x77);
	assert_int_equal(ram[BUF_OFF + 0x186], 0x86);
	assert_int_equal(ram[BUF_OFF + 0x182], 0x82);
	assert_int_equal(vq_chain_write(&chain, 10, src, 1), 0);
	assert_int_equal(vq_chain_write(&chain, 0, src, 0), 0);
}

static void test_chain_copy_empty_parts(void **state)
{
	uint8_t buf[4] = { 0 };

	/* A write-only chain has nothing to read; a read-only one nothing to write. */
	start(8, false, false);
	set_desc(descs, 0, GPA(BUF_OFF), 16, VIRTQ_DESC_F_WRITE, 0);
	set_desc(descs, 1, GPA(BUF_OFF + 0x100), 16, 0, 0);
	offer(0);
	offer(1);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_int_equal(vq_chain_read(&chain, 0, buf, sizeof(buf)), 0);
	assert_int_equal(vq_chain_write(&chain, 0, buf, sizeof(buf)), 4);
	assert_int_equal(vq_pop(&vq, &mem, &chain), 1);
	assert_int_equal(vq_chain_write(&chain, 0, buf, sizeof(buf)), 0);
	assert_int_equal(vq_chain_read(&chain, 0, buf, sizeof(buf)), 4);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_maps_full_rings),
		T(test_init_accepts_size_limits),
		T(test_init_rejects_bad_num),
		T(test_init_rejects_misalignment),
		T(test_init_rejects_unmapped_rings),
		T(test_failed_reinit_leaves_queue_dead),
		T(test_reset_clears_everything),
		T(test_pop_empty_queue),
		T(test_pop_single_readable),
		T(test_pop_three_desc_mixed),
		T(test_pop_skips_zero_length),
		T(test_pop_all_zero_length),
		T(test_pop_in_order_and_full_ring),
		T(test_pop_index_wraparound),
		T(test_pop_indirect),
		T(test_pop_indirect_after_direct),
		T(test_pop_indirect_not_negotiated),
		T(test_pop_reads_descriptor_once),
		T(test_hostile_two_desc_loop),
		T(test_hostile_self_loop),
		T(test_hostile_loop_in_large_queue),
		T(test_hostile_next_out_of_range),
		T(test_hostile_head_out_of_range),
		T(test_hostile_avail_idx_jump),
		T(test_hostile_address_outside_ram),
		T(test_hostile_addr_len_overflow),
		T(test_hostile_len_max),
		T(test_hostile_readable_after_writable),
		T(test_hostile_readable_after_writable_indirect),
		T(test_hostile_nested_indirect),
		T(test_hostile_indirect_with_next),
		T(test_hostile_indirect_bad_length),
		T(test_hostile_indirect_table_unmapped),
		T(test_hostile_indirect_next_out_of_range),
		T(test_hostile_indirect_loop),
		T(test_indirect_max_segments),
		T(test_hostile_too_many_segments_indirect),
		T(test_hostile_too_many_segments_direct),
		T(test_broken_queue_stays_broken),
		T(test_push_writes_used_ring),
		T(test_push_rejects_bad_head),
		T(test_interrupt_without_event_idx),
		T(test_interrupt_with_event_idx),
		T(test_interrupt_event_idx_wraps),
		T(test_enable_notify_event_idx),
		T(test_enable_disable_notify_flags),
		T(test_chain_read_across_segments),
		T(test_chain_read_partial),
		T(test_chain_write_across_segments),
		T(test_chain_write_partial),
		T(test_chain_copy_empty_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
