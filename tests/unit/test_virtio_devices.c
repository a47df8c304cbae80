/*
 * Unit tests for the block backends (core/blkdev.c, core/blk_ramdisk.c) and
 * the transport-independent halves of virtio-blk and virtio-net
 * (virtio_blk_req.c, virtio_net_frames.c).
 *
 * Chains are built by hand over local buffers, the way vq_pop() leaves
 * them: readable segments first, then writable ones. Requests are cut at
 * awkward places (a header over two segments, data starting mid-segment,
 * the status byte sharing a segment with data) since a guest may do so.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <mantle/blkdev.h>
#include <mantle/blk_ramdisk.h>
#include "virtio/virtio_blk_req.h"
#include "virtio/virtio_net_frames.h"

#define SECTOR       512
#define DISK_SECTORS 256

static uint8_t disk_mem[DISK_SECTORS * SECTOR];
static struct blkdev disk;

/* A byte no two nearby sectors share at the same offset: misplaced data shows. */
static uint8_t pattern(uint64_t sector, unsigned off)
{
	return (uint8_t)(sector * 7 + off * 13 + 1);
}

static void fill_pattern(void)
{
	for (unsigned s = 0; s < DISK_SECTORS; s++)
		for (unsigned i = 0; i < SECTOR; i++)
			disk_mem[s * SECTOR + i] = pattern(s, i);
}

/* Whether buf holds the pattern of disk sectors [sector, sector + len / 512). */
static bool holds_pattern(const uint8_t *buf, uint64_t sector, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (buf[i] != pattern(sector + i / SECTOR, i % SECTOR))
			return false;
	return true;
}

static bool all_bytes(const uint8_t *buf, uint64_t len, uint8_t val)
{
	for (uint64_t i = 0; i < len; i++)
		if (buf[i] != val)
			return false;
	return true;
}

static int disk_setup(void **state)
{
	fill_pattern();
	assert_int_equal(blk_ramdisk_init(&disk, "disk0", disk_mem, sizeof(disk_mem), false, "bundle"), 0);
	return 0;
}

/* Every path through the code under test released the locks it took. */
static int disk_teardown(void **state)
{
	blkdev_unregister(&disk);
	assert_int_equal(fake_spin_held, 0);
	return 0;
}

/* ------------------------------------------------------------ chains */

static void chain_reset(struct vq_chain *c)
{
	memset(c, 0, sizeof(*c));
	c->head = 3;
}

static void chain_out(struct vq_chain *c, void *ptr, uint32_t len)
{
	assert_int_equal(c->nr_in, 0);          /* readable segments come first */
	c->seg[c->nr_out].ptr = ptr;
	c->seg[c->nr_out].len = len;
	c->nr_out++;
	c->out_bytes += len;
}

static void chain_in(struct vq_chain *c, void *ptr, uint32_t len)
{
	c->seg[c->nr_out + c->nr_in].ptr = ptr;
	c->seg[c->nr_out + c->nr_in].len = len;
	c->nr_in++;
	c->in_bytes += len;
}

static void make_hdr(uint8_t *buf, uint32_t type, uint64_t sector)
{
	struct virtio_blk_req_hdr h = { .type = type, .reserved = 0, .sector = sector };

	memcpy(buf, &h, sizeof(h));
}

/* A read or write header cut 5 + 11 over two readable segments. */
static uint8_t hdr_buf[16];

static void chain_split_hdr(struct vq_chain *c, uint32_t type, uint64_t sector)
{
	make_hdr(hdr_buf, type, sector);
	chain_out(c, hdr_buf, 5);
	chain_out(c, hdr_buf + 5, 11);
}

static struct vblk_target target(uint64_t start, uint64_t count, bool read_only)
{
	struct vblk_target t = { .bd = &disk, .start = start, .count = count, .read_only = read_only };

	memcpy(t.id, "mantle-disk0", 12);
	return t;
}

/* ------------------------------------------------------------ a backend that fails on demand */

static int fake_rw_calls, fake_flush_calls;
static int fake_result;

static int fake_rw(struct blkdev *bd, bool write, uint64_t sector, const struct blk_iov *iov, unsigned nr_iov)
{
	fake_rw_calls++;
	return fake_result;
}

static int fake_flush(struct blkdev *bd)
{
	fake_flush_calls++;
	return fake_result;
}

static const struct blkdev_ops fake_ops = { .rw = fake_rw, .flush = fake_flush, .discard = NULL };

static void fake_init(struct blkdev *bd, const char *name, bool read_only)
{
	memset(bd, 0, sizeof(*bd));
	strcpy(bd->name, name);
	bd->kind = "fake";
	bd->nr_sectors = 1000;
	bd->read_only = read_only;
	bd->ops = &fake_ops;
	fake_rw_calls = 0;
	fake_flush_calls = 0;
	fake_result = 0;
}

/* ------------------------------------------------------------ blkdev registry */

static void count_one(struct blkdev *bd, void *arg)
{
	(*(int *)arg)++;
}

static void test_register_find_unregister(void **state)
{
	struct blkdev other;
	int n = 0;

	fake_init(&other, "disk1", false);
	assert_null(blkdev_find("disk0"));       /* ramdisk_init does not register */
	blkdev_register(&disk);
	blkdev_register(&other);
	assert_ptr_equal(blkdev_find("disk0"), &disk);
	assert_ptr_equal(blkdev_find("disk1"), &other);
	assert_null(blkdev_find("disk2"));
	assert_null(blkdev_find("disk"));
	assert_null(blkdev_find(NULL));
	blkdev_for_each(count_one, &n);
	assert_int_equal(n, 2);

	blkdev_unregister(&other);
	assert_null(blkdev_find("disk1"));
	assert_ptr_equal(blkdev_find("disk0"), &disk);
	blkdev_unregister(&other);               /* not listed: harmless */
	n = 0;
	blkdev_for_each(count_one, &n);
	assert_int_equal(n, 1);
}

static void test_register_twice_lists_once(void **state)
{
	int n = 0;

	blkdev_register(&disk);
	blkdev_register(&disk);
	blkdev_for_each(count_one, &n);
	assert_int_equal(n, 1);
	blkdev_unregister(&disk);
	assert_null(blkdev_find("disk0"));
}

static void test_register_resets_claims(void **state)
{
	const char *holder;

	assert_int_equal(blkdev_claim(&disk, 0, 10, "a/vda", &holder), 0);
	blkdev_register(&disk);
	assert_int_equal(disk.nr_claims, 0);
	assert_int_equal(blkdev_claim(&disk, 0, 10, "b/vda", &holder), 0);
}

/* ------------------------------------------------------------ claims */

static void test_claim_whole_disk_then_any_overlap_is_refused(void **state)
{
	const char *holder = "unset";

	assert_int_equal(blkdev_claim(&disk, 0, DISK_SECTORS, "linux0/vda", &holder), 0);
	assert_int_equal(disk.nr_claims, 1);
	assert_int_equal(blkdev_claim(&disk, 100, 1, "linux1/vda", &holder), -1);
	assert_string_equal(holder, "linux0/vda");
	holder = NULL;
	assert_int_equal(blkdev_claim(&disk, DISK_SECTORS - 1, 1, "linux1/vda", &holder), -1);
	assert_string_equal(holder, "linux0/vda");
	assert_int_equal(disk.nr_claims, 1);
}

static void test_claim_ranges_disjoint_and_adjacent(void **state)
{
	const char *holder;

	assert_int_equal(blkdev_claim(&disk, 0, 100, "a/vda", &holder), 0);
	assert_int_equal(blkdev_claim(&disk, 100, 50, "b/vda", &holder), 0);   /* adjacent */
	assert_int_equal(blkdev_claim(&disk, 200, 56, "c/vda", &holder), 0);   /* to the end */
	assert_int_equal(blkdev_claim(&disk, 149, 2, "d/vda", &holder), -1);   /* b's last sector */
	assert_string_equal(holder, "b/vda");
	assert_int_equal(blkdev_claim(&disk, 140, 100, "d/vda", &holder), -1); /* spans b, gap and c */
	assert_true(strcmp(holder, "b/vda") == 0 || strcmp(holder, "c/vda") == 0);
	assert_int_equal(blkdev_claim(&disk, 150, 50, "d/vda", &holder), 0);   /* the gap exactly */
	assert_int_equal(disk.nr_claims, 4);
}

static void test_claim_past_end_or_empty_is_refused(void **state)
{
	const char *holder = "unset";

	assert_int_equal(blkdev_claim(&disk, 0, DISK_SECTORS + 1, "a/vda", &holder), -1);
	assert_null(holder);
	assert_int_equal(blkdev_claim(&disk, DISK_SECTORS, 1, "a/vda", &holder), -1);
	assert_int_equal(blkdev_claim(&disk, DISK_SECTORS + 5, 1, "a/vda", &holder), -1);
	assert_int_equal(blkdev_claim(&disk, 10, 0, "a/vda", &holder), -1);
	assert_int_equal(disk.nr_claims, 0);
	assert_int_equal(blkdev_claim(&disk, DISK_SECTORS - 1, 1, "a/vda", &holder), 0);
}

static void test_claim_overflowing_range_is_refused(void **state)
{
	const char *holder;

	assert_int_equal(blkdev_claim(&disk, UINT64_MAX - 1, 4, "a/vda", &holder), -1);
	assert_int_equal(blkdev_claim(&disk, 10, UINT64_MAX, "a/vda", &holder), -1);
	assert_int_equal(blkdev_claim(&disk, 10, UINT64_MAX - 9, "a/vda", &holder), -1);
	assert_int_equal(blkdev_claim(&disk, UINT64_MAX, UINT64_MAX, "a/vda", &holder), -1);
	assert_int_equal(disk.nr_claims, 0);
}

static void test_claim_same_owner_twice_is_refused(void **state)
{
	const char *holder = NULL;

	assert_int_equal(blkdev_claim(&disk, 0, 10, "linux0/vda", &holder), 0);
	assert_int_equal(blkdev_claim(&disk, 50, 10, "linux0/vda", &holder), -1);
	assert_non_null(holder);
	assert_string_equal(holder, "linux0/vda");
	assert_int_equal(disk.nr_claims, 1);
	/* A different device of the same guest is another owner. */
	assert_int_equal(blkdev_claim(&disk, 50, 10, "linux0/vdb", &holder), 0);
}

static void test_release_then_reclaim(void **state)
{
	const char *holder;

	assert_int_equal(blkdev_claim(&disk, 0, 100, "a/vda", &holder), 0);
	assert_int_equal(blkdev_claim(&disk, 100, 100, "b/vda", &holder), 0);
	blkdev_release(&disk, "nobody");
	blkdev_release(&disk, NULL);
	assert_int_equal(disk.nr_claims, 2);
	blkdev_release(&disk, "a/vda");
	assert_int_equal(disk.nr_claims, 1);
	assert_int_equal(blkdev_claim(&disk, 50, 10, "c/vda", &holder), 0);
	assert_int_equal(blkdev_claim(&disk, 150, 10, "c/vdb", &holder), -1);
	assert_string_equal(holder, "b/vda");   /* b survived a's release */
	blkdev_release(&disk, "b/vda");
	blkdev_release(&disk, "c/vda");
	assert_int_equal(disk.nr_claims, 0);
	assert_int_equal(blkdev_claim(&disk, 0, DISK_SECTORS, "a/vda", &holder), 0);
}

static void test_claims_are_bounded(void **state)
{
	const char *holder = NULL;
	char owner[16];

	for (unsigned i = 0; i < BLKDEV_MAX_CLAIMS; i++) {
		snprintf(owner, sizeof(owner), "g%u/vda", i);
		assert_int_equal(blkdev_claim(&disk, i * 10, 10, owner, &holder), 0);
	}
	assert_int_equal(blkdev_claim(&disk, 200, 10, "late/vda", &holder), -1);
	assert_non_null(holder);
	assert_int_equal(disk.nr_claims, BLKDEV_MAX_CLAIMS);
	blkdev_release(&disk, "g3/vda");
	assert_int_equal(blkdev_claim(&disk, 200, 10, "late/vda", &holder), 0);
	/* The table is full again: even the sectors g3 gave up cannot be claimed. */
	assert_int_equal(blkdev_claim(&disk, 30, 10, "x/vda", &holder), -1);
	assert_non_null(holder);
	blkdev_release(&disk, "g4/vda");
	assert_int_equal(blkdev_claim(&disk, 30, 20, "x/vda", &holder), 0);
}

static void test_claim_owner_must_fit(void **state)
{
	char long_owner[BLKDEV_NAME_MAX + 4];
	const char *holder;

	memset(long_owner, 'o', sizeof(long_owner) - 1);
	long_owner[sizeof(long_owner) - 1] = '\0';
	assert_int_equal(blkdev_claim(&disk, 0, 1, long_owner, &holder), -1);
	assert_int_equal(blkdev_claim(&disk, 0, 1, NULL, &holder), -1);
	assert_int_equal(blkdev_claim(&disk, 0, 1, "", &holder), -1);
	long_owner[BLKDEV_NAME_MAX - 1] = '\0';  /* the longest that fits */
	assert_int_equal(blkdev_claim(&disk, 0, 1, long_owner, NULL), 0);
	blkdev_release(&disk, long_owner);
	assert_int_equal(disk.nr_claims, 0);
}

/* ------------------------------------------------------------ counters */

static void test_rw_counters(void **state)
{
	uint8_t a[SECTOR * 2], b[SECTOR];
	struct blk_iov iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

	assert_int_equal(blkdev_rw(&disk, false, 0, iov, 2), 0);
	assert_int_equal(blkdev_rw(&disk, false, 10, iov, 1), 0);
	assert_int_equal(blkdev_rw(&disk, true, 20, iov + 1, 1), 0);
	assert_int_equal(disk.reads, 2);
	assert_int_equal(disk.read_bytes, 5 * SECTOR);
	assert_int_equal(disk.writes, 1);
	assert_int_equal(disk.write_bytes, SECTOR);
	assert_int_equal(disk.errors, 0);
	/* A failed request counts as a call and an error, not as bytes. */
	assert_int_equal(blkdev_rw(&disk, false, DISK_SECTORS, iov, 1), -1);
	assert_int_equal(disk.reads, 3);
	assert_int_equal(disk.read_bytes, 5 * SECTOR);
	assert_int_equal(disk.errors, 1);
}

static void test_backend_failure_counts_error(void **state)
{
	struct blkdev bd;
	uint8_t buf[SECTOR];
	struct blk_iov iov = { buf, sizeof(buf) };

	fake_init(&bd, "fake", false);
	fake_result = -1;
	assert_int_equal(blkdev_rw(&bd, true, 0, &iov, 1), -1);
	assert_int_equal(fake_rw_calls, 1);
	assert_int_equal(bd.writes, 1);
	assert_int_equal(bd.write_bytes, 0);
	assert_int_equal(bd.errors, 1);
	/* Any non-zero result is a failure, reported as -1. */
	fake_result = 5;
	assert_int_equal(blkdev_rw(&bd, false, 0, &iov, 1), -1);
	assert_int_equal(bd.errors, 2);
	assert_int_equal(fake_flush_calls, 0);
	assert_int_equal(blkdev_flush(&bd), -1);
	assert_int_equal(fake_flush_calls, 1);
	assert_int_equal(bd.flushes, 1);
	assert_int_equal(bd.errors, 3);
	fake_result = 0;
	assert_int_equal(blkdev_flush(&bd), 0);
	assert_int_equal(bd.flushes, 2);
	assert_int_equal(bd.errors, 3);
	assert_int_equal(fake_spin_held, 0);
}

static void test_read_only_backend_refuses_writes(void **state)
{
	struct blkdev bd;
	uint8_t buf[SECTOR];
	struct blk_iov iov = { buf, sizeof(buf) };

	fake_init(&bd, "ro", true);
	assert_int_equal(blkdev_rw(&bd, true, 0, &iov, 1), -1);
	assert_int_equal(fake_rw_calls, 0);      /* never reached the backend */
	assert_int_equal(bd.errors, 1);
	assert_int_equal(bd.write_bytes, 0);
	assert_int_equal(blkdev_rw(&bd, false, 0, &iov, 1), 0);
	assert_int_equal(fake_rw_calls, 1);
	assert_int_equal(bd.read_bytes, SECTOR);
	assert_int_equal(blkdev_flush(&bd), 0);  /* flushing writes nothing */
	assert_int_equal(blkdev_discard(&bd, 0, 1), -1);
	assert_int_equal(bd.errors, 2);
}

static void test_flush_without_op_and_discard_without_op(void **state)
{
	struct blkdev bd;

	assert_null(disk.ops->flush);
	assert_int_equal(blkdev_flush(&disk), 0);
	assert_int_equal(disk.flushes, 1);
	assert_int_equal(disk.errors, 0);
	fake_init(&bd, "nodiscard", false);
	assert_int_equal(blkdev_discard(&bd, 0, 1), -1);
	assert_int_equal(bd.discards, 1);
	assert_int_equal(bd.errors, 1);
}

/* ------------------------------------------------------------ ramdisk */

static void test_ramdisk_init_checks_size(void **state)
{
	struct blkdev bd;
	static uint8_t mem[4 * SECTOR];

	assert_int_equal(blk_ramdisk_init(&bd, "r", mem, 0, false, NULL), -1);
	assert_int_equal(blk_ramdisk_init(&bd, "r", mem, 511, false, NULL), -1);
	assert_int_equal(blk_ramdisk_init(&bd, "r", mem, 513, false, NULL), -1);
	assert_int_equal(blk_ramdisk_init(&bd, "r", mem, 3 * SECTOR + 1, false, NULL), -1);
	assert_int_equal(blk_ramdisk_init(&bd, "r", NULL, SECTOR, false, NULL), -1);
	assert_int_equal(blk_ramdisk_init(&bd, NULL, mem, SECTOR, false, NULL), -1);
	assert_int_equal(blk_ramdisk_init(&bd, "r", mem, 4 * SECTOR, true, NULL), 0);
	assert_int_equal(bd.nr_sectors, 4);
	assert_true(bd.read_only);
	assert_string_equal(bd.where, "");
}

static void test_ramdisk_init_fills_blkdev(void **state)
{
	struct blkdev bd;
	static uint8_t mem[2 * SECTOR];
	char long_name[100];

	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(blk_ramdisk_init(&bd, long_name, mem, sizeof(mem), false, "bundle:disk.img"), 0);
	assert_string_equal(bd.kind, "ramdisk");
	assert_int_equal(strlen(bd.name), BLKDEV_NAME_MAX - 1);   /* truncated, terminated */
	assert_string_equal(bd.where, "bundle:disk.img");
	assert_int_equal(bd.nr_sectors, 2);
	assert_false(bd.read_only);
	assert_non_null(bd.ops);
	assert_non_null(bd.ops->rw);
	assert_null(bd.ops->flush);
	assert_non_null(bd.ops->discard);
	assert_ptr_equal(bd.priv, mem);
	assert_int_equal(bd.reads + bd.writes + bd.errors, 0);
	assert_null(blkdev_find(bd.name));       /* the caller registers */
}

static void test_ramdisk_rw_across_iovs(void **state)
{
	uint8_t w1[SECTOR + 100], w2[SECTOR - 100], w3[SECTOR], r[3 * SECTOR];
	struct blk_iov wiov[3] = { { w1, sizeof(w1) }, { w2, sizeof(w2) }, { w3, sizeof(w3) } };
	struct blk_iov riov[1] = { { r, sizeof(r) } };

	for (unsigned i = 0; i < sizeof(w1); i++)
		w1[i] = (uint8_t)i;
	for (unsigned i = 0; i < sizeof(w2); i++)
		w2[i] = (uint8_t)(i + sizeof(w1));
	for (unsigned i = 0; i < sizeof(w3); i++)
		w3[i] = (uint8_t)(i + 2 * SECTOR);
	assert_int_equal(disk.ops->rw(&disk, true, 7, wiov, 3), 0);
	for (unsigned i = 0; i < 3 * SECTOR; i++)
		assert_int_equal(disk_mem[7 * SECTOR + i], (uint8_t)i);
	assert_true(holds_pattern(disk_mem + 6 * SECTOR, 6, SECTOR));
	assert_true(holds_pattern(disk_mem + 10 * SECTOR, 10, SECTOR));

	assert_int_equal(disk.ops->rw(&disk, false, 7, riov, 1), 0);
	for (unsigned i = 0; i < sizeof(r); i++)
		assert_int_equal(r[i], (uint8_t)i);
	/* Reads split unevenly too. */
	assert_int_equal(disk.ops->rw(&disk, false, 20, wiov, 3), 0);
	assert_true(holds_pattern(w1, 20, sizeof(w1)));
	for (unsigned i = 0; i < sizeof(w2); i++)
		assert_int_equal(w2[i], pattern(21, 100 + i));
	assert_true(holds_pattern(w3, 22, sizeof(w3)));
}

static void test_ramdisk_rw_checks_bounds(void **state)
{
	uint8_t buf[2 * SECTOR];
	struct blk_iov iov = { buf, sizeof(buf) };
	struct blk_iov odd = { buf, SECTOR + 1 };
	struct blk_iov null_iov = { NULL, SECTOR };
	struct blk_iov big[2] = { { buf, UINT32_MAX }, { buf, UINT32_MAX } };

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(disk.ops->rw(&disk, true, DISK_SECTORS - 1, &iov, 1), -1);
	assert_int_equal(disk.ops->rw(&disk, true, DISK_SECTORS, &iov, 1), -1);
	assert_int_equal(disk.ops->rw(&disk, true, UINT64_MAX, &iov, 1), -1);
	assert_int_equal(disk.ops->rw(&disk, true, UINT64_MAX / SECTOR + 1, &iov, 1), -1);
	assert_int_equal(disk.ops->rw(&disk, true, 0, &odd, 1), -1);
	assert_int_equal(disk.ops->rw(&disk, true, 0, &null_iov, 1), -1);
	assert_int_equal(disk.ops->rw(&disk, false, 0, big, 2), -1);
	assert_true(holds_pattern(disk_mem, 0, sizeof(disk_mem)));    /* nothing written */
	assert_int_equal(disk.ops->rw(&disk, true, DISK_SECTORS - 2, &iov, 1), 0);
	assert_true(all_bytes(disk_mem + (DISK_SECTORS - 2) * SECTOR, 2 * SECTOR, 0xee));
}

static void test_ramdisk_discard_zeroes_range(void **state)
{
	assert_int_equal(blkdev_discard(&disk, 5, 3), 0);
	assert_true(holds_pattern(disk_mem + 4 * SECTOR, 4, SECTOR));
	assert_true(all_bytes(disk_mem + 5 * SECTOR, 3 * SECTOR, 0));
	assert_true(holds_pattern(disk_mem + 8 * SECTOR, 8, SECTOR));
	assert_int_equal(disk.discards, 1);
	assert_int_equal(blkdev_discard(&disk, DISK_SECTORS - 1, 2), -1);
	assert_int_equal(blkdev_discard(&disk, UINT64_MAX, 2), -1);
	assert_int_equal(blkdev_discard(&disk, 1, UINT64_MAX), -1);
	assert_int_equal(disk.errors, 3);
	assert_true(holds_pattern(disk_mem + 8 * SECTOR, 8, (DISK_SECTORS - 8) * SECTOR));
}

/* ------------------------------------------------------------ virtio-blk reads */

static void test_blk_read_one_sector_split_header(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;
	uint8_t data[SECTOR], status = 0xff;

	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_IN, 9);
	chain_in(&c, data, sizeof(data));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), SECTOR + 1);
	assert_int_equal(status, VIRTIO_BLK_S_OK);
	assert_true(holds_pattern(data, 9, SECTOR));
	assert_int_equal(disk.reads, 1);
	assert_int_equal(disk.read_bytes, SECTOR);
}

static void test_blk_read_many_sectors_odd_segments(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;
	/* 4 sectors over 3 + 1000 + 600 + 445 bytes; the status byte ends the last segment. */
	uint8_t s1[3], s2[1000], s3[600], s4[446];
	uint8_t all[4 * SECTOR];

	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_IN, 30);
	chain_in(&c, s1, sizeof(s1));
	chain_in(&c, s2, sizeof(s2));
	chain_in(&c, s3, sizeof(s3));
	chain_in(&c, s4, sizeof(s4));
	s4[445] = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 4 * SECTOR + 1);
	assert_int_equal(s4[445], VIRTIO_BLK_S_OK);
	memcpy(all, s1, 3);
	memcpy(all + 3, s2, 1000);
	memcpy(all + 1003, s3, 600);
	memcpy(all + 1603, s4, 445);
	assert_true(holds_pattern(all, 30, sizeof(all)));
	assert_int_equal(disk.read_bytes, 4 * SECTOR);
}

static void test_blk_read_skips_empty_segments(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;
	uint8_t a[SECTOR], b[SECTOR], status = 0xff, unused = 0x5a;

	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_IN, 2);
	chain_in(&c, &unused, 0);
	chain_in(&c, a, sizeof(a));
	chain_in(&c, &unused, 0);
	chain_in(&c, b, sizeof(b));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 2 * SECTOR + 1);
	assert_int_equal(status, VIRTIO_BLK_S_OK);
	assert_true(holds_pattern(a, 2, SECTOR));
	assert_true(holds_pattern(b, 3, SECTOR));
	assert_int_equal(unused, 0x5a);
}

static void test_blk_read_is_placed_at_range_start(void **state)
{
	struct vblk_target t = target(100, 50, false);
	struct vq_chain c;
	uint8_t data[2 * SECTOR], status = 0xff;

	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_IN, 0);
	chain_in(&c, data, sizeof(data));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), sizeof(data) + 1);
	assert_int_equal(status, VIRTIO_BLK_S_OK);
	assert_true(holds_pattern(data, 100, sizeof(data)));

	/* The guest's last two sectors are disk sectors 148 and 149. */
	make_hdr(hdr_buf, VIRTIO_BLK_T_IN, 48);
	assert_int_equal(vblk_handle(&t, &c), sizeof(data) + 1);
	assert_int_equal(status, VIRTIO_BLK_S_OK);
	assert_true(holds_pattern(data, 148, sizeof(data)));
}

static void test_blk_read_out_of_range_is_ioerr(void **state)
{
	struct vblk_target t = target(100, 50, false);
	struct vq_chain c;
	uint8_t data[2 * SECTOR], status = 0xff;

	memset(data, 0x77, sizeof(data));
	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_IN, 49);             /* one sector past the range */
	chain_in(&c, data, sizeof(data));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	make_hdr(hdr_buf, VIRTIO_BLK_T_IN, 50);
	status = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	assert_true(all_bytes(data, sizeof(data), 0x77));     /* the disk after the range is not read */
	assert_int_equal(disk.reads, 0);
}

static void test_blk_read_overflowing_sector_is_ioerr(void **state)
{
	struct vblk_target t = target(100, 50, false);
	struct vq_chain c;
	uint8_t data[SECTOR], status;
	const uint64_t bad[] = { UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 99, UINT64_MAX / SECTOR + 1 };

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		chain_reset(&c);
		chain_split_hdr(&c, VIRTIO_BLK_T_IN, bad[i]);
		chain_in(&c, data, sizeof(data));
		chain_in(&c, &status, 1);
		status = 0xff;
		assert_int_equal(vblk_handle(&t, &c), 1);
		assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	}
	assert_int_equal(disk.reads, 0);
}

static void test_blk_read_partial_sector_is_ioerr(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;
	uint8_t data[SECTOR + 1], status = 0xff;

	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_IN, 0);
	chain_in(&c, data, sizeof(data));                     /* 513 data bytes */
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);

	/* Only the status byte: no data at all. */
	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_IN, 0);
	chain_in(&c, &status, 1);
	status = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	assert_int_equal(disk.reads, 0);
}

/* ------------------------------------------------------------ virtio-blk writes */

static void test_blk_write_one_sector_data_mid_segment(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;
	/* The header's last 6 bytes and the whole sector share one segment. */
	uint8_t seg[6 + SECTOR], status = 0xff;

	make_hdr(hdr_buf, VIRTIO_BLK_T_OUT, 12);
	memcpy(seg, hdr_buf + 10, 6);
	memset(seg + 6, 0xc3, SECTOR);
	chain_reset(&c);
	chain_out(&c, hdr_buf, 10);
	chain_out(&c, seg, sizeof(seg));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_OK);
	assert_true(all_bytes(disk_mem + 12 * SECTOR, SECTOR, 0xc3));
	assert_true(holds_pattern(disk_mem + 11 * SECTOR, 11, SECTOR));
	assert_true(holds_pattern(disk_mem + 13 * SECTOR, 13, SECTOR));
	assert_int_equal(disk.writes, 1);
	assert_int_equal(disk.write_bytes, SECTOR);
}

static void test_blk_write_many_sectors_at_range_offset(void **state)
{
	struct vblk_target t = target(100, 50, false);
	struct vq_chain c;
	uint8_t a[16 + 700], b[1], d[3 * SECTOR - 701], status = 0xff;

	make_hdr(a, VIRTIO_BLK_T_OUT, 10);
	for (unsigned i = 0; i < 3 * SECTOR; i++) {
		uint8_t v = (uint8_t)(i * 3 + 1);

		if (i < 700)
			a[16 + i] = v;
		else if (i == 700)
			b[0] = v;
		else
			d[i - 701] = v;
	}
	chain_reset(&c);
	chain_out(&c, a, sizeof(a));
	chain_out(&c, b, sizeof(b));
	chain_out(&c, d, sizeof(d));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_OK);
	for (unsigned i = 0; i < 3 * SECTOR; i++)
		assert_int_equal(disk_mem[110 * SECTOR + i], (uint8_t)(i * 3 + 1));
	assert_true(holds_pattern(disk_mem, 0, 110 * SECTOR));
	assert_true(holds_pattern(disk_mem + 113 * SECTOR, 113, (DISK_SECTORS - 113) * SECTOR));
	assert_int_equal(disk.write_bytes, 3 * SECTOR);
}

static void test_blk_write_out_of_range_is_ioerr(void **state)
{
	struct vblk_target t = target(100, 50, false);
	struct vq_chain c;
	uint8_t data[2 * SECTOR], status;
	const uint64_t bad[] = { 49, 50, 1000, UINT64_MAX, UINT64_MAX - 1 };

	memset(data, 0x11, sizeof(data));
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		chain_reset(&c);
		chain_split_hdr(&c, VIRTIO_BLK_T_OUT, bad[i]);
		chain_out(&c, data, sizeof(data));
		chain_in(&c, &status, 1);
		status = 0xff;
		assert_int_equal(vblk_handle(&t, &c), 1);
		assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	}
	assert_true(holds_pattern(disk_mem, 0, sizeof(disk_mem)));
	assert_int_equal(disk.writes, 0);
}

static void test_blk_write_partial_sector_is_ioerr(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;
	uint8_t data[SECTOR - 1], status = 0xff;

	memset(data, 0x11, sizeof(data));
	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_OUT, 0);
	chain_out(&c, data, sizeof(data));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);

	/* A header and no data. */
	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_OUT, 0);
	chain_in(&c, &status, 1);
	status = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	assert_true(holds_pattern(disk_mem, 0, sizeof(disk_mem)));
	assert_int_equal(disk.writes, 0);
}

static void test_blk_write_read_only_is_ioerr(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, true);
	struct vq_chain c;
	uint8_t data[SECTOR], status = 0xff;

	memset(data, 0x11, sizeof(data));
	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_OUT, 0);
	chain_out(&c, data, sizeof(data));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	assert_int_equal(disk.writes, 0);

	/* A read-only backend refuses too, even if the target forgot to say so. */
	t.read_only = false;
	disk.read_only = true;
	status = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	assert_true(holds_pattern(disk_mem, 0, sizeof(disk_mem)));

	/* Reading a read-only disk is fine. */
	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_IN, 3);
	chain_in(&c, data, sizeof(data));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), SECTOR + 1);
	assert_int_equal(status, VIRTIO_BLK_S_OK);
	assert_true(holds_pattern(data, 3, SECTOR));
}

static void test_blk_backend_failure_is_ioerr(void **state)
{
	struct blkdev bd;
	struct vblk_target t = { .bd = &bd, .start = 0, .count = 1000 };
	struct vq_chain c;
	uint8_t data[SECTOR], status = 0xff;

	fake_init(&bd, "fake", false);
	fake_result = -1;
	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_IN, 0);
	chain_in(&c, data, sizeof(data));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	assert_int_equal(fake_rw_calls, 1);
	assert_int_equal(bd.errors, 1);
}

static void test_blk_target_past_backend_end_is_ioerr(void **state)
{
	/* A target the backend cannot hold (a bug elsewhere) reaches no sector. */
	struct vblk_target t = target(DISK_SECTORS - 1, 10, false);
	struct vq_chain c;
	uint8_t data[SECTOR], status = 0xff;

	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_IN, 0);
	chain_in(&c, data, sizeof(data));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	assert_int_equal(disk.reads, 0);
}

/* ------------------------------------------------------------ virtio-blk other requests */

static void test_blk_flush(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct blkdev bd;
	struct vq_chain c;
	uint8_t status = 0xff;

	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_FLUSH, 0);
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_OK);
	assert_int_equal(disk.flushes, 1);

	fake_init(&bd, "fake", false);
	t.bd = &bd;
	t.count = 1000;
	fake_result = -1;
	status = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	assert_int_equal(fake_flush_calls, 1);
}

static void test_blk_get_id(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;
	uint8_t id[VIRTIO_BLK_ID_BYTES + 5], status = 0xff;
	uint8_t expect[VIRTIO_BLK_ID_BYTES] = "mantle-disk0";

	memset(id, 0xaa, sizeof(id));
	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_GET_ID, 0);
	chain_in(&c, id, 7);
	chain_in(&c, id + 7, sizeof(id) - 7);
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), VIRTIO_BLK_ID_BYTES + 1);
	assert_int_equal(status, VIRTIO_BLK_S_OK);
	assert_memory_equal(id, expect, VIRTIO_BLK_ID_BYTES);
	assert_true(all_bytes(id + VIRTIO_BLK_ID_BYTES, 5, 0xaa));   /* not written past the ID */
}

static void test_blk_get_id_short_buffer(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;
	uint8_t buf[9];

	memset(buf, 0xaa, sizeof(buf));
	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_GET_ID, 0);
	chain_in(&c, buf, sizeof(buf));          /* 8 bytes of ID, then the status */
	assert_int_equal(vblk_handle(&t, &c), 9);
	assert_memory_equal(buf, "mantle-d", 8);
	assert_int_equal(buf[8], VIRTIO_BLK_S_OK);
}

static void put_range(uint8_t *p, uint64_t sector, uint32_t num, uint32_t flags)
{
	struct virtio_blk_discard r = { .sector = sector, .num_sectors = num, .flags = flags };

	memcpy(p, &r, sizeof(r));
}

static void test_blk_discard(void **state)
{
	struct vblk_target t = target(100, 50, false);
	struct vq_chain c;
	uint8_t ranges[16 + 2 * 16], status = 0xff;

	/* Two ranges, the first one split over the header's segment and the next. */
	make_hdr(ranges, VIRTIO_BLK_T_DISCARD, 0);
	put_range(ranges + 16, 2, 3, 0);
	put_range(ranges + 32, 40, 10, 0);       /* to the end of the range */
	chain_reset(&c);
	chain_out(&c, hdr_buf, 0);
	chain_out(&c, ranges, 20);
	chain_out(&c, ranges + 20, 28);
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_OK);
	assert_true(holds_pattern(disk_mem, 0, 102 * SECTOR));
	assert_true(all_bytes(disk_mem + 102 * SECTOR, 3 * SECTOR, 0));
	assert_true(holds_pattern(disk_mem + 105 * SECTOR, 105, 35 * SECTOR));
	assert_true(all_bytes(disk_mem + 140 * SECTOR, 10 * SECTOR, 0));
	assert_true(holds_pattern(disk_mem + 150 * SECTOR, 150, (DISK_SECTORS - 150) * SECTOR));
	assert_int_equal(disk.discards, 2);
}

static void test_blk_discard_unsupported_backend(void **state)
{
	struct blkdev bd;
	struct vblk_target t = { .bd = &bd, .start = 0, .count = 1000 };
	struct vq_chain c;
	uint8_t req[32], status = 0xff;

	fake_init(&bd, "fake", false);
	make_hdr(req, VIRTIO_BLK_T_DISCARD, 0);
	put_range(req + 16, 0, 1, 0);
	chain_reset(&c);
	chain_out(&c, req, sizeof(req));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_UNSUPP);
}

static void test_blk_discard_out_of_range_discards_nothing(void **state)
{
	struct vblk_target t = target(100, 50, false);
	struct vq_chain c;
	uint8_t req[16 + 3 * 16], status;
	const uint64_t bad_sector[] = { 45, 50, UINT64_MAX, UINT64_MAX - 5 };

	for (unsigned i = 0; i < sizeof(bad_sector) / sizeof(bad_sector[0]); i++) {
		make_hdr(req, VIRTIO_BLK_T_DISCARD, 0);
		put_range(req + 16, 0, 5, 0);                    /* valid, but comes first */
		put_range(req + 32, bad_sector[i], 6, 0);
		put_range(req + 48, 10, 1, 0);
		chain_reset(&c);
		chain_out(&c, req, sizeof(req));
		chain_in(&c, &status, 1);
		status = 0xff;
		assert_int_equal(vblk_handle(&t, &c), 1);
		assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	}
	assert_true(holds_pattern(disk_mem, 0, sizeof(disk_mem)));
	assert_int_equal(disk.discards, 0);
}

static void test_blk_discard_refusals(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;
	static uint8_t req[16 + 17 * 16];
	uint8_t status;

	make_hdr(req, VIRTIO_BLK_T_DISCARD, 0);
	for (unsigned i = 0; i < 17; i++)
		put_range(req + 16 + 16 * i, i, 1, 0);

	/* 17 ranges: more than the device allows. */
	chain_reset(&c);
	chain_out(&c, req, sizeof(req));
	chain_in(&c, &status, 1);
	status = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);

	/* A range cut short, and no range at all. */
	c.seg[0].len = 16 + 16 + 8;
	status = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	c.seg[0].len = 16;
	status = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	assert_int_equal(disk.discards, 0);

	/* The unmap flag (or any other) is not supported for discard. */
	put_range(req + 16, 0, 1, 1);
	c.seg[0].len = 32;
	status = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_UNSUPP);

	/* A read-only target. */
	put_range(req + 16, 0, 1, 0);
	t.read_only = true;
	status = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	assert_true(holds_pattern(disk_mem, 0, sizeof(disk_mem)));

	/* 16 ranges are allowed. */
	t.read_only = false;
	c.seg[0].len = 16 + 16 * 16;
	status = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_OK);
	assert_true(all_bytes(disk_mem, 16 * SECTOR, 0));
	assert_true(holds_pattern(disk_mem + 16 * SECTOR, 16, SECTOR));
}

static void test_blk_unknown_type_is_unsupp(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;
	uint8_t data[SECTOR], status;
	const uint32_t types[] = { 2, 3, 5, 7, 13, 0xffffffffu };

	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		chain_reset(&c);
		chain_split_hdr(&c, types[i], 0);
		chain_in(&c, data, sizeof(data));
		chain_in(&c, &status, 1);
		status = 0xff;
		assert_int_equal(vblk_handle(&t, &c), 1);
		assert_int_equal(status, VIRTIO_BLK_S_UNSUPP);
	}
	assert_int_equal(disk.reads + disk.writes + disk.flushes + disk.discards, 0);
}

static void test_blk_short_header_is_ioerr(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;
	uint8_t data[SECTOR], status = 0xff;

	make_hdr(hdr_buf, VIRTIO_BLK_T_IN, 0);
	chain_reset(&c);
	chain_out(&c, hdr_buf, 8);
	chain_out(&c, hdr_buf + 8, 7);           /* 15 bytes */
	chain_in(&c, data, sizeof(data));
	chain_in(&c, &status, 1);
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);

	/* No readable part at all. */
	chain_reset(&c);
	chain_in(&c, &status, 1);
	status = 0xff;
	assert_int_equal(vblk_handle(&t, &c), 1);
	assert_int_equal(status, VIRTIO_BLK_S_IOERR);
	assert_int_equal(disk.reads, 0);
}

static void test_blk_no_writable_byte_returns_zero(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;
	uint8_t data[SECTOR], empty = 0x5a;

	memset(data, 0x11, sizeof(data));
	chain_reset(&c);
	chain_split_hdr(&c, VIRTIO_BLK_T_OUT, 0);
	chain_out(&c, data, sizeof(data));
	assert_int_equal(vblk_handle(&t, &c), 0);
	chain_in(&c, &empty, 0);                 /* a writable segment with no room */
	assert_int_equal(vblk_handle(&t, &c), 0);
	assert_int_equal(empty, 0x5a);
	assert_int_equal(disk.writes, 0);
	assert_true(holds_pattern(disk_mem, 0, sizeof(disk_mem)));
}

static void test_blk_bad_segment_counts_return_zero(void **state)
{
	struct vblk_target t = target(0, DISK_SECTORS, false);
	struct vq_chain c;

	chain_reset(&c);
	c.nr_out = VQ_MAX_SEGS + 1;
	assert_int_equal(vblk_handle(&t, &c), 0);
	c.nr_out = 100;
	c.nr_in = 29;
	assert_int_equal(vblk_handle(&t, &c), 0);
	c.nr_out = 1;
	c.nr_in = UINT32_MAX;
	assert_int_equal(vblk_handle(&t, &c), 0);
}

/* ------------------------------------------------------------ virtio-net */

static void fill_frame(uint8_t *f, size_t len)
{
	for (size_t i = 0; i < len; i++)
		f[i] = (uint8_t)(i * 5 + 2);
}

static void test_net_tx_split_oddly(void **state)
{
	uint8_t pkt[VIRTIO_NET_HDR_BYTES + 60], buf[1514];
	struct vq_chain c;

	memset(pkt, 0x99, VIRTIO_NET_HDR_BYTES);     /* flags and GSO fields are ignored */
	fill_frame(pkt + VIRTIO_NET_HDR_BYTES, 60);
	chain_reset(&c);
	chain_out(&c, pkt, 3);
	chain_out(&c, pkt + 3, 0);
	chain_out(&c, pkt + 3, 10);                  /* the header's end and the frame's first byte */
	chain_out(&c, pkt + 13, 1);
	chain_out(&c, pkt + 14, sizeof(pkt) - 14);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(vnet_tx_frame(&c, buf, sizeof(buf)), 60);
	assert_memory_equal(buf, pkt + VIRTIO_NET_HDR_BYTES, 60);
	assert_int_equal(buf[60], 0);
}

static void test_net_tx_ignores_writable_part(void **state)
{
	uint8_t pkt[VIRTIO_NET_HDR_BYTES + 20], extra[50], buf[100];
	struct vq_chain c;

	memset(pkt, 0, VIRTIO_NET_HDR_BYTES);
	fill_frame(pkt + VIRTIO_NET_HDR_BYTES, 20);
	memset(extra, 0x33, sizeof(extra));
	chain_reset(&c);
	chain_out(&c, pkt, sizeof(pkt));
	chain_in(&c, extra, sizeof(extra));
	assert_int_equal(vnet_tx_frame(&c, buf, sizeof(buf)), 20);
	assert_memory_equal(buf, pkt + VIRTIO_NET_HDR_BYTES, 20);
}

static void test_net_tx_too_short(void **state)
{
	uint8_t pkt[VIRTIO_NET_HDR_BYTES + 1], buf[100];
	struct vq_chain c;

	memset(pkt, 0, sizeof(pkt));
	chain_reset(&c);
	chain_out(&c, pkt, VIRTIO_NET_HDR_BYTES - 1);
	assert_int_equal(vnet_tx_frame(&c, buf, sizeof(buf)), -1);
	c.seg[0].len = VIRTIO_NET_HDR_BYTES;     /* a header and an empty frame */
	assert_int_equal(vnet_tx_frame(&c, buf, sizeof(buf)), -1);
	chain_reset(&c);
	assert_int_equal(vnet_tx_frame(&c, buf, sizeof(buf)), -1);
	/* A header whose frame is only in the writable part is still empty. */
	chain_out(&c, pkt, VIRTIO_NET_HDR_BYTES);
	chain_in(&c, buf, 10);
	assert_int_equal(vnet_tx_frame(&c, buf + 10, 50), -1);
	/* One byte of frame is a frame here; the switch judges its length. */
	chain_reset(&c);
	chain_out(&c, pkt, sizeof(pkt));
	assert_int_equal(vnet_tx_frame(&c, buf, sizeof(buf)), 1);
}

static void test_net_tx_too_long(void **state)
{
	uint8_t pkt[VIRTIO_NET_HDR_BYTES + 100], buf[101];
	struct vq_chain c;

	memset(pkt, 0, VIRTIO_NET_HDR_BYTES);
	fill_frame(pkt + VIRTIO_NET_HDR_BYTES, 100);
	memset(buf, 0x44, sizeof(buf));
	chain_reset(&c);
	chain_out(&c, pkt, 50);
	chain_out(&c, pkt + 50, sizeof(pkt) - 50);
	assert_int_equal(vnet_tx_frame(&c, buf, 99), -1);
	assert_true(all_bytes(buf, sizeof(buf), 0x44));
	assert_int_equal(vnet_tx_frame(&c, buf, 0), -1);
	assert_int_equal(vnet_tx_frame(&c, buf, 100), 100);     /* exactly fits */
	assert_memory_equal(buf, pkt + VIRTIO_NET_HDR_BYTES, 100);
	assert_int_equal(buf[100], 0x44);
}

static void test_net_rx_fill_across_segments(void **state)
{
	uint8_t s1[5], s2[1], s3[30], s4[200], frame[64], all[236];
	struct virtio_net_hdr hdr;
	struct vq_chain c;

	memset(s1, 0xaa, sizeof(s1));
	memset(s2, 0xaa, sizeof(s2));
	memset(s3, 0xaa, sizeof(s3));
	memset(s4, 0xaa, sizeof(s4));
	fill_frame(frame, sizeof(frame));
	chain_reset(&c);
	chain_out(&c, frame, 8);                     /* a readable part is not written */
	chain_in(&c, s1, sizeof(s1));
	chain_in(&c, s2, sizeof(s2));
	chain_in(&c, s3, sizeof(s3));
	chain_in(&c, s4, sizeof(s4));
	assert_int_equal(vnet_rx_fill(&c, frame, sizeof(frame)), VIRTIO_NET_HDR_BYTES + 64);
	memcpy(all, s1, 5);
	memcpy(all + 5, s2, 1);
	memcpy(all + 6, s3, 30);
	memcpy(all + 36, s4, 200);
	memcpy(&hdr, all, sizeof(hdr));
	assert_int_equal(hdr.num_buffers, 1);
	assert_int_equal(hdr.flags, 0);
	assert_int_equal(hdr.gso_type, 0);
	assert_int_equal(hdr.hdr_len, 0);
	assert_int_equal(hdr.gso_size, 0);
	assert_int_equal(hdr.csum_start, 0);
	assert_int_equal(hdr.csum_offset, 0);
	assert_int_equal(all[10], 1);                /* num_buffers, little-endian, at offset 10 */
	assert_int_equal(all[11], 0);
	assert_memory_equal(all + VIRTIO_NET_HDR_BYTES, frame, sizeof(frame));
	assert_true(all_bytes(all + VIRTIO_NET_HDR_BYTES + 64, sizeof(all) - 76, 0xaa));
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(frame[i], (uint8_t)(i * 5 + 2));
}

static void test_net_rx_fill_too_small(void **state)
{
	uint8_t s1[40], s2[36], frame[64];
	struct vq_chain c;

	memset(s1, 0xaa, sizeof(s1));
	memset(s2, 0xaa, sizeof(s2));
	fill_frame(frame, sizeof(frame));
	chain_reset(&c);
	chain_in(&c, s1, sizeof(s1));
	chain_in(&c, s2, 35);                       /* 75 bytes: one short of 12 + 64 */
	assert_int_equal(vnet_rx_fill(&c, frame, sizeof(frame)), -1);
	assert_true(all_bytes(s1, sizeof(s1), 0xaa));
	assert_true(all_bytes(s2, sizeof(s2), 0xaa));
	assert_int_equal(vnet_rx_fill(&c, frame, SIZE_MAX), -1);
	assert_int_equal(vnet_rx_fill(&c, frame, SIZE_MAX - 5), -1);

	/* Smaller than the header alone. */
	chain_reset(&c);
	chain_in(&c, s1, VIRTIO_NET_HDR_BYTES - 1);
	assert_int_equal(vnet_rx_fill(&c, frame, 1), -1);
	chain_reset(&c);
	assert_int_equal(vnet_rx_fill(&c, frame, 1), -1);
	assert_true(all_bytes(s1, sizeof(s1), 0xaa));

	/* Exactly big enough. */
	chain_reset(&c);
	chain_in(&c, s1, sizeof(s1));
	chain_in(&c, s2, 36);
	assert_int_equal(vnet_rx_fill(&c, frame, sizeof(frame)), 76);
	assert_memory_equal(s1 + VIRTIO_NET_HDR_BYTES, frame, sizeof(s1) - VIRTIO_NET_HDR_BYTES);
	assert_memory_equal(s2, frame + 28, 36);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, disk_setup, disk_teardown)
		T(test_register_find_unregister),
		T(test_register_twice_lists_once),
		T(test_register_resets_claims),
		T(test_claim_whole_disk_then_any_overlap_is_refused),
		T(test_claim_ranges_disjoint_and_adjacent),
		T(test_claim_past_end_or_empty_is_refused),
		T(test_claim_overflowing_range_is_refused),
		T(test_claim_same_owner_twice_is_refused),
		T(test_release_then_reclaim),
		T(test_claims_are_bounded),
		T(test_claim_owner_must_fit),
		T(test_rw_counters),
		T(test_backend_failure_counts_error),
		T(test_read_only_backend_refuses_writes),
		T(test_flush_without_op_and_discard_without_op),
		T(test_ramdisk_init_checks_size),
		T(test_ramdisk_init_fills_blkdev),
		T(test_ramdisk_rw_across_iovs),
		T(test_ramdisk_rw_checks_bounds),
		T(test_ramdisk_discard_zeroes_range),
		T(test_blk_read_one_sector_split_header),
		T(test_blk_read_many_sectors_odd_segments),
		T(test_blk_read_skips_empty_segments),
		T(test_blk_read_is_placed_at_range_start),
		T(test_blk_read_out_of_range_is_ioerr),
		T(test_blk_read_overflowing_sector_is_ioerr),
		T(test_blk_read_partial_sector_is_ioerr),
		T(test_blk_write_one_sector_data_mid_segment),
		T(test_blk_write_many_sectors_at_range_offset),
		T(test_blk_write_out_of_range_is_ioerr),
		T(test_blk_write_partial_sector_is_ioerr),
		T(test_blk_write_read_only_is_ioerr),
		T(test_blk_backend_failure_is_ioerr),
		T(test_blk_target_past_backend_end_is_ioerr),
		T(test_blk_flush),
		T(test_blk_get_id),
		T(test_blk_get_id_short_buffer),
		T(test_blk_discard),
		T(test_blk_discard_unsupported_backend),
		T(test_blk_discard_out_of_range_discards_nothing),
		T(test_blk_discard_refusals),
		T(test_blk_unknown_type_is_unsupp),
		T(test_blk_short_header_is_ioerr),
		T(test_blk_no_writable_byte_returns_zero),
		T(test_blk_bad_segment_counts_return_zero),
		T(test_net_tx_split_oddly),
		T(test_net_tx_ignores_writable_part),
		T(test_net_tx_too_short),
		T(test_net_tx_too_long),
		T(test_net_rx_fill_across_segments),
		T(test_net_rx_fill_too_small),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
