#include <string.h>
#include <libfdt.h>
#include <arch/image.h>
#include <arch/mmu.h>
#include <mantle/mem.h>
#include <mantle/page_alloc.h>
#include <mantle/heap.h>
#include <mantle/devtree.h>
#include <mantle/log.h>
#include <libs/fmt.h>

static struct mem_region banks[MEM_BANKS_MAX];
static unsigned nr_banks;
static struct mem_region reserved[MEM_RESERVED_MAX];
static unsigned nr_reserved;

uint64_t mem_total_bytes(void)
{
	uint64_t total = 0;
	for (unsigned i = 0; i < nr_banks; i++)
		total += banks[i].size;
	return total;
}

unsigned mem_banks(const struct mem_region **out)
{
	*out = banks;
	return nr_banks;
}

/* Regions are recorded first and applied once the zones exist. */
static void reserve(uint64_t base, uint64_t size, const char *what)
{
	if (size && nr_reserved < MEM_RESERVED_MAX)
		reserved[nr_reserved++] = (struct mem_region){ base, size, what };
	else if (size)
		panic("too many reserved regions (at %s)", what);
}

static bool overlaps_reserved(uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < nr_reserved; i++)
		if (base < reserved[i].base + reserved[i].size && reserved[i].base < base + size)
			return true;
	return false;
}

static void find_banks(const void *fdt)
{
	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		uint64_t base, size;

		if (!type || strcmp(type, "memory") || !dt_node_enabled(fdt, node))
			continue;
		for (int i = 0; dt_reg(fdt, node, i, &base, &size) && nr_banks < MEM_BANKS_MAX; i++) {
			if (size)
				banks[nr_banks++] = (struct mem_region){ base, size, "ram" };
		}
	}
}

static void reserve_firmware_regions(const void *fdt, uint64_t dtb_pa)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	int rmem = fdt_path_offset(fdt, "/reserved-memory");
	uint64_t addr, size, end;

	reserve((uint64_t)_start, (uint64_t)(_end - _start), "mantle");
	reserve(dtb_pa, fdt_totalsize(fdt), "host dtb");
	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		if (fdt_get_mem_rsv(fdt, i, &addr, &size) == 0)
			reserve(addr, size, "memreserve");
	}
	if (chosen >= 0 && dt_u64(fdt, chosen, "linux,initrd-start", &addr) &&
	    dt_u64(fdt, chosen, "linux,initrd-end", &end) && end > addr)
		reserve(addr, end - addr, "initrd");
	if (rmem >= 0) {
		int child;
		fdt_for_each_subnode(child, fdt, rmem) {
			if (dt_reg(fdt, child, 0, &addr, &size))
				reserve(addr, size, "reserved-memory");
		}
	}
}

/* Highest page-aligned spot of `bytes` in [base, end) clear of every reservation. */
static uint64_t place_bitmap(uint64_t base, uint64_t end, uint64_t bytes)
{
	for (uint64_t pa = end - bytes; pa >= base && pa < end; pa -= PAGE_SIZE)
		if (!overlaps_reserved(pa, bytes))
			return pa;
	return 0;
}

void mem_init(const void *fdt, uint64_t dtb_pa)
{
	uint64_t heap_bytes = (uint64_t)CONFIG_HEAP_SIZE_KB * 1024, heap_pa;

	find_banks(fdt);
	if (!nr_banks)
		panic("host DTB describes no memory");
	reserve_firmware_regions(fdt, dtb_pa);

	for (unsigned i = 0; i < nr_banks; i++) {
		uint64_t base = PAGE_ALIGN_UP(banks[i].base);
		uint64_t end = PAGE_ALIGN_DOWN(banks[i].base + banks[i].size);
		size_t npages = (end - base) >> PAGE_SHIFT;
		uint64_t bm_bytes = PAGE_ALIGN_UP(page_zone_bitmap_bytes(npages));
		uint64_t bm_pa;

		if (end <= base + bm_bytes || mmu_map_ram(base, end - base))
			panic("cannot map RAM bank %#llx+%#llx", (unsigned long long)base,
			      (unsigned long long)(end - base));
		bm_pa = place_bitmap(base, end, bm_bytes);
		if (!bm_pa || !page_alloc_add_zone(base, npages, (uint64_t *)bm_pa))
			panic("cannot set up the page allocator for bank %u", i);
		reserve(bm_pa, bm_bytes, "page bitmap");
	}
	for (unsigned i = 0; i < nr_reserved; i++)
		page_alloc_reserve(reserved[i].base, reserved[i].size);

	heap_pa = page_alloc(heap_bytes >> PAGE_SHIFT, 1);
	if (!heap_pa || !heap_init((void *)heap_pa, heap_bytes))
		panic("cannot allocate the %llu KiB heap", (unsigned long long)heap_bytes / 1024);
	if (nr_reserved < MEM_RESERVED_MAX)
		reserved[nr_reserved++] = (struct mem_region){ heap_pa, heap_bytes, "heap" };
}

void mem_print_map(void)
{
	char sz[24];

	pr_info("memory map:");
	for (unsigned i = 0; i < nr_banks; i++)
		pr_info("  %-16s 0x%09llx-0x%09llx %s", "ram", (unsigned long long)banks[i].base,
			(unsigned long long)(banks[i].base + banks[i].size - 1),
			fmt_size(sz, sizeof(sz), banks[i].size));
	for (unsigned i = 0; i < nr_reserved; i++)
		pr_info("  %-16s 0x%09llx-0x%09llx %s", reserved[i].what,
			(unsigned long long)reserved[i].base,
			(unsigned long long)(reserved[i].base + reserved[i].size - 1),
			fmt_size(sz, sizeof(sz), reserved[i].size));
}
