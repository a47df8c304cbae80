/*
 * Fuzzes the split-virtqueue walker (emulators/virtio/virtqueue.c) with a
 * hostile driver: the guest RAM image (descriptors, indirect tables, rings),
 * the queue layout, and a sequence of driver moves (publishing avail
 * indexes, rewriting memory, racing the walker) between device steps.
 * Guest RAM is poisoned except where the walker mapped it (guest_ram.h), so
 * a touch outside what it checked is an ASan report.
 *
 * Input: flags, queue size, the three ring offsets, the RAM image length and
 * image, then operations until the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "virtio/virtqueue.h"
#include "guest_ram.h"
#include "fuzz.h"

enum op {
	OP_POP, OP_PUSH, OP_SHOULD_INTERRUPT, OP_ENABLE_NOTIFY, OP_DISABLE_NOTIFY, OP_HAS_AVAIL,
	OP_PUBLISH, OP_GUEST_WRITE, OP_RACE, OP_REINIT, NR_OPS,
};

#define FLAG_EVENT_IDX 1
#define FLAG_INDIRECT  2
#define FLAG_RAW_NUM   4          /* any 16-bit size, not only powers of two */
#define FLAG_RAW_GPA   8          /* ring addresses anywhere in the 64-bit space */

static struct virtqueue vq;
static struct vq_chain chain;
static uint64_t desc_gpa, avail_gpa, used_gpa;
static uint16_t num;
static bool event_idx, indirect;

/* The heads popped and not yet pushed, so pushes are mostly of real ones. */
static uint16_t popped[64];
static unsigned nr_popped;

static void init_queue(void)
{
	vq_reset(&vq);
	vq.num = num;
	vq.desc_gpa = desc_gpa;
	vq.avail_gpa = avail_gpa;
	vq.used_gpa = used_gpa;
	vq.event_idx = event_idx;
	vq.indirect = indirect;
	guest_ram_forget_maps();
	nr_popped = 0;
	if (vq_init(&vq, &guest_ram_view) == 0) {
		FUZZ_CHECK(vq.ready && !vq.broken && vq.num == num);
		FUZZ_CHECK(num && (num & (num - 1)) == 0 && num <= VIRTQ_MAX_SIZE);
		FUZZ_CHECK(guest_ram_contains(vq.desc, VIRTQ_DESC_BYTES(num)) &&
			   guest_ram_contains(vq.avail, VIRTQ_AVAIL_BYTES(num)) &&
			   guest_ram_contains(vq.used, VIRTQ_USED_BYTES(num)));
	} else {
		FUZZ_CHECK(!vq.ready);
	}
}

/* A chain hands the device only mapped guest memory, readable parts first, within the limits. */
static void check_chain(const struct vq_chain *c)
{
	uint64_t out = 0, in = 0;

	FUZZ_CHECK(c->head < num);
	FUZZ_CHECK(c->nr_out <= VQ_MAX_SEGS && c->nr_in <= VQ_MAX_SEGS - c->nr_out);
	for (unsigned i = 0; i < c->nr_out + c->nr_in; i++) {
		FUZZ_CHECK(c->seg[i].len > 0 && guest_ram_contains(c->seg[i].ptr, c->seg[i].len));
		if (i < c->nr_out)
			out += c->seg[i].len;
		else
			in += c->seg[i].len;
	}
	FUZZ_CHECK(out == c->out_bytes && in == c->in_bytes);
}

/* What a copy of len bytes from off may move in a part of part_bytes: up to its end. */
static uint64_t copy_len(uint64_t off, uint64_t len, uint64_t part_bytes)
{
	if (off >= part_bytes)
		return 0;
	return len < part_bytes - off ? len : part_bytes - off;
}

/* Copy in and out of the chain as a device would, into buffers of exactly the asked length. */
static void use_chain(struct fuzz_input *in, const struct vq_chain *c)
{
	uint64_t off = fuzz_u16(in), len = fuzz_u16(in) % 4096;
	uint8_t *buf = malloc(len ? len : 1);
	uint64_t n;

	FUZZ_CHECK(buf);
	memset(buf, 0x5a, len);
	n = vq_chain_read(c, off, buf, len);
	FUZZ_CHECK(n == copy_len(off, len, c->out_bytes));
	n = vq_chain_write(c, off, buf, len);
	FUZZ_CHECK(n == copy_len(off, len, c->in_bytes));
	free(buf);
}

static void pop(struct fuzz_input *in)
{
	bool was_broken = vq.broken;
	uint16_t last = vq.last_avail;
	int r;

	memset(&chain, 0xa5, sizeof(chain));
	r = vq_pop(&vq, &guest_ram_view, &chain);
	FUZZ_CHECK(r >= -1 && r <= 1);
	if (was_broken)
		FUZZ_CHECK(r == -1 || !vq.ready);
	if (r < 0) {
		FUZZ_CHECK(vq.broken && !vq_has_avail(&vq));
		return;
	}
	if (r == 0) {
		FUZZ_CHECK(vq.last_avail == last);
		return;
	}
	FUZZ_CHECK(vq.ready && vq.last_avail == (uint16_t)(last + 1));
	check_chain(&chain);
	use_chain(in, &chain);
	if (nr_popped < sizeof(popped) / sizeof(popped[0]))
		popped[nr_popped++] = chain.head;
}

static void push(struct fuzz_input *in)
{
	uint8_t pick = fuzz_u8(in);
	uint32_t written = fuzz_u32(in);
	uint16_t head, used_before = vq.used_idx;

	if (nr_popped && pick < 0xf0) {
		unsigned i = pick % nr_popped;

		head = popped[i];
		popped[i] = popped[--nr_popped];
	} else {
		head = fuzz_u16(in);
	}
	if (vq_push(&vq, head, written) == 0)
		FUZZ_CHECK(vq.ready && head < vq.num && vq.used_idx == (uint16_t)(used_before + 1));
	else
		FUZZ_CHECK(vq.used_idx == used_before);
}

static void step(struct fuzz_input *in)
{
	uint64_t off, val;
	unsigned bytes;

	switch (fuzz_u8(in) % NR_OPS) {
	case OP_POP:
		pop(in);
		break;
	case OP_PUSH:
		push(in);
		break;
	case OP_SHOULD_INTERRUPT:
		vq_should_interrupt(&vq);
		break;
	case OP_ENABLE_NOTIFY:
		vq_enable_notify(&vq);
		break;
	case OP_DISABLE_NOTIFY:
		vq_disable_notify(&vq);
		break;
	case OP_HAS_AVAIL:
		if (vq_has_avail(&vq))
			FUZZ_CHECK(vq.ready && !vq.broken);
		break;
	case OP_PUBLISH:
		/* The driver offers a head in the next ring slot and bumps avail->idx. */
		if (avail_gpa >= GUEST_RAM_BASE && num) {
			off = avail_gpa - GUEST_RAM_BASE;
			val = guest_ram_read(off + 2, 2);
			guest_ram_write(off + 4 + 2 * (val & (num - 1u)), fuzz_u16(in), 2);
			guest_ram_write(off + 2, val + 1 + fuzz_u8(in) % 2, 2);
		}
		break;
	case OP_GUEST_WRITE:
		off = fuzz_u16(in);
		bytes = 1u << (fuzz_u8(in) & 3);
		guest_ram_write(off, fuzz_u64(in), bytes);
		break;
	case OP_RACE:
		off = fuzz_u16(in);
		bytes = 1u << (fuzz_u8(in) & 3);
		guest_ram_arm_race(off, fuzz_u64(in), bytes);
		break;
	case OP_REINIT:
		init_queue();
		break;
	}
}

static uint64_t ring_gpa(struct fuzz_input *in, bool raw)
{
	return raw ? fuzz_u64(in) : GUEST_RAM_BASE + fuzz_u16(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = fuzz_input(data, size);
	uint8_t flags = fuzz_u8(&in);
	uint16_t image_len;

	event_idx = flags & FLAG_EVENT_IDX;
	indirect = flags & FLAG_INDIRECT;
	num = (flags & FLAG_RAW_NUM) ? fuzz_u16(&in) : (uint16_t)(1u << (fuzz_u8(&in) % 11));
	desc_gpa = ring_gpa(&in, flags & FLAG_RAW_GPA);
	avail_gpa = ring_gpa(&in, flags & FLAG_RAW_GPA);
	used_gpa = ring_gpa(&in, flags & FLAG_RAW_GPA);
	image_len = fuzz_u16(&in);
	if (image_len > in.left)
		image_len = (uint16_t)in.left;
	guest_ram_init(in.data, image_len);
	in.data += image_len;
	in.left -= image_len;

	init_queue();
	while (!fuzz_done(&in))
		step(&in);
	guest_ram_free();
	return 0;
}
