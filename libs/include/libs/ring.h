/* Single-producer single-consumer byte ring (e.g. UART receive IRQ -> shell). */
#ifndef LIBS_RING_H
#define LIBS_RING_H
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

struct ring {
	uint8_t *buf;
	size_t size;           /* a power of two */
	volatile size_t head;  /* written by the producer */
	volatile size_t tail;  /* written by the consumer */
	size_t dropped;        /* bytes refused because the ring was full */
};

/* size must be a power of two; returns false otherwise. */
bool ring_init(struct ring *r, uint8_t *buf, size_t size);
bool ring_put(struct ring *r, uint8_t byte);
/* Returns the byte, or -1 when empty. */
int ring_get(struct ring *r);
size_t ring_count(const struct ring *r);

#endif
