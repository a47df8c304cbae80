/* The host's RAM: banks from the DTB, what Mantle reserved, and the allocators on top. */
#ifndef MANTLE_MEM_H
#define MANTLE_MEM_H
#include <stdint.h>

#define MEM_BANKS_MAX 8
#define MEM_RESERVED_MAX 16

struct mem_region {
	uint64_t base, size;
	const char *what;
};

/* Map RAM, reserve image/DTB/initrd/reserved-memory, set up page allocator and heap. */
void mem_init(const void *fdt, uint64_t dtb_pa);
void mem_print_map(void);
uint64_t mem_total_bytes(void);
unsigned mem_banks(const struct mem_region **banks);

#endif
