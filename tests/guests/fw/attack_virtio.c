/*
 * Attack class "virtio": hostile virtqueues and transport abuse on the
 * DTB's virtio-rng and virtio-blk (virtio.c drives them; queue 0, size 8,
 * INDIRECT_DESC accepted). Malformed chains (loops, descriptors and heads
 * out of range, buffers outside RAM or wrapping the address space, absurd
 * lengths, writable-before-readable, bad indirect tables, more segments
 * than a chain may have), rings outside RAM or misaligned, queue sizes and
 * selectors that do not exist, features never offered, and virtio-blk
 * requests that make no sense. Each must end in DEVICE_NEEDS_RESET, an
 * error status, or a refusal; the device must never use a malformed chain
 * nor write a byte outside the buffers it was given (canaries all around
 * them); a reset must bring it back. Mantle logs each malformed ring.
 */
#include <stdio.h>
#include <string.h>
#include "attack.h"
#include "cpu.h"
#include "dtb.h"
#include "virtio.h"

#define QSIZE          8
#define WAIT_MS        1000
#define QUIET_MS       100	/* how long "nothing happens" is watched */
#define CANARY         0xcc
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTQ_DESC_F_INDIRECT  4u
#define NOTIFY_STORM   500	/* each one lets the backend, then every other vCPU of the CPU, run */
#define TOCTOU_FLIPS   2000
#define SLOW_MS        500	/* a case taking longer says so */

#define BLK_T_IN       0
#define BLK_T_OUT      1
#define BLK_T_GET_ID   8
#define BLK_T_DISCARD  11
#define BLK_SECTORS    128

/* Where the buffers are: inside a canary-filled area. */
#define AREA_BYTES     8192
#define HDR_OFF        256
#define DATA_OFF       1024
#define DATA_BYTES     512
#define STATUS_OFF     2048
#define TABLE_ENTRIES  200	/* > Mantle's 128 segments per chain */

static struct virtq_rings rings __attribute__((aligned(4096)));
static uint8_t area[AREA_BYTES] __attribute__((aligned(4096)));
static struct virtq_desc table[TABLE_ENTRIES] __attribute__((aligned(16)));

enum expect {
	X_RESET,	/* DEVICE_NEEDS_RESET, the chain unused */
	X_ERROR,	/* virtio-blk: a used chain with an error status (or NEEDS_RESET) */
	X_ANY,		/* used within its buffers, refused, or NEEDS_RESET: only the canaries count */
	X_SELF,		/* the case judges itself */
};

struct ctx {
	struct attack_class *c;
	struct virtio_dev dev;
	uint64_t allow_lo, allow_hi;	/* area offsets the device may write */
	enum attack_outcome self;	/* X_SELF's verdict; AO_KINDS: an escape, already counted */
};

struct vcase {
	const char *name;
	uint32_t device;
	enum expect expect;
	int raw;		/* set up by the case itself from a reset device */
	void (*build)(struct ctx *x);
};

static uintptr_t at(unsigned int off)
{
	return (uintptr_t)area + off;
}

static void desc(struct ctx *x, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct virtq_desc *d = &x->dev.rings->desc[i];

	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

/* One writable 64-byte buffer at DATA_OFF: a good rng request, the base of most cases. */
static void good_buffer(struct ctx *x, uint16_t flags, uint16_t next)
{
	desc(x, 0, at(DATA_OFF), 64, VIRTQ_DESC_F_WRITE | flags, next);
	x->allow_lo = DATA_OFF;
	x->allow_hi = DATA_OFF + 64;
}

static void b_self_loop(struct ctx *x) { good_buffer(x, VIRTQ_DESC_F_NEXT, 0); virtio_post(&x->dev, 0); }
static void b_next_oob(struct ctx *x) { good_buffer(x, VIRTQ_DESC_F_NEXT, QSIZE); virtio_post(&x->dev, 0); }
static void b_next_ffff(struct ctx *x) { good_buffer(x, VIRTQ_DESC_F_NEXT, 0xffff); virtio_post(&x->dev, 0); }
static void b_head_oob(struct ctx *x) { good_buffer(x, 0, 0); virtio_post(&x->dev, QSIZE); }
static void b_head_ffff(struct ctx *x) { good_buffer(x, 0, 0); virtio_post(&x->dev, 0xffff); }
static void b_avail_jump(struct ctx *x) { good_buffer(x, 0, 0); virtio_publish(&x->dev, QSIZE + 1); }
static void b_avail_far(struct ctx *x) { good_buffer(x, 0, 0); virtio_publish(&x->dev, 0x8000); }

static void b_ring_loop(struct ctx *x)
{
	for (unsigned int i = 0; i < QSIZE; i++)
		desc(x, i, at(DATA_OFF + 8 * i), 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, (i + 1) % QSIZE);
	x->allow_lo = DATA_OFF;
	x->allow_hi = DATA_OFF + 8 * QSIZE;
	virtio_post(&x->dev, 3);
}

static void one_buffer(struct ctx *x, uint64_t addr, uint32_t len)
{
	desc(x, 0, addr, len, VIRTQ_DESC_F_WRITE, 0);
	virtio_post(&x->dev, 0);
}

static void b_addr_ram_end(struct ctx *x) { one_buffer(x, platform.ram_end, 64); }
static void b_addr_straddle(struct ctx *x) { one_buffer(x, platform.ram_end - 32, 64); }
static void b_addr_zero(struct ctx *x) { one_buffer(x, 0, 64); }
static void b_addr_uart(struct ctx *x) { one_buffer(x, platform.uart, 64); }
static void b_addr_gicd(struct ctx *x) { one_buffer(x, platform.gicd, 64); }
static void b_addr_wrap(struct ctx *x) { one_buffer(x, ~0ULL - 31, 64); }
static void b_addr_ipa_top(struct ctx *x) { one_buffer(x, 1ULL << 39, 64); }
static void b_addr_bit63(struct ctx *x) { one_buffer(x, (1ULL << 63) | at(DATA_OFF), 64); }
static void b_addr_below_ram(struct ctx *x) { one_buffer(x, platform.ram_base - 64, 128); }
static void b_len_huge(struct ctx *x) { one_buffer(x, at(DATA_OFF), 0xffffffffu); }
static void b_len_past_end(struct ctx *x)
{
	one_buffer(x, at(DATA_OFF), (uint32_t)(platform.ram_end - at(DATA_OFF) + 1));
}

static void b_len_zero(struct ctx *x) { one_buffer(x, at(DATA_OFF), 0); }

static void b_addr_channel(struct ctx *x)
{
	uint64_t addr = platform.nr_channels ? platform.channel[0].base : platform.ram_end;

	one_buffer(x, addr, 64);
}

/* A readable buffer after a writable one: the specification forbids it. */
static void b_readable_after_writable(struct ctx *x)
{
	good_buffer(x, VIRTQ_DESC_F_NEXT, 1);
	desc(x, 1, at(HDR_OFF), 16, 0, 0);
	virtio_post(&x->dev, 0);
}

static void indirect(struct ctx *x, uint64_t addr, uint32_t len, uint16_t extra)
{
	desc(x, 0, addr, len, VIRTQ_DESC_F_INDIRECT | extra, 1);
	x->allow_lo = DATA_OFF;		/* what the tables' good entries describe */
	x->allow_hi = DATA_OFF + 64;
	virtio_post(&x->dev, 0);
}

static void table_entry(unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	table[i].addr = addr;
	table[i].len = len;
	table[i].flags = flags;
	table[i].next = next;
}

static void b_ind_outside(struct ctx *x) { indirect(x, platform.ram_end, 16, 0); }
static void b_ind_len_odd(struct ctx *x)
{
	table_entry(0, at(DATA_OFF), 64, VIRTQ_DESC_F_WRITE, 0);
	indirect(x, (uintptr_t)table, 24, 0);
}

static void b_ind_len_zero(struct ctx *x) { indirect(x, (uintptr_t)table, 0, 0); }
static void b_ind_len_huge(struct ctx *x) { indirect(x, (uintptr_t)table, 0xfffffff0u, 0); }
static void b_ind_with_next(struct ctx *x)
{
	table_entry(0, at(DATA_OFF), 64, VIRTQ_DESC_F_WRITE, 0);
	indirect(x, (uintptr_t)table, 16, VIRTQ_DESC_F_NEXT);
}

static void b_ind_nested(struct ctx *x)
{
	table_entry(0, (uintptr_t)table, 32, VIRTQ_DESC_F_INDIRECT, 0);
	table_entry(1, at(DATA_OFF), 64, VIRTQ_DESC_F_WRITE, 0);
	indirect(x, (uintptr_t)table, 32, 0);
}

static void b_ind_loop(struct ctx *x)
{
	table_entry(0, at(DATA_OFF), 32, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	table_entry(1, at(DATA_OFF + 32), 32, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
	indirect(x, (uintptr_t)table, 32, 0);
}

static void b_ind_next_oob(struct ctx *x)
{
	table_entry(0, at(DATA_OFF), 32, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 5);
	table_entry(1, at(DATA_OFF + 32), 32, VIRTQ_DESC_F_WRITE, 0);
	indirect(x, (uintptr_t)table, 32, 0);
}

static void b_ind_buffer_outside(struct ctx *x)
{
	table_entry(0, platform.ram_end - 8, 64, VIRTQ_DESC_F_WRITE, 0);
	indirect(x, (uintptr_t)table, 16, 0);
}

/* More segments than one chain may carry, each a byte of the data buffer. */
static void b_too_many_segments(struct ctx *x)
{
	for (unsigned int i = 0; i < TABLE_ENTRIES; i++)
		table_entry(i, at(DATA_OFF + i), 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1));
	table[TABLE_ENTRIES - 1].flags = VIRTQ_DESC_F_WRITE;
	indirect(x, (uintptr_t)table, TABLE_ENTRIES * 16, 0);
	x->allow_hi = DATA_OFF + TABLE_ENTRIES;
}

/* The table itself straddles RAM's end. */
static void b_ind_table_straddle(struct ctx *x) { indirect(x, platform.ram_end - 16, 64, 0); }

/*
 * Rings the device cannot use: QueueReady = 1 must leave the queue not
 * ready, or set DEVICE_NEEDS_RESET. A queue it takes must never be used.
 */
static void ring_at(struct ctx *x, uint64_t desc_gpa, uint64_t avail_gpa, uint64_t used_gpa, uint32_t num)
{
	struct virtio_dev *d = &x->dev;
	uint32_t ready, status;

	if (virtio_negotiate(d, VIRTIO_FEATURE(VIRTIO_F_VERSION_1))) {
		x->self = AO_HANDLED;
		attack_note(x->c, "set-up refused: %s", d->error);
		return;
	}
	virtio_write(d, VIRTIO_MMIO_QUEUE_SEL, 0);
	virtio_write(d, VIRTIO_MMIO_QUEUE_NUM, num);
	virtio_write(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc_gpa);
	virtio_write(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc_gpa >> 32));
	virtio_write(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail_gpa);
	virtio_write(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail_gpa >> 32));
	virtio_write(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used_gpa);
	virtio_write(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used_gpa >> 32));
	virtio_write(d, VIRTIO_MMIO_QUEUE_READY, 1);
	ready = virtio_read(d, VIRTIO_MMIO_QUEUE_READY);
	status = virtio_status(d);
	if (!ready || (status & VIRTIO_STATUS_NEEDS_RESET)) {
		x->self = AO_ERROR;
		return;
	}
	attack_escape(x->c, "a queue of size %u with rings at 0x%llx/0x%llx/0x%llx was taken (status 0x%x)",
		      (unsigned int)num, (unsigned long long)desc_gpa, (unsigned long long)avail_gpa,
		      (unsigned long long)used_gpa, (unsigned int)status);
	x->self = AO_KINDS;		/* counted by attack_escape already */
}

static void b_ring_outside(struct ctx *x)
{
	ring_at(x, platform.ram_end, (uintptr_t)&rings.avail, (uintptr_t)&rings.used, QSIZE);
}

static void b_ring_straddle(struct ctx *x)
{
	ring_at(x, platform.ram_end - 64, (uintptr_t)&rings.avail, (uintptr_t)&rings.used, QSIZE);
}

static void b_ring_misaligned(struct ctx *x)
{
	ring_at(x, (uintptr_t)rings.desc + 8, (uintptr_t)&rings.avail + 1, (uintptr_t)&rings.used + 2, QSIZE);
}

static void b_used_in_device(struct ctx *x)
{
	ring_at(x, (uintptr_t)rings.desc, (uintptr_t)&rings.avail, platform.uart, QSIZE);
}

static void b_used_high(struct ctx *x)
{
	ring_at(x, (uintptr_t)rings.desc, (uintptr_t)&rings.avail, 0xfffffffffffff000ULL, QSIZE);
}

static void b_num_bad(struct ctx *x)
{
	static const uint32_t sizes[] = { 3, 0, 0x10000, 0xffffffffu, 1024, 65535 };
	enum attack_outcome worst = AO_ERROR;

	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ring_at(x, (uintptr_t)rings.desc, (uintptr_t)&rings.avail, (uintptr_t)&rings.used, sizes[i]);
		if (x->self == AO_KINDS)
			worst = AO_KINDS;
		virtio_reset(&x->dev);
	}
	x->self = worst;
}

/* A queue selector past the last queue: nothing there, nothing changes. */
static void b_queue_sel_oob(struct ctx *x)
{
	static const uint32_t sels[] = { 1, 7, 0xffff, 0xffffffffu };
	struct virtio_dev *d = &x->dev;

	x->self = AO_HANDLED;
	for (unsigned int i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
		virtio_write(d, VIRTIO_MMIO_QUEUE_SEL, sels[i]);
		virtio_write(d, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
		virtio_write(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)platform.ram_end);
		virtio_write(d, VIRTIO_MMIO_QUEUE_READY, 1);
		if (virtio_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX) || virtio_read(d, VIRTIO_MMIO_QUEUE_READY)) {
			attack_escape(x->c, "queue %u (which does not exist) reads NumMax %u, Ready %u", sels[i],
				      (unsigned int)virtio_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX),
				      (unsigned int)virtio_read(d, VIRTIO_MMIO_QUEUE_READY));
			x->self = AO_KINDS;
		}
		virtio_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, sels[i]);
	}
	virtio_write(d, VIRTIO_MMIO_QUEUE_SEL, 0);
	if (virtio_status(d) & VIRTIO_STATUS_NEEDS_RESET)
		attack_note(x->c, "queue selectors past the last broke queue 0");
}

/* Features the device never offered, or none of the required VERSION_1: FEATURES_OK refused. */
static void features(struct ctx *x, uint32_t lo, uint32_t hi)
{
	struct virtio_dev *d = &x->dev;
	uint32_t status;

	virtio_reset(d);
	virtio_write(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES, lo);
	virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES, hi);
	virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0x12345);
	virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffffu);
	virtio_write(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	status = virtio_status(d);
	if (status & (VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK)) {
		attack_escape(x->c, "features 0x%08x%08x accepted (status 0x%x)", (unsigned int)hi,
			      (unsigned int)lo, (unsigned int)status);
		x->self = AO_KINDS;
	} else {
		x->self = AO_ERROR;
	}
}

static void b_features_unoffered(struct ctx *x) { features(x, 0, 1u << 31 | 1u << 0); }
static void b_features_no_v1(struct ctx *x) { features(x, 1u << VIRTIO_F_INDIRECT_DESC, 0); }
static void b_features_all(struct ctx *x) { features(x, 0xffffffffu, 0xffffffffu); }

/* DRIVER_OK without FEATURES_OK, then bits cleared by a status write: both ignored. */
static void b_status_games(struct ctx *x)
{
	struct virtio_dev *d = &x->dev;
	uint32_t status;

	virtio_reset(d);
	virtio_write(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER_OK);
	status = virtio_status(d);
	x->self = AO_ERROR;
	if (status & VIRTIO_STATUS_DRIVER_OK) {
		attack_escape(x->c, "DRIVER_OK taken without FEATURES_OK (status 0x%x)", (unsigned int)status);
		x->self = AO_KINDS;
	}
	virtio_write(d, VIRTIO_MMIO_STATUS, 0xffffff00u | VIRTIO_STATUS_NEEDS_RESET);
}

/* QueueNotify as fast as it goes with nothing new, and for queues that do not exist. */
static void b_notify_storm(struct ctx *x)
{
	for (unsigned int i = 0; i < NOTIFY_STORM; i++)
		virtio_write(&x->dev, VIRTIO_MMIO_QUEUE_NOTIFY, i % 4 == 3 ? (uint32_t)attack_rand(x->c) : 0);
	x->self = virtio_status(&x->dev) & VIRTIO_STATUS_NEEDS_RESET ? AO_ERROR : AO_HANDLED;
	if (virtio_used_idx(&x->dev))
		attack_note(x->c, "notifies with nothing available moved used->idx to %u",
			    virtio_used_idx(&x->dev));
}

/* The buffer's address flips between good and outside RAM while the device may be reading it. */
static void b_toctou(struct ctx *x)
{
	volatile struct virtq_desc *d = &x->dev.rings->desc[0];

	good_buffer(x, 0, 0);
	virtio_post(&x->dev, 0);
	for (unsigned int i = 0; i < TOCTOU_FLIPS; i++) {
		d->addr = i & 1 ? at(DATA_OFF) : platform.ram_end;
		d->len = i & 2 ? 64 : 0xfffffff0u;
	}
	d->addr = at(DATA_OFF);
	d->len = 64;
}

/* ---- virtio-blk requests ---- */

struct blk_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

/* Builds a request on descriptors 0..; posts it unless the case still has to spoil it. */
static void blk_build(struct ctx *x, uint32_t type, uint64_t sector, uint32_t data_len, int hdr_writable,
		      int with_status, int post)
{
	struct blk_hdr *h = (struct blk_hdr *)at(HDR_OFF);
	unsigned int n = 0;

	h->type = type;
	h->reserved = 0;
	h->sector = sector;
	desc(x, n, at(HDR_OFF), sizeof(*h), (hdr_writable ? VIRTQ_DESC_F_WRITE : 0) | VIRTQ_DESC_F_NEXT,
	     (uint16_t)(n + 1));
	n++;
	if (data_len) {
		desc(x, n, at(DATA_OFF), data_len, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, (uint16_t)(n + 1));
		n++;
	}
	if (with_status) {
		desc(x, n, at(STATUS_OFF), 1, VIRTQ_DESC_F_WRITE, 0);
		n++;
	}
	x->dev.rings->desc[n - 1].flags &= (uint16_t)~VIRTQ_DESC_F_NEXT;
	x->allow_lo = hdr_writable ? HDR_OFF : DATA_OFF;
	x->allow_hi = STATUS_OFF + 1;
	area[STATUS_OFF] = 0xff;
	if (post)
		virtio_post(&x->dev, 0);
}

static void blk_request(struct ctx *x, uint32_t type, uint64_t sector, uint32_t data_len, int hdr_writable,
			int with_status)
{
	blk_build(x, type, sector, data_len, hdr_writable, with_status, 1);
}

static void b_blk_unknown_type(struct ctx *x) { blk_request(x, 0x12345, 0, 512, 0, 1); }
static void b_blk_sector_huge(struct ctx *x) { blk_request(x, BLK_T_IN, 1ULL << 63, 512, 0, 1); }
static void b_blk_sector_wrap(struct ctx *x) { blk_request(x, BLK_T_IN, ~0ULL, 512, 0, 1); }
static void b_blk_past_end(struct ctx *x) { blk_request(x, BLK_T_IN, BLK_SECTORS - 1, 1024, 0, 1); }
static void b_blk_odd_len(struct ctx *x) { blk_request(x, BLK_T_IN, 0, 100, 0, 1); }
static void b_blk_hdr_writable(struct ctx *x) { blk_request(x, BLK_T_IN, 0, 512, 1, 1); }
static void b_blk_no_status(struct ctx *x) { blk_request(x, BLK_T_IN, 0, 0, 0, 0); }
static void b_blk_get_id_tiny(struct ctx *x) { blk_request(x, BLK_T_GET_ID, 0, 0, 0, 1); }

static void b_blk_short_header(struct ctx *x)
{
	blk_build(x, BLK_T_IN, 0, 512, 0, 1, 0);
	x->dev.rings->desc[0].len = 8;
	virtio_post(&x->dev, 0);
}

static void b_blk_discard_bogus(struct ctx *x)
{
	uint64_t *range = (uint64_t *)at(HDR_OFF + 16);
	struct blk_hdr *h = (struct blk_hdr *)at(HDR_OFF);

	h->type = BLK_T_DISCARD;
	h->reserved = 0;
	h->sector = 0;
	range[0] = ~0ULL - 4;		/* sector */
	range[1] = 0xffffffffULL << 32 | 0;	/* num_sectors 0xffffffff, flags 0 */
	desc(x, 0, at(HDR_OFF), 32, VIRTQ_DESC_F_NEXT, 1);
	desc(x, 1, at(STATUS_OFF), 1, VIRTQ_DESC_F_WRITE, 0);
	x->allow_lo = STATUS_OFF;
	x->allow_hi = STATUS_OFF + 1;
	area[STATUS_OFF] = 0xff;
	virtio_post(&x->dev, 0);
}

static const struct vcase cases[] = {
	{ "self loop", VIRTIO_ID_RNG, X_RESET, 0, b_self_loop },
	{ "loop through the whole table", VIRTIO_ID_RNG, X_RESET, 0, b_ring_loop },
	{ "next = queue size", VIRTIO_ID_RNG, X_RESET, 0, b_next_oob },
	{ "next = 0xffff", VIRTIO_ID_RNG, X_RESET, 0, b_next_ffff },
	{ "head = queue size", VIRTIO_ID_RNG, X_RESET, 0, b_head_oob },
	{ "head = 0xffff", VIRTIO_ID_RNG, X_RESET, 0, b_head_ffff },
	{ "avail idx one queue ahead", VIRTIO_ID_RNG, X_RESET, 0, b_avail_jump },
	{ "avail idx 0x8000", VIRTIO_ID_RNG, X_RESET, 0, b_avail_far },
	{ "buffer at RAM's end", VIRTIO_ID_RNG, X_RESET, 0, b_addr_ram_end },
	{ "buffer straddling RAM's end", VIRTIO_ID_RNG, X_RESET, 0, b_addr_straddle },
	{ "buffer straddling RAM's start", VIRTIO_ID_RNG, X_RESET, 0, b_addr_below_ram },
	{ "buffer at 0", VIRTIO_ID_RNG, X_RESET, 0, b_addr_zero },
	{ "buffer on the UART", VIRTIO_ID_RNG, X_RESET, 0, b_addr_uart },
	{ "buffer on the GIC", VIRTIO_ID_RNG, X_RESET, 0, b_addr_gicd },
	{ "buffer wrapping 2^64", VIRTIO_ID_RNG, X_RESET, 0, b_addr_wrap },
	{ "buffer at 2^39", VIRTIO_ID_RNG, X_RESET, 0, b_addr_ipa_top },
	{ "buffer with bit 63 set", VIRTIO_ID_RNG, X_RESET, 0, b_addr_bit63 },
	{ "buffer in channel memory", VIRTIO_ID_RNG, X_ANY, 0, b_addr_channel },
	{ "length 0xffffffff", VIRTIO_ID_RNG, X_RESET, 0, b_len_huge },
	{ "length one past RAM", VIRTIO_ID_RNG, X_RESET, 0, b_len_past_end },
	{ "length 0", VIRTIO_ID_RNG, X_ANY, 0, b_len_zero },
	{ "readable after writable", VIRTIO_ID_RNG, X_RESET, 0, b_readable_after_writable },
	{ "indirect table outside RAM", VIRTIO_ID_RNG, X_RESET, 0, b_ind_outside },
	{ "indirect table of 24 bytes", VIRTIO_ID_RNG, X_RESET, 0, b_ind_len_odd },
	{ "indirect table of 0 bytes", VIRTIO_ID_RNG, X_RESET, 0, b_ind_len_zero },
	{ "indirect table of 4 GiB", VIRTIO_ID_RNG, X_RESET, 0, b_ind_len_huge },
	{ "indirect with NEXT", VIRTIO_ID_RNG, X_RESET, 0, b_ind_with_next },
	{ "indirect in indirect", VIRTIO_ID_RNG, X_RESET, 0, b_ind_nested },
	{ "loop in an indirect table", VIRTIO_ID_RNG, X_RESET, 0, b_ind_loop },
	{ "next past an indirect table", VIRTIO_ID_RNG, X_RESET, 0, b_ind_next_oob },
	{ "indirect buffer straddling RAM's end", VIRTIO_ID_RNG, X_RESET, 0, b_ind_buffer_outside },
	{ "indirect table straddling RAM's end", VIRTIO_ID_RNG, X_RESET, 0, b_ind_table_straddle },
	{ "200 segments in one chain", VIRTIO_ID_RNG, X_RESET, 0, b_too_many_segments },
	{ "changing a buffer while posted", VIRTIO_ID_RNG, X_ANY, 0, b_toctou },
	{ "notify storm", VIRTIO_ID_RNG, X_SELF, 0, b_notify_storm },
	{ "queue selectors past the last", VIRTIO_ID_RNG, X_SELF, 0, b_queue_sel_oob },
	{ "descriptor table outside RAM", VIRTIO_ID_RNG, X_SELF, 1, b_ring_outside },
	{ "descriptor table straddling RAM's end", VIRTIO_ID_RNG, X_SELF, 1, b_ring_straddle },
	{ "misaligned rings", VIRTIO_ID_RNG, X_SELF, 1, b_ring_misaligned },
	{ "used ring on the UART", VIRTIO_ID_RNG, X_SELF, 1, b_used_in_device },
	{ "used ring at the top of the address space", VIRTIO_ID_RNG, X_SELF, 1, b_used_high },
	{ "queue sizes that cannot be", VIRTIO_ID_RNG, X_SELF, 1, b_num_bad },
	{ "features never offered", VIRTIO_ID_RNG, X_SELF, 1, b_features_unoffered },
	{ "features without VERSION_1", VIRTIO_ID_RNG, X_SELF, 1, b_features_no_v1 },
	{ "every feature bit", VIRTIO_ID_BLOCK, X_SELF, 1, b_features_all },
	{ "DRIVER_OK before FEATURES_OK", VIRTIO_ID_BLOCK, X_SELF, 1, b_status_games },
	{ "blk: unknown request type", VIRTIO_ID_BLOCK, X_ERROR, 0, b_blk_unknown_type },
	{ "blk: sector 2^63", VIRTIO_ID_BLOCK, X_ERROR, 0, b_blk_sector_huge },
	{ "blk: sector 2^64 - 1", VIRTIO_ID_BLOCK, X_ERROR, 0, b_blk_sector_wrap },
	{ "blk: read past the last sector", VIRTIO_ID_BLOCK, X_ERROR, 0, b_blk_past_end },
	{ "blk: read of 100 bytes", VIRTIO_ID_BLOCK, X_ERROR, 0, b_blk_odd_len },
	{ "blk: header in a writable buffer", VIRTIO_ID_BLOCK, X_ERROR, 0, b_blk_hdr_writable },
	{ "blk: header of 8 bytes", VIRTIO_ID_BLOCK, X_ERROR, 0, b_blk_short_header },
	{ "blk: no status byte", VIRTIO_ID_BLOCK, X_ANY, 0, b_blk_no_status },
	{ "blk: GET_ID into the status byte alone", VIRTIO_ID_BLOCK, X_ANY, 0, b_blk_get_id_tiny },
	{ "blk: discard of 4 billion sectors at 2^64 - 5", VIRTIO_ID_BLOCK, X_ERROR, 0, b_blk_discard_bogus },
};

/* Bytes of the area outside [lo, hi) that are no longer canaries: the device wrote where it must not. */
static int canaries_hold(struct ctx *x, const char *name)
{
	for (unsigned int i = 0; i < AREA_BYTES; i++) {
		if (i >= x->allow_lo && i < x->allow_hi)
			continue;
		if (area[i] != CANARY && !(i >= HDR_OFF && i < HDR_OFF + 32)) {
			attack_escape(x->c, "%s: the device wrote 0x%02x at offset %u, outside its buffers", name,
				      area[i], i);
			return 0;
		}
	}
	return 1;
}

/* Waits for the device's verdict on a posted chain: 1 used (elem set), 0 NEEDS_RESET, -1 nothing. */
static int verdict(struct ctx *x, unsigned int ms, struct virtq_used_elem *elem)
{
	uint64_t deadline = counter_deadline_ms(ms);

	for (;;) {
		if (virtio_used_idx(&x->dev) != x->dev.used_seen)
			return virtio_wait_used(&x->dev, 0, elem) == 0 ? 1 : -1;
		if (virtio_status(&x->dev) & VIRTIO_STATUS_NEEDS_RESET)
			return 0;
		if (counter_now() >= deadline)
			return -1;
	}
}

static void judge(struct ctx *x, const struct vcase *k)
{
	struct virtq_used_elem e = { 0, 0 };
	int v;

	if (k->expect == X_SELF) {
		if (x->self < AO_KINDS)		/* AO_KINDS: an escape, counted when it was reported */
			attack_count(x->c, x->self);
		return;
	}
	v = verdict(x, k->expect == X_ANY ? QUIET_MS : WAIT_MS, &e);
	if (!canaries_hold(x, k->name))
		return;
	switch (k->expect) {
	case X_RESET:
		if (v == 1)
			attack_escape(x->c, "%s: the device used it (id %u, len %u)", k->name, (unsigned int)e.id,
				      (unsigned int)e.len);
		else if (v < 0)
			attack_note(x->c, "%s: no DEVICE_NEEDS_RESET within %u ms", k->name, WAIT_MS);
		if (v <= 0)
			attack_count(x->c, AO_ERROR);
		break;
	case X_ERROR:
		if (v == 1 && (area[STATUS_OFF] == 1 || area[STATUS_OFF] == 2))
			attack_count(x->c, AO_ERROR);
		else if (v == 0)
			attack_count(x->c, AO_ERROR);
		else if (v == 1)
			attack_escape(x->c, "%s: served with status %u (len %u)", k->name, area[STATUS_OFF],
				      (unsigned int)e.len);
		else
			attack_note(x->c, "%s: no answer within %u ms", k->name, WAIT_MS);
		break;
	default:
		if (v == 1 && e.len > x->allow_hi - x->allow_lo)
			attack_escape(x->c, "%s: used length %u, more than the %llu bytes given", k->name,
				      (unsigned int)e.len, (unsigned long long)(x->allow_hi - x->allow_lo));
		else
			attack_count(x->c, v == 1 ? AO_HANDLED : AO_ERROR);
		break;
	}
}

/* The device still works after it all: an rng read, a blk read of sector 0. */
static void still_works(struct attack_class *c, uint32_t id)
{
	struct ctx x = { .c = c };
	struct virtq_used_elem e;

	if (virtio_find(&x.dev, id, &rings) ||
	    virtio_init(&x.dev, VIRTIO_FEATURE(VIRTIO_F_VERSION_1), QSIZE)) {
		attack_note(c, "device %u cannot be set up after the attack: %s", (unsigned int)id,
			    x.dev.error);
		return;
	}
	if (id == VIRTIO_ID_RNG) {
		good_buffer(&x, 0, 0);
		virtio_post(&x.dev, 0);
	} else {
		blk_request(&x, BLK_T_IN, 0, 512, 0, 1);
	}
	if (virtio_wait_used(&x.dev, WAIT_MS, &e) || (id == VIRTIO_ID_BLOCK && area[STATUS_OFF] != 0))
		attack_note(c, "device %u no longer serves a good request: %s", (unsigned int)id, x.dev.error);
	else
		attack_count(c, AO_HANDLED);
	virtio_reset(&x.dev);
}

void attack_virtio(struct attack_class *c)
{
	uint64_t want = VIRTIO_FEATURE(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC);

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct vcase *k = &cases[i];
		struct ctx x = { .c = c, .allow_lo = 0, .allow_hi = 0, .self = AO_HANDLED };
		uint64_t start;

		if (virtio_find(&x.dev, k->device, &rings)) {
			attack_note(c, "%s: no device %u in the DTB", k->name, (unsigned int)k->device);
			continue;
		}
		memset(area, CANARY, sizeof(area));
		memset(table, 0, sizeof(table));
		if (k->raw) {
			virtio_reset(&x.dev);
		} else if (virtio_init(&x.dev, want, QSIZE)) {
			attack_note(c, "%s: set-up failed: %s", k->name, x.dev.error);
			virtio_reset(&x.dev);
			continue;
		}
		start = time_ms();
		k->build(&x);
		judge(&x, k);
		if (time_ms() - start > SLOW_MS)
			printf("fw: attack: virtio: %s took %llu ms\n", k->name,
			       (unsigned long long)(time_ms() - start));
		if (virtio_reset(&x.dev))
			attack_note(c, "%s: the reset after it failed: %s", k->name, x.dev.error);
	}
	still_works(c, VIRTIO_ID_RNG);
	still_works(c, VIRTIO_ID_BLOCK);
}
