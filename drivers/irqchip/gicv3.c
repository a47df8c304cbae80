/* ARM GICv3: distributor and redistributors through MMIO, CPU interface through ICC_* registers. */
#include <stddef.h>
#include <arch/sysreg.h>
#include <drivers/mmio.h>
#include <mantle/driver.h>
#include <mantle/devtree.h>
#include <mantle/irq.h>
#include <mantle/percpu.h>
#include <mantle/log.h>
#include "gic_dist.h"

#define GICD_IROUTER    0x6000
#define GICD_CTLR_RWP   (1u << 31)
#define GICD_CTLR_ARE   (1u << 4)
#define GICD_CTLR_GRP1  (1u << 1)
#define GICD_CTLR_GRP0  (1u << 0)

#define GICR_TYPER      0x0008
#define GICR_WAKER      0x0014
#define GICR_SGI_BASE   0x10000
#define GICR_TYPER_VLPIS (1u << 1)
#define GICR_TYPER_LAST (1u << 4)
#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)

#define ICC_SRE_SRE     (1u << 0)
#define ICC_SRE_ENABLE  (1u << 3)


static uintptr_t gicd, gicr_start;
static uint64_t gicr_size;
static unsigned nr_lines;

static void wait_rwp(void)
{
	for (unsigned i = 0; i < 1000000 && (mmio_read32(gicd + GICD_CTLR) & GICD_CTLR_RWP); i++)
		;
}

/* Affinity as GICR_TYPER and GICD_IROUTER lay it out: Aff3.Aff2.Aff1.Aff0. */
static uint32_t mpidr_to_aff(uint64_t mpidr)
{
	return (uint32_t)(((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff));
}

static uintptr_t find_redistributor(uint64_t mpidr)
{
	uint32_t aff = mpidr_to_aff(mpidr);

	for (uintptr_t rd = gicr_start; rd < gicr_start + gicr_size;) {
		uint64_t typer = mmio_read64(rd + GICR_TYPER);
		if ((uint32_t)(typer >> 32) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		rd += (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
	}
	return 0;
}

static void gicv3_cpu_init(void)
{
	struct pcpu *pc = this_pcpu();
	uintptr_t rd = find_redistributor(arch_mpidr()), sgi;

	if (!rd)
		panic("gicv3: no redistributor for MPIDR %#llx", (unsigned long long)arch_mpidr());
	pc->gicr_base = rd;
	sgi = rd + GICR_SGI_BASE;

	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~WAKER_PROCESSOR_SLEEP);
	for (unsigned i = 0; i < 1000000 && (mmio_read32(rd + GICR_WAKER) & WAKER_CHILDREN_ASLEEP); i++)
		;
	gic_reset_private(sgi, true);

	write_sysreg(icc_sre_el2, read_sysreg(icc_sre_el2) | ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	write_sysreg(icc_pmr_el1, 0xF0);
	write_sysreg(icc_bpr1_el1, 0);
	/* EOImode 1: EOI drops priority only, so a forwarded interrupt stays active for its guest. */
	write_sysreg(icc_ctlr_el1, 1u << 1);
	write_sysreg(icc_igrpen1_el1, 1);
	isb();
}

static uint32_t gicv3_ack(void)
{
	uint32_t v = (uint32_t)read_sysreg(icc_iar1_el1);
	dsb(sy);
	return v;
}

static void gicv3_eoi(uint32_t raw)
{
	write_sysreg(icc_eoir1_el1, raw);
	isb();
}

/* SGIs and PPIs live in this CPU's redistributor, SPIs in the distributor. */
static void gicv3_deactivate(uint32_t raw)
{
	write_sysreg(s3_0_c12_c11_1, raw);      /* ICC_DIR_EL1 */
	isb();
}

static uintptr_t enable_frame(uint32_t intid)
{
	return intid < 32 ? this_pcpu()->gicr_base + GICR_SGI_BASE : gicd;
}

static void gicv3_enable(uint32_t intid)
{
	if (intid < nr_lines)
		gic_enable_line(enable_frame(intid), intid, true);
}

static void gicv3_disable(uint32_t intid)
{
	if (intid < nr_lines)
		gic_enable_line(enable_frame(intid), intid, false);
}

static void gicv3_configure(uint32_t intid, bool edge, unsigned cpu)
{
	uint64_t mpidr = pcpus[cpu].mpidr;

	if (intid < 32 || intid >= nr_lines)
		return;
	gic_set_trigger(gicd, intid, edge);
	mmio_write64(gicd + GICD_IROUTER + intid * 8, ((mpidr >> 32) & 0xff) << 32 | (mpidr & 0xffffff));
}

static void gicv3_send_sgi(unsigned cpu, uint32_t sgi)
{
	uint64_t mpidr = pcpus[cpu].mpidr, aff0 = mpidr & 0xff;
	uint64_t v = (1ULL << (aff0 % 16)) | ((mpidr >> 8) & 0xff) << 16 |
		     (uint64_t)(sgi & 0xf) << 24 | ((mpidr >> 16) & 0xff) << 32 |
		     (aff0 / 16) << 44 | ((mpidr >> 32) & 0xff) << 48;

	dsb(ishst);
	write_sysreg(icc_sgi1r_el1, v);
	isb();
}

static struct gic_virt_info gicv3_virt;

static const struct irqchip gicv3_chip = {
	.name = "arm,gic-v3",
	.version = 3,
	.cpu_init = gicv3_cpu_init,
	.ack = gicv3_ack,
	.eoi = gicv3_eoi,
	.deactivate = gicv3_deactivate,
	.enable = gicv3_enable,
	.disable = gicv3_disable,
	.configure = gicv3_configure,
	.send_sgi = gicv3_send_sgi,
	.virt = &gicv3_virt,
};

static int gicv3_probe(const void *fdt, int node)
{
	uint64_t base[2], size[2];

	if (gic_map_regions(fdt, node, base, size))
		return -1;
	gicd = base[0];
	gicr_start = base[1];
	gicr_size = size[1];
	nr_lines = gic_dist_lines(gicd);

	mmio_write32(gicd + GICD_CTLR, 0);
	wait_rwp();
	gic_dist_reset_spis(gicd, nr_lines, true);
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1 | GICD_CTLR_GRP0);
	wait_rwp();

	{
		/* ICH_VTR_EL2: ListRegs (4:0) and PRIbits (31:29), both minus one. */
		uint64_t vtr = read_sysreg(s3_4_c12_c11_1);
		gicv3_virt.nr_lrs = (vtr & 0x1f) + 1;
		gicv3_virt.pri_bits = ((vtr >> 29) & 7) + 1;
	}
	irq_set_chip(&gicv3_chip);
	pr_info("irqchip: GICv3, distributor %#llx, redistributors %#llx+%#llx, %u lines",
		(unsigned long long)base[0], (unsigned long long)base[1], (unsigned long long)size[1],
		nr_lines);
	return 0;
}

static const char *const gicv3_compat[] = { "arm,gic-v3", NULL };
static const struct driver gicv3_driver = {
	.name = "gicv3",
	.cls = DRIVER_IRQCHIP,
	.compatible = gicv3_compat,
	.probe = gicv3_probe,
};
DRIVER_REGISTER(gicv3_driver);
