/* ARM GICv3: distributor and redistributors through MMIO, CPU interface through ICC_* registers. */
#include <stddef.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <drivers/mmio.h>
#include <mantle/driver.h>
#include <mantle/devtree.h>
#include <mantle/irq.h>
#include <mantle/percpu.h>
#include <mantle/log.h>

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IGROUPR    0x0080
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ICPENDR    0x0280
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR      0x0C00
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

#define DEFAULT_PRIO    0xA0

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
	mmio_write32(sgi + GICD_IGROUPR, 0xffffffff);
	mmio_write32(sgi + GICD_ICENABLER, 0xffffffff);
	mmio_write32(sgi + GICD_ICPENDR, 0xffffffff);
	for (unsigned i = 0; i < 32; i += 4)
		mmio_write32(sgi + GICD_IPRIORITYR + i, DEFAULT_PRIO * 0x01010101u);

	write_sysreg(icc_sre_el2, read_sysreg(icc_sre_el2) | ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	write_sysreg(icc_pmr_el1, 0xF0);
	write_sysreg(icc_bpr1_el1, 0);
	write_sysreg(icc_ctlr_el1, 0);
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

static uintptr_t enable_reg(uint32_t intid, uint32_t off)
{
	if (intid < 32)
		return this_pcpu()->gicr_base + GICR_SGI_BASE + off;
	return gicd + off + intid / 32 * 4;
}

static void gicv3_enable(uint32_t intid)
{
	if (intid < nr_lines)
		mmio_write32(enable_reg(intid, GICD_ISENABLER), 1u << (intid % 32));
}

static void gicv3_disable(uint32_t intid)
{
	if (intid < nr_lines)
		mmio_write32(enable_reg(intid, GICD_ICENABLER), 1u << (intid % 32));
}

static void gicv3_configure(uint32_t intid, bool edge, unsigned cpu)
{
	uintptr_t cfg = gicd + GICD_ICFGR + intid / 16 * 4;
	uint32_t shift = (intid % 16) * 2 + 1, v;
	uint64_t mpidr = pcpus[cpu].mpidr;

	if (intid < 32 || intid >= nr_lines)
		return;
	v = mmio_read32(cfg);
	v = edge ? v | (1u << shift) : v & ~(1u << shift);
	mmio_write32(cfg, v);
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

static const struct irqchip gicv3_chip = {
	.name = "arm,gic-v3",
	.version = 3,
	.cpu_init = gicv3_cpu_init,
	.ack = gicv3_ack,
	.eoi = gicv3_eoi,
	.enable = gicv3_enable,
	.disable = gicv3_disable,
	.configure = gicv3_configure,
	.send_sgi = gicv3_send_sgi,
};

static int gicv3_probe(const void *fdt, int node)
{
	uint64_t d, dsz, r, rsz;

	if (!dt_reg(fdt, node, 0, &d, &dsz) || !dt_reg(fdt, node, 1, &r, &rsz))
		return -1;
	if (mmu_map_device(d, dsz) || mmu_map_device(r, rsz))
		return -1;
	gicd = d;
	gicr_start = r;
	gicr_size = rsz;
	nr_lines = 32 * ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1);
	if (nr_lines > 1020)
		nr_lines = 1020;
	if (nr_lines > IRQ_MAX)
		nr_lines = IRQ_MAX;

	mmio_write32(gicd + GICD_CTLR, 0);
	wait_rwp();
	for (unsigned i = 32; i < nr_lines; i += 32) {
		mmio_write32(gicd + GICD_IGROUPR + i / 8, 0xffffffff);
		mmio_write32(gicd + GICD_ICENABLER + i / 8, 0xffffffff);
		mmio_write32(gicd + GICD_ICPENDR + i / 8, 0xffffffff);
	}
	for (unsigned i = 32; i < nr_lines; i += 4)
		mmio_write32(gicd + GICD_IPRIORITYR + i, DEFAULT_PRIO * 0x01010101u);
	for (unsigned i = 32; i < nr_lines; i += 16)
		mmio_write32(gicd + GICD_ICFGR + i / 4, 0);
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1 | GICD_CTLR_GRP0);
	wait_rwp();

	irq_set_chip(&gicv3_chip);
	pr_info("irqchip: GICv3, distributor %#llx, redistributors %#llx+%#llx, %u lines",
		(unsigned long long)d, (unsigned long long)r, (unsigned long long)rsz, nr_lines);
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
