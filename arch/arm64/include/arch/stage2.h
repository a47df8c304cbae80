/*
 * Stage-2 translation tables for one guest (4K granule, start at level 1,
 * IPA of up to 39 bits). Pure table logic: table pages and TLB maintenance
 * come through callbacks, so it runs on the host in unit tests.
 */
#ifndef ARCH_STAGE2_H
#define ARCH_STAGE2_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define S2_MAX_IPA_BITS 39
#define S2_START_LEVEL  1

enum s2_prot {
	S2_RAM,         /* normal write-back, read/write/execute */
	S2_ROM,         /* normal write-back, read-only, executable */
	S2_DEVICE,      /* device nGnRE, read/write, never executable (passthrough MMIO) */
};

struct stage2_ops {
	/* A zeroed, 4 KiB aligned table page, addressed as the MMU sees it; NULL when out of memory. */
	uint64_t *(*alloc_table)(void *ctx);
	void (*free_table)(void *ctx, uint64_t *table);
	/* An entry covering ipa at level was made invalid: flush what the TLB may hold for it. */
	void (*invalidate)(void *ctx, uint64_t ipa, unsigned level);
	void *ctx;
};

struct stage2 {
	uint64_t *root;
	unsigned ipa_bits;
	unsigned tables;          /* table pages in use, root included */
	struct stage2_ops ops;
};

struct s2_mapping {
	uint64_t ipa, pa, size;
	enum s2_prot prot;
	unsigned level;           /* 1: 1 GiB block, 2: 2 MiB block, 3: 4 KiB page */
};

int stage2_init(struct stage2 *s2, unsigned ipa_bits, const struct stage2_ops *ops);
/* Frees every table, root included. */
void stage2_destroy(struct stage2 *s2);

/*
 * Map [ipa, ipa+size) to [pa, ...) with the largest blocks that both
 * alignments allow. All three must be page aligned and the range inside the
 * IPA space. Fails with -1 (nothing changed past what was mapped so far:
 * the caller unmaps the range) on bad arguments, overlap with an existing
 * mapping, or no memory for tables.
 */
int stage2_map(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size, enum s2_prot prot);
/* Unmap a range, splitting blocks it cuts through and freeing emptied tables. -1 on bad range or no memory to split. */
int stage2_unmap(struct stage2 *s2, uint64_t ipa, uint64_t size);
/* Translate one IPA. */
bool stage2_lookup(const struct stage2 *s2, uint64_t ipa, struct s2_mapping *m);
/* Call fn for each leaf in IPA order, merging nothing. Returns the count. */
size_t stage2_walk(const struct stage2 *s2, void (*fn)(const struct s2_mapping *m, void *arg), void *arg);

/* VTCR_EL2 T0SZ / SL0 fields for s2 (the arch code adds PS, TG0, shareability). */
uint64_t stage2_vtcr_bits(const struct stage2 *s2);

#endif
