#include <string.h>
#include <mantle/heap.h>

#define HEAP_MAGIC      0x48454150u   /* "HEAP" */
#define HDR_SIZE        sizeof(struct block)
#define MIN_BLOCK       (HDR_SIZE + sizeof(struct list_node))
#define ALIGN16(x)      (((x) + 15) & ~(size_t)15)

struct block {
	uint32_t magic;
	uint32_t used;
	uint64_t size;        /* whole block, header included */
	uint64_t prev_size;   /* size of the physically previous block, 0 if first */
	uint64_t pad;
};

_Static_assert(sizeof(struct block) % 16 == 0, "payload alignment");

static inline struct list_node *free_node(struct block *b)
{
	return (struct list_node *)((uint8_t *)b + HDR_SIZE);
}

static inline struct block *node_block(struct list_node *n)
{
	return (struct block *)((uint8_t *)n - HDR_SIZE);
}

static inline struct block *next_block(struct heap *h, struct block *b)
{
	uint8_t *n = (uint8_t *)b + b->size;
	return n < h->end ? (struct block *)n : NULL;
}

static inline struct block *prev_block(struct heap *h, struct block *b)
{
	return b->prev_size ? (struct block *)((uint8_t *)b - b->prev_size) : NULL;
}

bool heap_area_init(struct heap *h, void *arena, size_t size)
{
	struct block *b;

	memset(h, 0, sizeof(*h));
	if (((uintptr_t)arena & 15) || size < MIN_BLOCK)
		return false;
	size &= ~(size_t)15;
	h->start = arena;
	h->end = (uint8_t *)arena + size;
	list_init(&h->free_list);
	spin_init(&h->lock);
	b = arena;
	b->magic = HEAP_MAGIC;
	b->used = 0;
	b->size = size;
	b->prev_size = 0;
	list_add_tail(&h->free_list, free_node(b));
	return true;
}

/* Insert a free block keeping the list in address order. */
static void free_list_insert(struct heap *h, struct block *b)
{
	struct list_node *pos;

	list_for_each(pos, &h->free_list) {
		if (node_block(pos) > b)
			break;
	}
	list_add_before(pos, free_node(b));
}

void *heap_area_alloc(struct heap *h, size_t size)
{
	struct list_node *pos;
	size_t need;
	void *ret = NULL;
	irqflags_t f;

	if (!size || size > (size_t)(h->end - h->start))
		goto fail_unlocked;
	need = ALIGN16(size) + HDR_SIZE;
	if (need < MIN_BLOCK)
		need = MIN_BLOCK;

	f = spin_lock_irqsave(&h->lock);
	list_for_each(pos, &h->free_list) {
		struct block *b = node_block(pos);
		if (b->size < need)
			continue;
		list_del(pos);
		if (b->size - need >= MIN_BLOCK) {
			struct block *rest = (struct block *)((uint8_t *)b + need);
			struct block *after;
			rest->magic = HEAP_MAGIC;
			rest->used = 0;
			rest->size = b->size - need;
			rest->prev_size = need;
			after = next_block(h, rest);
			if (after)
				after->prev_size = rest->size;
			b->size = need;
			free_list_insert(h, rest);
		}
		b->used = 1;
		h->used += b->size;
		if (h->used > h->peak_used)
			h->peak_used = h->used;
		h->allocs++;
		ret = (uint8_t *)b + HDR_SIZE;
		break;
	}
	if (!ret)
		h->failures++;
	spin_unlock_irqrestore(&h->lock, f);
	return ret;

fail_unlocked:
	h->failures++;
	return NULL;
}

bool heap_area_free(struct heap *h, void *ptr)
{
	struct block *b, *n, *p;
	irqflags_t f;

	if (!ptr)
		return true;
	/* Only now: stepping back from NULL is undefined behaviour. */
	b = (struct block *)((uint8_t *)ptr - HDR_SIZE);
	f = spin_lock_irqsave(&h->lock);
	if ((uint8_t *)ptr < h->start + HDR_SIZE || (uint8_t *)ptr >= h->end ||
	    ((uintptr_t)ptr & 15) || b->magic != HEAP_MAGIC || !b->used) {
		h->bad_frees++;
		spin_unlock_irqrestore(&h->lock, f);
		return false;
	}
	b->used = 0;
	h->used -= b->size;
	h->frees++;

	n = next_block(h, b);
	if (n && !n->used) {
		list_del(free_node(n));
		b->size += n->size;
		n->magic = 0;
	}
	p = prev_block(h, b);
	if (p && !p->used) {
		p->size += b->size;
		b->magic = 0;
		b = p;
	} else {
		free_list_insert(h, b);
	}
	n = next_block(h, b);
	if (n)
		n->prev_size = b->size;
	spin_unlock_irqrestore(&h->lock, f);
	return true;
}

void heap_area_stats(struct heap *h, struct heap_stats *st)
{
	struct list_node *pos;
	irqflags_t f = spin_lock_irqsave(&h->lock);

	memset(st, 0, sizeof(*st));
	st->total = h->end - h->start;
	st->used = h->used;
	st->free = st->total - h->used;
	st->peak_used = h->peak_used;
	list_for_each(pos, &h->free_list) {
		size_t payload = node_block(pos)->size - HDR_SIZE;
		st->free_blocks++;
		if (payload > st->largest_free)
			st->largest_free = payload;
	}
	st->allocs = h->allocs;
	st->frees = h->frees;
	st->bad_frees = h->bad_frees;
	st->failures = h->failures;
	spin_unlock_irqrestore(&h->lock, f);
}

static struct heap hv_heap;

bool heap_init(void *arena, size_t size) { return heap_area_init(&hv_heap, arena, size); }
void *heap_alloc(size_t size) { return heap_area_alloc(&hv_heap, size); }
void heap_stats(struct heap_stats *st) { heap_area_stats(&hv_heap, st); }
void heap_free(void *ptr) { heap_area_free(&hv_heap, ptr); }

void *heap_zalloc(size_t size)
{
	void *p = heap_alloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}
