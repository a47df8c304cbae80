/* ARM GICv2: distributor and CPU interface through MMIO. */
#include <stddef.h>
#include <drivers/mmio.h>
#include <mantle/driver.h>
#include <mantle/devtree.h>
#include <mantle/irq.h>
#include <mantle/percpu.h>
#include <mantle/log.h>
#include <arch/mmu.h>
#include <mantle/host_claims.h>
#include "gic_dist.h"

#define GICD_ITARGETSR  0x800
#define GICD_SGIR       0xF00

#define GICC_CTLR       0x00
#define GICC_PMR        0x04
#define GICC_BPR        0x08
#define GICC_IAR        0x0C
#define GICC_EOIR       0x10
#define GICC_DIR        0x1000
#define GICC_CTLR_EOIMODE (3u << 9)    /* EOImodeS and EOImodeNS: EOI drops priority only */

static uintptr_t gicd, gicc;
static unsigned nr_lines;

static void gicv2_cpu_init(void)
{
	struct pcpu *pc = this_pcpu();

	/* Each CPU's own interface number reads back from the banked ITARGETSR0. */
	pc->gic_cpu_mask = mmio_read32(gicd + GICD_ITARGETSR) & 0xff;
	gic_reset_private(gicd, false);
	mmio_write32(gicc + GICC_PMR, 0xF0);
	mmio_write32(gicc + GICC_BPR, 0);
	mmio_write32(gicc + GICC_CTLR, 1 | GICC_CTLR_EOIMODE);
}

static uint32_t gicv2_ack(void) { return mmio_read32(gicc + GICC_IAR); }
static void gicv2_eoi(uint32_t raw) { mmio_write32(gicc + GICC_EOIR, raw); }
static void gicv2_deactivate(uint32_t raw) { mmio_write32(gicc + GICC_DIR, raw); }

static void gicv2_enable(uint32_t intid)
{
	if (intid < nr_lines)
		gic_enable_line(gicd, intid, true);
}

static void gicv2_disable(uint32_t intid)
{
	if (intid < nr_lines)
		gic_enable_line(gicd, intid, false);
}

static void gicv2_configure(uint32_t intid, bool edge, unsigned cpu)
{
	if (intid < 32 || intid >= nr_lines)
		return;
	gic_set_trigger(gicd, intid, edge);
	mmio_write8(gicd + GICD_ITARGETSR + intid, (uint8_t)pcpus[cpu].gic_cpu_mask);
}

static void gicv2_send_sgi(unsigned cpu, uint32_t sgi)
{
	dsb(ishst);
	mmio_write32(gicd + GICD_SGIR, (pcpus[cpu].gic_cpu_mask << 16) | (sgi & 0xf));
}

static struct gic_virt_info gicv2_virt;

static struct irqchip gicv2_chip = {
	.name = "arm,cortex-a15-gic",
	.version = 2,
	.cpu_init = gicv2_cpu_init,
	.ack = gicv2_ack,
	.eoi = gicv2_eoi,
	.deactivate = gicv2_deactivate,
	.enable = gicv2_enable,
	.disable = gicv2_disable,
	.configure = gicv2_configure,
	.send_sgi = gicv2_send_sgi,
	.virt = NULL,             /* set at probe when the DT gives GICH and GICV */
};

static int gicv2_probe(const void *fdt, int node)
{
	uint64_t base[2], size[2];

	if (gic_map_regions(fdt, node, base, size))
		return -1;
	gicd = base[0];
	gicc = base[1];
	nr_lines = gic_dist_lines(gicd);

	mmio_write32(gicd + GICD_CTLR, 0);
	gic_dist_reset_spis(gicd, nr_lines, false);
	mmio_write32(gicd + GICD_CTLR, 1);

	{
		uint64_t h, hsz, vpa, vsz;
		if (dt_reg(fdt, node, 2, &h, &hsz) && dt_reg(fdt, node, 3, &vpa, &vsz) &&
		    !mmu_map_device(h, hsz)) {
			const char *holder;
			host_claim_mmio(h, hsz, "mantle: interrupt controller", &holder);
			host_claim_mmio(vpa, vsz, "mantle: interrupt controller", &holder);
			gicv2_virt.gich = h;
			gicv2_virt.gicv_pa = vpa;
			gicv2_virt.gicv_size = vsz;
			/* GICH_VTR: ListRegs (5:0), PRIbits (31:29), both minus one. */
			gicv2_virt.nr_lrs = (mmio_read32(h + 0x4) & 0x3f) + 1;
			gicv2_virt.pri_bits = ((mmio_read32(h + 0x4) >> 29) & 7) + 1;
			gicv2_chip.virt = &gicv2_virt;
		}
	}
	irq_set_chip(&gicv2_chip);
	pr_info("irqchip: GICv2, distributor %#llx, cpu interface %#llx, %u lines",
		(unsigned long long)base[0], (unsigned long long)base[1], nr_lines);
	return 0;
}

static const char *const gicv2_compat[] = { "arm,cortex-a15-gic", "arm,gic-400", "arm,cortex-a9-gic", NULL };
static const struct driver gicv2_driver = {
	.name = "gicv2",
	.cls = DRIVER_IRQCHIP,
	.compatible = gicv2_compat,
	.probe = gicv2_probe,
};
DRIVER_REGISTER(gicv2_driver);
