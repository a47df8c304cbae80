/*
 * Physical page allocator: one zone per RAM bank, a bitmap per zone, first
 * fit with alignment. Contiguous runs matter more than speed here: guest RAM
 * is allocated once, contiguously, at guest creation.
 */
#ifndef MANTLE_PAGE_ALLOC_H
#define MANTLE_PAGE_ALLOC_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_ALIGN_UP(x)   (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ALIGN_DOWN(x) ((x) & ~(PAGE_SIZE - 1))

#define PAGE_ZONES_MAX 8

struct page_zone {
	uint64_t base;          /* physical address of page 0 */
	size_t npages;
	size_t free_pages;
	uint64_t *bitmap;       /* bit set = page in use or reserved; then the reserved-only map */
};

struct page_stats {
	size_t total_pages;
	size_t free_pages;
	size_t reserved_pages;  /* never allocatable: image, DTB, bitmaps... */
	size_t largest_free_run;
	uint64_t allocs, frees, failures;
};

/* Bytes of bitmap a zone of npages needs (two maps: in use, and reserved). */
size_t page_zone_bitmap_bytes(size_t npages);

/* Register a zone; all pages start free. Returns false when full or malformed. */
bool page_alloc_add_zone(uint64_t base, size_t npages, uint64_t *bitmap);
/* Mark [pa, pa + size) as reserved (rounded out to pages); outside zones is ignored. */
void page_alloc_reserve(uint64_t pa, uint64_t size);

/* npages contiguous pages aligned to align_pages (a power of two); 0 on failure. */
uint64_t page_alloc(size_t npages, size_t align_pages);
/* Returns false (and changes nothing) if any page was not allocated. */
bool page_free(uint64_t pa, size_t npages);

void page_alloc_stats(struct page_stats *st);
unsigned page_alloc_zone_count(void);
const struct page_zone *page_alloc_zone(unsigned i);
/* Forget everything (host tests). */
void page_alloc_reset(void);

#endif
