/*
 * The hypervisor heap: first fit over an address-ordered free list, with
 * boundary sizes in every header so neighbours coalesce on free. Small and
 * predictable; large, long-lived memory (guest RAM) comes from page_alloc.
 */
#ifndef MANTLE_HEAP_H
#define MANTLE_HEAP_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <libs/list.h>
#include <arch/spinlock.h>

struct heap {
	uint8_t *start, *end;
	struct list_node free_list;   /* address order */
	size_t used;                  /* bytes in used blocks, headers included */
	size_t peak_used;
	uint64_t allocs, frees, bad_frees, failures;
	spinlock_t lock;
};

struct heap_stats {
	size_t total, used, free, peak_used, largest_free;
	size_t free_blocks;
	uint64_t allocs, frees, bad_frees, failures;
};

/* Instance API (host-testable). arena must be 16-byte aligned. */
bool heap_area_init(struct heap *h, void *arena, size_t size);
void *heap_area_alloc(struct heap *h, size_t size);
/* false when ptr is not a live allocation of this heap (counted, nothing changed). */
bool heap_area_free(struct heap *h, void *ptr);
void heap_area_stats(struct heap *h, struct heap_stats *st);

/* The hypervisor's heap. */
bool heap_init(void *arena, size_t size);
void *heap_alloc(size_t size);
void *heap_zalloc(size_t size);
void heap_free(void *ptr);
void heap_stats(struct heap_stats *st);

#endif
