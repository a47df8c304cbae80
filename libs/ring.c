#include <libs/ring.h>

bool ring_init(struct ring *r, uint8_t *buf, size_t size)
{
	if (!size || (size & (size - 1)))
		return false;
	r->buf = buf;
	r->size = size;
	r->head = r->tail = 0;
	r->dropped = 0;
	return true;
}

size_t ring_count(const struct ring *r)
{
	return r->head - r->tail;
}

bool ring_put(struct ring *r, uint8_t byte)
{
	if (ring_count(r) >= r->size) {
		r->dropped++;
		return false;
	}
	r->buf[r->head & (r->size - 1)] = byte;
	__atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);
	return true;
}

int ring_get(struct ring *r)
{
	size_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	int byte;

	if (head == r->tail)
		return -1;
	byte = r->buf[r->tail & (r->size - 1)];
	__atomic_store_n(&r->tail, r->tail + 1, __ATOMIC_RELEASE);
	return byte;
}
