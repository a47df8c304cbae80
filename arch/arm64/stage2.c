#include <stddef.h>
#include <arch/stage2.h>

#define ENTRIES         512
#define PAGE            4096ULL
#define SHIFT(l)        (39 - 9 * (l))
#define ADDR_MASK       0x0000FFFFFFFFF000ULL

#define D_VALID         (1ULL << 0)
#define D_TABLE         (1ULL << 1)         /* table (levels 1-2) or page (level 3) */
#define D_MEMATTR(x)    ((uint64_t)(x) << 2)
#define D_S2AP_RO       (1ULL << 6)
#define D_S2AP_RW       (3ULL << 6)
#define D_SH_INNER      (3ULL << 8)
#define D_AF            (1ULL << 10)
#define D_XN            (1ULL << 54)
#define MEMATTR_NORMAL_WB  0xF
#define MEMATTR_DEVICE_nGnRE 0x1
#define ATTR_MASK       (~ADDR_MASK & ~(D_VALID | D_TABLE))

static uint64_t prot_bits(enum s2_prot prot)
{
	switch (prot) {
	case S2_ROM:
		return D_MEMATTR(MEMATTR_NORMAL_WB) | D_S2AP_RO | D_SH_INNER | D_AF;
	case S2_DEVICE:
		return D_MEMATTR(MEMATTR_DEVICE_nGnRE) | D_S2AP_RW | D_AF | D_XN;
	case S2_RAM:
	default:
		return D_MEMATTR(MEMATTR_NORMAL_WB) | D_S2AP_RW | D_SH_INNER | D_AF;
	}
}

static enum s2_prot prot_of(uint64_t desc)
{
	if (((desc >> 2) & 0xF) == MEMATTR_DEVICE_nGnRE)
		return S2_DEVICE;
	return (desc & D_S2AP_RW) == D_S2AP_RO ? S2_ROM : S2_RAM;
}

static inline bool is_table(uint64_t d, unsigned level)
{
	return level < 3 && (d & (D_VALID | D_TABLE)) == (D_VALID | D_TABLE);
}

static inline uint64_t *table_of(uint64_t d)
{
	return (uint64_t *)(uintptr_t)(d & ADDR_MASK);
}

static uint64_t *new_table(struct stage2 *s2)
{
	uint64_t *t = s2->ops.alloc_table(s2->ops.ctx);
	if (t)
		s2->tables++;
	return t;
}

static void drop_table(struct stage2 *s2, uint64_t *t)
{
	s2->ops.free_table(s2->ops.ctx, t);
	s2->tables--;
}

static void invalidate(struct stage2 *s2, uint64_t ipa, unsigned level)
{
	if (s2->ops.invalidate)
		s2->ops.invalidate(s2->ops.ctx, ipa, level);
}

int stage2_init(struct stage2 *s2, unsigned ipa_bits, const struct stage2_ops *ops)
{
	/* Starting at level 1 needs T0SZ 25..33 (IPA 31..39 bits). */
	if (ipa_bits < 31 || ipa_bits > S2_MAX_IPA_BITS || !ops || !ops->alloc_table || !ops->free_table)
		return -1;
	s2->ops = *ops;
	s2->ipa_bits = ipa_bits;
	s2->tables = 0;
	s2->root = new_table(s2);
	return s2->root ? 0 : -1;
}

static void free_level(struct stage2 *s2, uint64_t *table, unsigned level)
{
	for (unsigned i = 0; i < ENTRIES; i++)
		if (is_table(table[i], level))
			free_level(s2, table_of(table[i]), level + 1);
	drop_table(s2, table);
}

void stage2_destroy(struct stage2 *s2)
{
	if (s2->root)
		free_level(s2, s2->root, S2_START_LEVEL);
	s2->root = NULL;
}

static bool range_ok(const struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	uint64_t limit = 1ULL << s2->ipa_bits;
	return size && !(ipa & (PAGE - 1)) && !(size & (PAGE - 1)) && ipa < limit && size <= limit - ipa;
}

static int map_level(struct stage2 *s2, uint64_t *table, unsigned level, uint64_t ipa,
		     uint64_t pa, uint64_t size, uint64_t attrs)
{
	uint64_t block = 1ULL << SHIFT(level);

	while (size) {
		uint64_t *e = &table[(ipa >> SHIFT(level)) & (ENTRIES - 1)];
		uint64_t chunk = block - (ipa & (block - 1));

		if (chunk > size)
			chunk = size;
		if (level == 3) {
			if (*e & D_VALID)
				return -1;
			*e = (pa & ADDR_MASK) | attrs | D_VALID | D_TABLE;
		} else if (chunk == block && !(pa & (block - 1)) && !(*e & D_VALID)) {
			*e = (pa & ADDR_MASK) | attrs | D_VALID;
		} else {
			if (*e & D_VALID && !is_table(*e, level))
				return -1;          /* a block is already there */
			if (!(*e & D_VALID)) {
				uint64_t *t = new_table(s2);
				if (!t)
					return -1;
				/* Table contents must be visible before the walker can see the table. */
				__atomic_thread_fence(__ATOMIC_RELEASE);
				*e = (uint64_t)(uintptr_t)t | D_VALID | D_TABLE;
			}
			if (map_level(s2, table_of(*e), level + 1, ipa, pa, chunk, attrs))
				return -1;
		}
		ipa += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

int stage2_map(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size, enum s2_prot prot)
{
	if (!s2->root || !range_ok(s2, ipa, size) || (pa & (PAGE - 1)) || pa + size < pa)
		return -1;
	return map_level(s2, s2->root, S2_START_LEVEL, ipa, pa, size, prot_bits(prot));
}

static bool table_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < ENTRIES; i++)
		if (t[i] & D_VALID)
			return false;
	return true;
}

/* Replace the block in *e by a table of next-level entries with the same mapping. */
static int split_block(struct stage2 *s2, uint64_t *e, unsigned level, uint64_t block_ipa)
{
	uint64_t *t = new_table(s2), d = *e, step = 1ULL << SHIFT(level + 1);

	if (!t)
		return -1;
	for (unsigned i = 0; i < ENTRIES; i++)
		t[i] = ((d & ADDR_MASK) + i * step) | (d & ATTR_MASK) | D_VALID |
		       (level + 1 == 3 ? D_TABLE : 0);
	/* Break before make: the old block must be gone from every TLB first. */
	*e = 0;
	invalidate(s2, block_ipa, level);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	*e = (uint64_t)(uintptr_t)t | D_VALID | D_TABLE;
	return 0;
}

static int unmap_level(struct stage2 *s2, uint64_t *table, unsigned level, uint64_t ipa, uint64_t size)
{
	uint64_t block = 1ULL << SHIFT(level);

	while (size) {
		uint64_t *e = &table[(ipa >> SHIFT(level)) & (ENTRIES - 1)];
		uint64_t base = ipa & ~(block - 1), chunk = block - (ipa - base);

		if (chunk > size)
			chunk = size;
		if (*e & D_VALID) {
			if (chunk == block) {
				uint64_t old = *e;
				*e = 0;
				invalidate(s2, base, level);
				if (is_table(old, level))
					free_level(s2, table_of(old), level + 1);
			} else {
				if (!is_table(*e, level) && split_block(s2, e, level, base))
					return -1;
				if (unmap_level(s2, table_of(*e), level + 1, ipa, chunk))
					return -1;
				if (table_empty(table_of(*e))) {
					uint64_t *t = table_of(*e);
					*e = 0;
					invalidate(s2, base, level);
					drop_table(s2, t);
				}
			}
		}
		ipa += chunk;
		size -= chunk;
	}
	return 0;
}

int stage2_unmap(struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	if (!s2->root || !range_ok(s2, ipa, size))
		return -1;
	return unmap_level(s2, s2->root, S2_START_LEVEL, ipa, size);
}

bool stage2_lookup(const struct stage2 *s2, uint64_t ipa, struct s2_mapping *m)
{
	const uint64_t *table = s2->root;

	if (!table || ipa >= (1ULL << s2->ipa_bits))
		return false;
	for (unsigned level = S2_START_LEVEL; level <= 3; level++) {
		uint64_t d = table[(ipa >> SHIFT(level)) & (ENTRIES - 1)];
		uint64_t size = 1ULL << SHIFT(level);

		if (!(d & D_VALID))
			return false;
		if (is_table(d, level)) {
			table = table_of(d);
			continue;
		}
		m->ipa = ipa & ~(size - 1);
		m->pa = (d & ADDR_MASK) & ~(size - 1);
		m->size = size;
		m->level = level;
		m->prot = prot_of(d);
		return true;
	}
	return false;
}

static size_t walk_level(const uint64_t *table, unsigned level, uint64_t ipa_base,
			 void (*fn)(const struct s2_mapping *, void *), void *arg)
{
	size_t n = 0;

	for (unsigned i = 0; i < ENTRIES; i++) {
		uint64_t d = table[i], ipa = ipa_base + ((uint64_t)i << SHIFT(level));
		if (!(d & D_VALID))
			continue;
		if (is_table(d, level)) {
			n += walk_level(table_of(d), level + 1, ipa, fn, arg);
		} else {
			struct s2_mapping m = { ipa, d & ADDR_MASK, 1ULL << SHIFT(level), prot_of(d), level };
			if (fn)
				fn(&m, arg);
			n++;
		}
	}
	return n;
}

size_t stage2_walk(const struct stage2 *s2, void (*fn)(const struct s2_mapping *m, void *arg), void *arg)
{
	return s2->root ? walk_level(s2->root, S2_START_LEVEL, 0, fn, arg) : 0;
}

uint64_t stage2_vtcr_bits(const struct stage2 *s2)
{
	/* T0SZ = 64 - IPA bits; SL0 = 1: the walk starts at level 1 (4K granule). */
	return (uint64_t)(64 - s2->ipa_bits) | (1ULL << 6);
}
