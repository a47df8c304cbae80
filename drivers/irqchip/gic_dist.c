#include <arch/mmu.h>
#include <drivers/mmio.h>
#include <mantle/devtree.h>
#include <mantle/irq.h>
#include <mantle/host_claims.h>
#include "gic_dist.h"

int gic_map_regions(const void *fdt, int node, uint64_t base[2], uint64_t size[2])
{
	uint64_t b, s;
	const char *holder;

	for (int i = 0; i < 2; i++) {
		if (!dt_reg(fdt, node, i, &base[i], &size[i]) || mmu_map_device(base[i], size[i]))
			return -1;
	}
	/* Every frame of the node is Mantle's (GICH/GICV included): none may be passed through. */
	for (int i = 0; dt_reg(fdt, node, i, &b, &s); i++)
		host_claim_mmio(b, s, "mantle: interrupt controller", &holder);
	return 0;
}

unsigned gic_dist_lines(uintptr_t gicd)
{
	unsigned n = 32 * ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1);

	/* 1020-1023 are special INTIDs, never lines. */
	if (n > 1020)
		n = 1020;
	return n > IRQ_MAX ? IRQ_MAX : n;
}

void gic_dist_reset_spis(uintptr_t gicd, unsigned nr_lines, bool group1)
{
	for (unsigned i = 32; i < nr_lines; i += 32) {
		if (group1)
			mmio_write32(gicd + GICD_IGROUPR + i / 8, 0xffffffff);
		mmio_write32(gicd + GICD_ICENABLER + i / 8, 0xffffffff);
		mmio_write32(gicd + GICD_ICPENDR + i / 8, 0xffffffff);
	}
	for (unsigned i = 32; i < nr_lines; i += 4)
		mmio_write32(gicd + GICD_IPRIORITYR + i, GIC_DEFAULT_PRIO * 0x01010101u);
	for (unsigned i = 32; i < nr_lines; i += 16)
		mmio_write32(gicd + GICD_ICFGR + i / 4, 0);
}

void gic_reset_private(uintptr_t frame, bool group1)
{
	if (group1)
		mmio_write32(frame + GICD_IGROUPR, 0xffffffff);
	mmio_write32(frame + GICD_ICENABLER, 0xffffffff);
	mmio_write32(frame + GICD_ICPENDR, 0xffffffff);
	for (unsigned i = 0; i < 32; i += 4)
		mmio_write32(frame + GICD_IPRIORITYR + i, GIC_DEFAULT_PRIO * 0x01010101u);
}

void gic_enable_line(uintptr_t frame, uint32_t intid, bool enable)
{
	uint32_t reg = enable ? GICD_ISENABLER : GICD_ICENABLER;

	mmio_write32(frame + reg + intid / 32 * 4, 1u << (intid % 32));
}

void gic_set_trigger(uintptr_t gicd, uint32_t intid, bool edge)
{
	uintptr_t cfg = gicd + GICD_ICFGR + intid / 16 * 4;
	uint32_t bit = 1u << ((intid % 16) * 2 + 1), v = mmio_read32(cfg);

	mmio_write32(cfg, edge ? v | bit : v & ~bit);
}
