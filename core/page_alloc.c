#include <string.h>
#include <arch/spinlock.h>
#include <mantle/page_alloc.h>

static struct page_zone zones[PAGE_ZONES_MAX];
static unsigned nr_zones;
static size_t reserved_pages;
static uint64_t nr_allocs, nr_frees, nr_failures;
static spinlock_t page_lock = SPINLOCK_INIT;

static inline bool bit_test(const uint64_t *bm, size_t i) { return bm[i / 64] >> (i % 64) & 1; }
static inline void bit_set(uint64_t *bm, size_t i) { bm[i / 64] |= 1ULL << (i % 64); }
static inline void bit_clear(uint64_t *bm, size_t i) { bm[i / 64] &= ~(1ULL << (i % 64)); }

static inline size_t bitmap_words(size_t npages) { return (npages + 63) / 64; }

/*
 * The in-use map is followed by a map of the reserved pages, so that
 * page_free() can refuse them: in the in-use map they look allocated.
 */
static inline uint64_t *reserved_map(const struct page_zone *z)
{
	return z->bitmap + bitmap_words(z->npages);
}

size_t page_zone_bitmap_bytes(size_t npages)
{
	return 2 * bitmap_words(npages) * sizeof(uint64_t);
}

void page_alloc_reset(void)
{
	memset(zones, 0, sizeof(zones));
	nr_zones = 0;
	reserved_pages = 0;
	nr_allocs = nr_frees = nr_failures = 0;
}

bool page_alloc_add_zone(uint64_t base, size_t npages, uint64_t *bitmap)
{
	struct page_zone *z;
	size_t words = bitmap_words(npages);

	if (nr_zones >= PAGE_ZONES_MAX || !npages || !bitmap || (base & (PAGE_SIZE - 1)))
		return false;
	z = &zones[nr_zones++];
	z->base = base;
	z->npages = npages;
	z->free_pages = npages;
	z->bitmap = bitmap;
	memset(bitmap, 0, page_zone_bitmap_bytes(npages));
	/* Bits past the last page are permanently "used" so scans stop there. */
	for (size_t i = npages; i < words * 64; i++)
		bit_set(bitmap, i);
	return true;
}

static struct page_zone *zone_of(uint64_t pa)
{
	for (unsigned i = 0; i < nr_zones; i++) {
		struct page_zone *z = &zones[i];
		if (pa >= z->base && pa < z->base + (uint64_t)z->npages * PAGE_SIZE)
			return z;
	}
	return NULL;
}

void page_alloc_reserve(uint64_t pa, uint64_t size)
{
	uint64_t start = PAGE_ALIGN_DOWN(pa), end = PAGE_ALIGN_UP(pa + size);
	irqflags_t f;

	/* Rounding out an empty range would otherwise reserve the page around pa. */
	if (!size)
		return;
	f = spin_lock_irqsave(&page_lock);
	for (uint64_t p = start; p < end; p += PAGE_SIZE) {
		struct page_zone *z = zone_of(p);
		size_t i;
		if (!z)
			continue;
		i = (p - z->base) >> PAGE_SHIFT;
		if (!bit_test(z->bitmap, i)) {
			bit_set(z->bitmap, i);
			bit_set(reserved_map(z), i);
			z->free_pages--;
			reserved_pages++;
		}
	}
	spin_unlock_irqrestore(&page_lock, f);
}

/* First index >= from whose page is free, or z->npages. Skips full words. */
static size_t next_free(const struct page_zone *z, size_t from)
{
	while (from < z->npages) {
		if (from % 64 == 0 && z->bitmap[from / 64] == ~0ULL) {
			from += 64;
			continue;
		}
		if (!bit_test(z->bitmap, from))
			return from;
		from++;
	}
	return z->npages;
}

static bool run_is_free(const struct page_zone *z, size_t start, size_t n, size_t *blocker)
{
	for (size_t i = start; i < start + n; i++) {
		if (bit_test(z->bitmap, i)) {
			*blocker = i;
			return false;
		}
	}
	return true;
}

static uint64_t zone_alloc(struct page_zone *z, size_t npages, size_t align_pages)
{
	size_t i = 0;

	if (z->free_pages < npages)
		return 0;
	while ((i = next_free(z, i)) + npages <= z->npages) {
		/* Align the physical address, not the index: zones need not be aligned. */
		uint64_t pa = z->base + ((uint64_t)i << PAGE_SHIFT);
		uint64_t aligned = (pa + (align_pages << PAGE_SHIFT) - 1) & ~((align_pages << PAGE_SHIFT) - 1);
		size_t start = (aligned - z->base) >> PAGE_SHIFT, blocker;

		if (start + npages > z->npages)
			break;
		if (run_is_free(z, start, npages, &blocker)) {
			for (size_t k = start; k < start + npages; k++)
				bit_set(z->bitmap, k);
			z->free_pages -= npages;
			return aligned;
		}
		i = blocker + 1;
	}
	return 0;
}

uint64_t page_alloc(size_t npages, size_t align_pages)
{
	uint64_t pa = 0;
	irqflags_t f;

	if (!npages || !align_pages || (align_pages & (align_pages - 1)))
		return 0;
	f = spin_lock_irqsave(&page_lock);
	for (unsigned i = 0; i < nr_zones && !pa; i++)
		pa = zone_alloc(&zones[i], npages, align_pages);
	if (pa)
		nr_allocs++;
	else
		nr_failures++;
	spin_unlock_irqrestore(&page_lock, f);
	return pa;
}

bool page_free(uint64_t pa, size_t npages)
{
	struct page_zone *z = zone_of(pa);
	size_t first;
	bool ok = true;
	irqflags_t f;

	if (!z || (pa & (PAGE_SIZE - 1)) || !npages)
		return false;
	first = (pa - z->base) >> PAGE_SHIFT;
	if (first + npages > z->npages)
		return false;
	f = spin_lock_irqsave(&page_lock);
	for (size_t i = first; i < first + npages; i++)
		ok &= bit_test(z->bitmap, i) && !bit_test(reserved_map(z), i);
	if (ok) {
		for (size_t i = first; i < first + npages; i++)
			bit_clear(z->bitmap, i);
		z->free_pages += npages;
		nr_frees++;
	}
	spin_unlock_irqrestore(&page_lock, f);
	return ok;
}

void page_alloc_stats(struct page_stats *st)
{
	irqflags_t f = spin_lock_irqsave(&page_lock);

	memset(st, 0, sizeof(*st));
	for (unsigned zi = 0; zi < nr_zones; zi++) {
		const struct page_zone *z = &zones[zi];
		size_t run = 0;
		st->total_pages += z->npages;
		st->free_pages += z->free_pages;
		for (size_t i = 0; i < z->npages; i++) {
			run = bit_test(z->bitmap, i) ? 0 : run + 1;
			if (run > st->largest_free_run)
				st->largest_free_run = run;
		}
	}
	st->reserved_pages = reserved_pages;
	st->allocs = nr_allocs;
	st->frees = nr_frees;
	st->failures = nr_failures;
	spin_unlock_irqrestore(&page_lock, f);
}

unsigned page_alloc_zone_count(void) { return nr_zones; }

const struct page_zone *page_alloc_zone(unsigned i)
{
	return i < nr_zones ? &zones[i] : NULL;
}
