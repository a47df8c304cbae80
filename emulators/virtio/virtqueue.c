/*
 * The device side of a virtio 1.x split virtqueue. The rings live in guest
 * memory that the guest may rewrite at any moment, so every guest-written
 * word is loaded exactly once into a local and only the local is checked and
 * used; the guest can make us see nonsense, but never make us act on a value
 * other than the one we checked.
 */
#include <stddef.h>
#include <string.h>
#include "virtqueue.h"

#define DESC_BYTES 16u

/* Host address of a ring, or NULL unless it is wholly in guest RAM and keeps its alignment. */
static void *ring_map(const struct vq_memview *mem, uint64_t gpa, uint64_t len, uint64_t align)
{
	void *p;

	if ((gpa & (align - 1)) != 0 || gpa > UINT64_MAX - len)
		return NULL;
	p = mem->map(mem->ctx, gpa, len);
	/* The ring words are accessed as naturally aligned integers; a mapping must not break that. */
	if (p != NULL && ((uintptr_t)p & (align - 1)) != 0)
		return NULL;
	return p;
}

void vq_reset(struct virtqueue *vq)
{
	/* Configuration goes too: the driver writes it again before the next QueueReady. */
	memset(vq, 0, sizeof(*vq));
}

int vq_init(struct virtqueue *vq, const struct vq_memview *mem)
{
	uint16_t num = vq->num;

	vq->ready = false;
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	if (num == 0 || num > VIRTQ_MAX_SIZE || (num & (num - 1)) != 0)
		return -1;

	vq->desc = ring_map(mem, vq->desc_gpa, VIRTQ_DESC_BYTES(num), 16);
	vq->avail = ring_map(mem, vq->avail_gpa, VIRTQ_AVAIL_BYTES(num), 2);
	vq->used = ring_map(mem, vq->used_gpa, VIRTQ_USED_BYTES(num), 4);
	if (vq->desc == NULL || vq->avail == NULL || vq->used == NULL) {
		vq->desc = NULL;
		vq->avail = NULL;
		vq->used = NULL;
		return -1;
	}

	vq->broken = false;
	vq->last_avail = 0;
	vq->used_idx = 0;
	vq->signalled_used = 0;
	vq->signalled_valid = false;
	vq->ready = true;
	return 0;
}

static uint16_t avail_idx_acquire(const struct virtqueue *vq)
{
	/* Acquire: the ring entries and descriptors the driver published before idx become visible. */
	return __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
}

/* used_event: the avail-ring word after the num entries. */
static uint16_t *used_event_word(const struct virtqueue *vq)
{
	return &vq->avail->ring[vq->num];
}

/* avail_event: the used-ring word after the num entries. */
static uint16_t *avail_event_word(const struct virtqueue *vq)
{
	return (uint16_t *)&vq->used->ring[vq->num];
}

bool vq_has_avail(const struct virtqueue *vq)
{
	if (!vq->ready || vq->broken)
		return false;
	return avail_idx_acquire(vq) != vq->last_avail;
}

/*
 * One descriptor, loaded once. Indirect tables may sit at any address the
 * driver chose, so an unaligned one is read byte by byte.
 */
static struct virtq_desc desc_load(const struct virtq_desc *d)
{
	struct virtq_desc v;

	if (((uintptr_t)d & 7) == 0) {
		v.addr = __atomic_load_n(&d->addr, __ATOMIC_RELAXED);
		v.len = __atomic_load_n(&d->len, __ATOMIC_RELAXED);
		v.flags = __atomic_load_n(&d->flags, __ATOMIC_RELAXED);
		v.next = __atomic_load_n(&d->next, __ATOMIC_RELAXED);
	} else {
		const uint8_t *src = (const uint8_t *)d;
		uint8_t raw[DESC_BYTES];
		unsigned i;

		for (i = 0; i < DESC_BYTES; i++)
			raw[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
		memcpy(&v, raw, sizeof(v));
	}
	return v;
}

/*
 * Append the buffer of descriptor d to the chain. A zero-length buffer
 * carries nothing, so it is dropped without looking at its address or
 * direction. -1 if the buffer is malformed.
 */
static int chain_add(const struct vq_memview *mem, struct vq_chain *c, const struct virtq_desc *d)
{
	bool writable = (d->flags & VIRTQ_DESC_F_WRITE) != 0;
	struct vq_seg *seg;
	void *p;

	if (d->len == 0)
		return 0;
	if (!writable && c->nr_in != 0)
		return -1;      /* the spec puts every readable buffer before the writable ones */
	if (c->nr_out + c->nr_in >= VQ_MAX_SEGS)
		return -1;
	if (d->addr > UINT64_MAX - d->len)
		return -1;
	p = mem->map(mem->ctx, d->addr, d->len);
	if (p == NULL)
		return -1;

	seg = &c->seg[c->nr_out + c->nr_in];
	seg->ptr = p;
	seg->len = d->len;
	if (writable) {
		c->nr_in++;
		c->in_bytes += d->len;
	} else {
		c->nr_out++;
		c->out_bytes += d->len;
	}
	return 0;
}

/* Walk the indirect table that descriptor ind refers to; it ends the chain. */
static int chain_add_indirect(const struct virtqueue *vq, const struct vq_memview *mem,
			      struct vq_chain *c, const struct virtq_desc *ind)
{
	const struct virtq_desc *table;
	uint32_t entries, i, steps;

	if (!vq->indirect || (ind->flags & VIRTQ_DESC_F_NEXT) != 0)
		return -1;
	if (ind->len == 0 || ind->len % DESC_BYTES != 0 || ind->len / DESC_BYTES > VIRTQ_MAX_SIZE)
		return -1;
	if (ind->addr > UINT64_MAX - ind->len)
		return -1;
	table = mem->map(mem->ctx, ind->addr, ind->len);
	if (table == NULL)
		return -1;

	entries = ind->len / DESC_BYTES;
	i = 0;
	/* A chain visits each entry at most once; needing more steps means it loops. */
	for (steps = 0; steps < entries; steps++) {
		struct virtq_desc d = desc_load(&table[i]);

		if ((d.flags & VIRTQ_DESC_F_INDIRECT) != 0)
			return -1;
		if (chain_add(mem, c, &d) != 0)
			return -1;
		if ((d.flags & VIRTQ_DESC_F_NEXT) == 0)
			return 0;
		if (d.next >= entries)
			return -1;
		i = d.next;
	}
	return -1;
}

static int vq_break(struct virtqueue *vq)
{
	vq->broken = true;
	return -1;
}

int vq_pop(struct virtqueue *vq, const struct vq_memview *mem, struct vq_chain *c)
{
	uint16_t num = vq->num;
	uint16_t pending, head, i, steps;

	if (!vq->ready)
		return 0;
	if (vq->broken)
		return -1;

	pending = (uint16_t)(avail_idx_acquire(vq) - vq->last_avail);
	if (pending == 0)
		return 0;
	if (pending > num)
		return vq_break(vq);

	head = __atomic_load_n(&vq->avail->ring[vq->last_avail & (num - 1)], __ATOMIC_RELAXED);
	if (head >= num)
		return vq_break(vq);

	c->head = head;
	c->nr_out = 0;
	c->nr_in = 0;
	c->out_bytes = 0;
	c->in_bytes = 0;

	i = head;
	/* At most num steps: a longer chain revisits a descriptor, so it loops. */
	for (steps = 0; steps < num; steps++) {
		struct virtq_desc d = desc_load(&vq->desc[i]);

		if ((d.flags & VIRTQ_DESC_F_INDIRECT) != 0) {
			/* INDIRECT with NEXT is refused there, so the table always ends the chain. */
			if (chain_add_indirect(vq, mem, c, &d) != 0)
				return vq_break(vq);
			goto done;
		}
		if (chain_add(mem, c, &d) != 0)
			return vq_break(vq);
		if ((d.flags & VIRTQ_DESC_F_NEXT) == 0)
			goto done;
		if (d.next >= num)
			return vq_break(vq);
		i = d.next;
	}
	return vq_break(vq);

done:
	vq->last_avail++;
	vq->popped++;
	return 1;
}

int vq_push(struct virtqueue *vq, uint16_t head, uint32_t written)
{
	struct virtq_used_elem *e;

	if (!vq->ready || head >= vq->num)
		return -1;
	e = &vq->used->ring[vq->used_idx & (vq->num - 1)];
	__atomic_store_n(&e->id, (uint32_t)head, __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, written, __ATOMIC_RELAXED);
	vq->used_idx++;
	/* Release: the driver must see the element before the index that hands it over. */
	__atomic_store_n(&vq->used->idx, vq->used_idx, __ATOMIC_RELEASE);
	vq->pushed++;
	return 0;
}

/* Whether used index new_idx has passed event since old: the spec's used_event test. */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

bool vq_should_interrupt(struct virtqueue *vq)
{
	bool notify;

	/* Our used->idx store must be visible before we read the driver's suppression words. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->ready)
		return false;
	if (vq->signalled_valid ? vq->used_idx == vq->signalled_used : vq->pushed == 0)
		return false;   /* nothing new in the used ring */

	if (vq->event_idx) {
		uint16_t event = __atomic_load_n(used_event_word(vq), __ATOMIC_RELAXED);

		notify = !vq->signalled_valid || need_event(event, vq->used_idx, vq->signalled_used);
	} else {
		uint16_t flags = __atomic_load_n(&vq->avail->flags, __ATOMIC_RELAXED);

		notify = (flags & VIRTQ_AVAIL_F_NO_INTERRUPT) == 0;
	}
	vq->signalled_used = vq->used_idx;
	vq->signalled_valid = true;
	if (notify)
		vq->interrupts++;
	return notify;
}

void vq_enable_notify(struct virtqueue *vq)
{
	if (!vq->ready)
		return;
	if (vq->event_idx) {
		__atomic_store_n(avail_event_word(vq), vq->last_avail, __ATOMIC_RELAXED);
	} else {
		uint16_t flags = __atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED);

		__atomic_store_n(&vq->used->flags, (uint16_t)(flags & ~VIRTQ_USED_F_NO_NOTIFY),
				 __ATOMIC_RELAXED);
	}
	/* The driver must see the request before we look at avail->idx once more. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void vq_disable_notify(struct virtqueue *vq)
{
	uint16_t flags;

	/* With EVENT_IDX, leaving avail_event behind already stops notifications. */
	if (!vq->ready || vq->event_idx)
		return;
	flags = __atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED);
	__atomic_store_n(&vq->used->flags, (uint16_t)(flags | VIRTQ_USED_F_NO_NOTIFY), __ATOMIC_RELAXED);
}

/*
 * Copy across the segments seg[first .. first + count), starting offset bytes
 * into them: into the chain from src when src is given, else out of it to dst.
 */
static uint64_t chain_copy(const struct vq_chain *c, unsigned first, unsigned count, uint64_t offset,
			   uint8_t *dst, const uint8_t *src, uint64_t len)
{
	uint64_t done = 0;
	unsigned i;

	for (i = first; i < first + count && done < len; i++) {
		const struct vq_seg *seg = &c->seg[i];
		uint64_t n;

		if (offset >= seg->len) {
			offset -= seg->len;
			continue;
		}
		n = seg->len - offset;
		if (n > len - done)
			n = len - done;
		if (src != NULL)
			memcpy(seg->ptr + offset, src + done, n);
		else
			memcpy(dst + done, seg->ptr + offset, n);
		done += n;
		offset = 0;
	}
	return done;
}

/* The chain's own counts, clamped so a corrupted chain cannot index past seg[]. */
static unsigned chain_nr_out(const struct vq_chain *c)
{
	return c->nr_out <= VQ_MAX_SEGS ? c->nr_out : VQ_MAX_SEGS;
}

uint64_t vq_chain_read(const struct vq_chain *c, uint64_t offset, void *dst, uint64_t len)
{
	if (len == 0)
		return 0;
	return chain_copy(c, 0, chain_nr_out(c), offset, dst, NULL, len);
}

uint64_t vq_chain_write(const struct vq_chain *c, uint64_t offset, const void *src, uint64_t len)
{
	unsigned nr_out = chain_nr_out(c);
	unsigned nr_in = c->nr_in <= VQ_MAX_SEGS - nr_out ? c->nr_in : VQ_MAX_SEGS - nr_out;

	if (len == 0)
		return 0;
	return chain_copy(c, nr_out, nr_in, offset, NULL, src, len);
}
