/* ARM GICv2: distributor and CPU interface through MMIO. */
#include <stddef.h>
#include <arch/mmu.h>
#include <drivers/mmio.h>
#include <mantle/driver.h>
#include <mantle/devtree.h>
#include <mantle/irq.h>
#include <mantle/percpu.h>
#include <mantle/log.h>

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ICPENDR    0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xC00
#define GICD_SGIR       0xF00

#define GICC_CTLR       0x00
#define GICC_PMR        0x04
#define GICC_BPR        0x08
#define GICC_IAR        0x0C
#define GICC_EOIR       0x10

#define DEFAULT_PRIO    0xA0

static uintptr_t gicd, gicc;
static unsigned nr_lines;

static void gicv2_cpu_init(void)
{
	struct pcpu *pc = this_pcpu();

	/* Each CPU's own interface number reads back from the banked ITARGETSR0. */
	pc->gic_cpu_mask = mmio_read32(gicd + GICD_ITARGETSR) & 0xff;
	mmio_write32(gicd + GICD_ICENABLER, 0xffffffff);
	mmio_write32(gicd + GICD_ICPENDR, 0xffffffff);
	for (unsigned i = 0; i < 32; i += 4)
		mmio_write32(gicd + GICD_IPRIORITYR + i, DEFAULT_PRIO * 0x01010101u);
	mmio_write32(gicc + GICC_PMR, 0xF0);
	mmio_write32(gicc + GICC_BPR, 0);
	mmio_write32(gicc + GICC_CTLR, 1);
}

static uint32_t gicv2_ack(void) { return mmio_read32(gicc + GICC_IAR); }
static void gicv2_eoi(uint32_t raw) { mmio_write32(gicc + GICC_EOIR, raw); }

static void gicv2_enable(uint32_t intid)
{
	if (intid < nr_lines)
		mmio_write32(gicd + GICD_ISENABLER + intid / 32 * 4, 1u << (intid % 32));
}

static void gicv2_disable(uint32_t intid)
{
	if (intid < nr_lines)
		mmio_write32(gicd + GICD_ICENABLER + intid / 32 * 4, 1u << (intid % 32));
}

static void gicv2_configure(uint32_t intid, bool edge, unsigned cpu)
{
	uintptr_t cfg = gicd + GICD_ICFGR + intid / 16 * 4;
	uint32_t shift = (intid % 16) * 2 + 1, v;

	if (intid < 32 || intid >= nr_lines)
		return;
	v = mmio_read32(cfg);
	v = edge ? v | (1u << shift) : v & ~(1u << shift);
	mmio_write32(cfg, v);
	mmio_write8(gicd + GICD_ITARGETSR + intid, (uint8_t)pcpus[cpu].gic_cpu_mask);
}

static void gicv2_send_sgi(unsigned cpu, uint32_t sgi)
{
	dsb(ishst);
	mmio_write32(gicd + GICD_SGIR, (pcpus[cpu].gic_cpu_mask << 16) | (sgi & 0xf));
}

static const struct irqchip gicv2_chip = {
	.name = "arm,cortex-a15-gic",
	.version = 2,
	.cpu_init = gicv2_cpu_init,
	.ack = gicv2_ack,
	.eoi = gicv2_eoi,
	.enable = gicv2_enable,
	.disable = gicv2_disable,
	.configure = gicv2_configure,
	.send_sgi = gicv2_send_sgi,
};

static int gicv2_probe(const void *fdt, int node)
{
	uint64_t d, dsz, c, csz;

	if (!dt_reg(fdt, node, 0, &d, &dsz) || !dt_reg(fdt, node, 1, &c, &csz))
		return -1;
	if (mmu_map_device(d, dsz) || mmu_map_device(c, csz))
		return -1;
	gicd = d;
	gicc = c;
	nr_lines = 32 * ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1);
	if (nr_lines > IRQ_MAX)
		nr_lines = IRQ_MAX;

	mmio_write32(gicd + GICD_CTLR, 0);
	for (unsigned i = 32; i < nr_lines; i += 32) {
		mmio_write32(gicd + GICD_ICENABLER + i / 8, 0xffffffff);
		mmio_write32(gicd + GICD_ICPENDR + i / 8, 0xffffffff);
	}
	for (unsigned i = 32; i < nr_lines; i += 4)
		mmio_write32(gicd + GICD_IPRIORITYR + i, DEFAULT_PRIO * 0x01010101u);
	for (unsigned i = 32; i < nr_lines; i += 16)
		mmio_write32(gicd + GICD_ICFGR + i / 4, 0);
	mmio_write32(gicd + GICD_CTLR, 1);

	irq_set_chip(&gicv2_chip);
	pr_info("irqchip: GICv2, distributor %#llx, cpu interface %#llx, %u lines",
		(unsigned long long)d, (unsigned long long)c, nr_lines);
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
