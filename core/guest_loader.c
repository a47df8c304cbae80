#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <arch/cpu.h>
#include <mantle/guest.h>
#include <mantle/guest_loader.h>
#include <mantle/devtree.h>
#include <mantle/heap.h>
#include <mantle/log.h>
#include <libs/fmt.h>

#define IMAGE_MAGIC_OFFSET   56
#define IMAGE_MAGIC          0x644d5241u      /* "ARM\x64" */
#define LEGACY_TEXT_OFFSET   0x80000
#define DTB_MAX              (64 * 1024)
#define DTB_ALIGN            8

static struct bundle bundle;
static bool have_bundle;

const struct bundle *host_bundle(void)
{
	return have_bundle ? &bundle : NULL;
}

void host_bundle_init(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	uint64_t start, end;
	enum bundle_status st;

	if (chosen < 0 || !dt_u64(fdt, chosen, "linux,initrd-start", &start) ||
	    !dt_u64(fdt, chosen, "linux,initrd-end", &end) || end <= start) {
		pr_info("no guest bundle (no initrd)");
		return;
	}
	st = bundle_open(&bundle, (const void *)(uintptr_t)start, end - start);
	if (st != BUNDLE_OK) {
		pr_err("guest bundle at %#llx: %s", (unsigned long long)start, bundle_status_str(st));
		return;
	}
	have_bundle = true;
	pr_info("guest bundle: %llu bytes at %#llx", (unsigned long long)(end - start),
		(unsigned long long)start);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static const struct guest_mem *boot_ram(const struct guest *g)
{
	const struct guest_mem *best = NULL;

	for (unsigned i = 0; i < g->nr_mem; i++)
		if (g->mem[i].type == GUEST_MEM_RAM && (!best || g->mem[i].ipa < best->ipa))
			best = &g->mem[i];
	return best;
}

static int find_file(const char *path, struct bundle_file *f, const char *src, char *err, size_t errlen)
{
	if (!have_bundle) {
		snprintf(err, errlen, "%s: no guest bundle to load %s from", src, path);
		return -1;
	}
	if (!bundle_find(&bundle, path, f)) {
		snprintf(err, errlen, "%s: %s is not in the guest bundle", src, path);
		return -1;
	}
	return 0;
}

static int copy_in(struct guest *g, uint64_t ipa, const void *data, size_t size, const char *what,
		   char *err, size_t errlen)
{
	void *dst = guest_ipa_to_host(g, ipa, size ? size : 1);
	char sz[24];

	if (!dst) {
		snprintf(err, errlen, "%s: %s (%s) does not fit in guest memory at %#llx", g->source,
			 what, fmt_size(sz, sizeof(sz), size), (unsigned long long)ipa);
		return -1;
	}
	memcpy(dst, data, size);
	return 0;
}

int guest_load_images(struct guest *g, char *err, size_t errlen)
{
	const struct guest_mem *ram = boot_ram(g);
	struct bundle_file kernel, initrd, dtb;
	uint64_t load_ipa, kernel_end, top;
	const uint8_t *k;
	void *dtb_buf = NULL;
	size_t dtb_size;
	int ret = -1;

	if (!ram) {
		snprintf(err, errlen, "%s: no RAM to boot from", g->source);
		return -1;
	}
	/* ROM contents first: they do not depend on anything else. */
	for (unsigned i = 0; i < g->cfg.nr_mem; i++) {
		struct bundle_file rom;
		if (g->cfg.mem[i].type != GUEST_MEM_ROM || !g->cfg.mem[i].image[0])
			continue;
		if (find_file(g->cfg.mem[i].image, &rom, g->source, err, errlen) ||
		    copy_in(g, g->mem[i].ipa, rom.data, rom.size, g->cfg.mem[i].image, err, errlen))
			return -1;
	}

	if (find_file(g->cfg.kernel, &kernel, g->source, err, errlen))
		return -1;
	k = kernel.data;
	load_ipa = ram->ipa;
	kernel_end = ram->ipa + kernel.size;
	if (kernel.size >= 64 && le64(k + IMAGE_MAGIC_OFFSET) == IMAGE_MAGIC) {
		uint64_t text_offset = le64(k + 8), image_size = le64(k + 16);
		if (!image_size)
			text_offset = LEGACY_TEXT_OFFSET;
		load_ipa = ram->ipa + text_offset;
		kernel_end = load_ipa + (image_size > kernel.size ? image_size : kernel.size);
	}
	if (kernel_end > ram->ipa + ram->size || kernel_end < load_ipa) {
		char a[24], b[24];
		snprintf(err, errlen, "%s: kernel %s (%s loaded at %#llx) is larger than RAM %s (%s)",
			 g->source, g->cfg.kernel, fmt_size(a, sizeof(a), kernel_end - load_ipa),
			 (unsigned long long)load_ipa, ram->name, fmt_size(b, sizeof(b), ram->size));
		return -1;
	}
	if (copy_in(g, load_ipa, kernel.data, kernel.size, g->cfg.kernel, err, errlen))
		return -1;
	g->entry_ipa = g->cfg.has_entry ? g->cfg.entry : load_ipa;

	/* DTB at the top of boot RAM (a DTB_MAX slot when Mantle writes it), the initrd just below. */
	g->initrd_size = 0;
	if (g->cfg.initrd[0]) {
		if (find_file(g->cfg.initrd, &initrd, g->source, err, errlen))
			return -1;
		g->initrd_size = initrd.size;
	}
	if (g->cfg.dtb[0]) {
		/* Checked once copied into guest RAM: the bundle copy may be misaligned for libfdt. */
		if (find_file(g->cfg.dtb, &dtb, g->source, err, errlen))
			return -1;
		dtb_size = dtb.size;
	} else {
		dtb_size = DTB_MAX;
	}
	top = ram->ipa + ram->size;
	g->dtb_ipa = (top - dtb_size) & ~(uint64_t)(DTB_ALIGN - 1);
	g->initrd_ipa = (g->dtb_ipa - g->initrd_size) & ~0xFFFULL;
	if (g->initrd_size && (g->initrd_ipa < kernel_end || g->initrd_ipa > g->dtb_ipa)) {
		snprintf(err, errlen, "%s: initrd %s does not fit in RAM above the kernel",
			 g->source, g->cfg.initrd);
		return -1;
	}
	if (g->dtb_ipa < kernel_end) {
		snprintf(err, errlen, "%s: no room for the DTB above the kernel in %s", g->source, ram->name);
		return -1;
	}
	if (!g->cfg.dtb[0]) {
		/* Built now: it names the initrd's place, known only from here on. */
		dtb_buf = heap_alloc(DTB_MAX);
		if (!dtb_buf) {
			snprintf(err, errlen, "%s: out of memory for the guest DTB", g->source);
			return -1;
		}
		if (guest_fdt_build(g, dtb_buf, DTB_MAX) < 0) {
			snprintf(err, errlen, "%s: cannot build the guest DTB", g->source);
			goto out;
		}
		dtb.data = dtb_buf;
		dtb_size = fdt_totalsize(dtb_buf);
	}
	if (g->initrd_size &&
	    copy_in(g, g->initrd_ipa, initrd.data, initrd.size, g->cfg.initrd, err, errlen))
		goto out;
	ret = copy_in(g, g->dtb_ipa, dtb.data, dtb_size, "the DTB", err, errlen);
	if (!ret && !dtb_buf) {
		const void *copy = guest_ipa_to_host(g, g->dtb_ipa, dtb_size);
		if (fdt_check_header(copy) || fdt_totalsize(copy) > dtb_size) {
			snprintf(err, errlen, "%s: %s is not a valid DTB", g->source, g->cfg.dtb);
			ret = -1;
		}
	}
	if (!ret) {
		/* The guest starts with caches off: what we wrote (zeroes included) must be in memory. */
		for (unsigned i = 0; i < g->nr_mem; i++)
			arch_dcache_clean_range(g->mem[i].pa, g->mem[i].size);
		arch_icache_invalidate_all();
	}
out:
	heap_free(dtb_buf);
	return ret;
}
