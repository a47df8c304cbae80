/* GICv2 and GICv3 driver (see gic.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cpu.h"
#include "gic.h"
#include "mmio.h"
#include "smp.h"

/* Distributor (both versions) and, from 0x80 up, the GICv3 SGI_base frame. */
#define GICD_CTLR        0x000
#define GICD_TYPER       0x004
#define GICD_IGROUPR     0x080
#define GICD_ISENABLER   0x100
#define GICD_ICENABLER   0x180
#define GICD_ISPENDR     0x200
#define GICD_ICPENDR     0x280
#define GICD_ISACTIVER   0x300
#define GICD_ICACTIVER   0x380
#define GICD_IPRIORITYR  0x400
#define GICD_ITARGETSR   0x800	/* GICv2 */
#define GICD_ICFGR       0xc00
#define GICD_SGIR        0xf00	/* GICv2 */
#define GICD_CPENDSGIR   0xf10	/* GICv2 */
#define GICD_IROUTER     0x6000	/* GICv3, 64-bit, one per INTID */
#define GICD_PIDR2       0xffe8	/* GICv3 */

#define GICD_CTLR_EN_GRP0   (1u << 0)	/* GICv2 no Security Extensions; GICv3 DS=1 */
#define GICD_CTLR_EN_GRP1   (1u << 1)
#define GICD_CTLR_ARE       (1u << 4)	/* GICv3 (ARE_NS in the Non-secure view) */
#define GICD_CTLR_DS        (1u << 6)	/* GICv3: one Security state */
#define GICD_CTLR_RWP       (1u << 31)	/* GICv3 */
#define GICD_TYPER_SECEXT   (1u << 10)	/* GICv2: Security Extensions */

/* GICv3 redistributor, RD_base frame; the SGI_base frame follows it. */
#define GICR_CTLR        0x0000
#define GICR_TYPER       0x0008	/* 64-bit */
#define GICR_WAKER       0x0014
#define GICR_PIDR2       0xffe8
#define GICR_SGI_BASE    0x10000
#define GICR_FRAMES      0x20000	/* RD_base + SGI_base */
#define GICR_VLPI_FRAMES 0x20000	/* GICv4: VLPI_base + reserved */
#define GICR_CTLR_RWP    (1u << 3)
#define GICR_TYPER_VLPIS (1ull << 1)
#define GICR_TYPER_LAST  (1ull << 4)
#define GICR_WAKER_SLEEP (1u << 1)	/* ProcessorSleep */
#define GICR_WAKER_ASLEEP (1u << 2)	/* ChildrenAsleep */

/* GICv2 CPU interface. */
#define GICC_CTLR        0x0000
#define GICC_PMR         0x0004
#define GICC_IAR         0x000c
#define GICC_EOIR        0x0010
#define GICC_RPR         0x0014
#define GICC_DIR         0x1000
#define GICC_CTLR_EN_GRP0  (1u << 0)	/* Non-secure view: EnableGrp1 */
#define GICC_CTLR_EN_GRP1  (1u << 1)	/* no Security Extensions only */
#define GICC_CTLR_ACKCTL   (1u << 2)	/* likewise: GICC_IAR acknowledges Group 1 too */
#define GICC_CTLR_EOIMODE  (1u << 9)	/* EOImodeS, or EOImodeNS in the Non-secure view */

#define ICC_SRE_SRE        (1u << 0)
#define ICC_CTLR_EOIMODE   (1u << 1)
#define ICC_SGI1R_IRM      (1ull << 40)

#define PRIO_ALL(p)      (0x01010101u * (p))
#define DEVICE_LIMIT     (1ull << 30)	/* mmu.h: the first GiB is mapped Device */
#define POLL_MS          100

static struct {
	enum gic_type type;
	uintptr_t gicd, gicc;
	uint64_t gicc_size;
	unsigned int nr_irqs;
	unsigned int v2_ifaces;
	int v2_nonsecure;	/* GICv2 with Security Extensions: we have the Non-secure view */
	char error[120];
} gic;

static struct gic_cpu {
	int ready;
	int eoi_split;
	uintptr_t rd;		/* GICv3: this CPU's RD_base */
	uint8_t iface_mask;	/* GICv2: this CPU's bit in target lists */
	volatile struct gic_stats stats;
} cpus[FW_MAX_CPUS];

static gic_handler_t handlers[GIC_MAX_INTID];

static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" : : : "memory");
}

static unsigned int cpu_id(void)
{
	struct cpu_local *c = this_cpu();

	return c ? c->id : 0;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(gic.error, sizeof(gic.error), fmt, ap);
	va_end(ap);
	return -1;
}

const char *gic_error(void)
{
	return gic.error;
}

int gic_spi_pending_early(unsigned int intid)
{
	uint64_t gicd = platform.gicd, need = GICD_ISPENDR + 4 * (intid / 32) + 4;

	if (platform.gic == GIC_NONE || intid < GIC_NR_PRIVATE || intid >= GIC_MAX_INTID ||
	    platform.gicd_size < need || gicd >= DEVICE_LIMIT || platform.gicd_size > DEVICE_LIMIT - gicd)
		return 0;
	return (rd32(gicd + GICD_ISPENDR + 4 * (intid / 32)) & (1u << (intid % 32))) != 0;
}

enum gic_type gic_type(void)
{
	return gic.type;
}

unsigned int gic_nr_irqs(void)
{
	return gic.nr_irqs;
}

/* Waits until (*addr & mask) == want; 0, or -1 after POLL_MS. */
static int poll32(uintptr_t addr, uint32_t mask, uint32_t want)
{
	uint64_t start = time_ms();

	while ((rd32(addr) & mask) != want)
		if (time_ms() - start > POLL_MS)
			return -1;
	return 0;
}

static int mmio_ok(const char *what, uint64_t addr, uint64_t size, uint64_t need)
{
	if (size < need)
		return fail("%s at 0x%llx: %llu bytes, needs %llu", what, (unsigned long long)addr,
			    (unsigned long long)size, (unsigned long long)need);
	if (addr >= DEVICE_LIMIT || size > DEVICE_LIMIT - addr)
		return fail("%s at 0x%llx: not in the Device-mapped first GiB", what,
			    (unsigned long long)addr);
	return 0;
}

/* ---- registers of an INTID ---- */

static uintptr_t sgi_base(void)
{
	return cpus[cpu_id()].rd + GICR_SGI_BASE;
}

/* The 32-bit register of a one-bit-per-INTID bank (ISENABLER, ...) that holds intid. */
static uintptr_t bit_reg(unsigned int bank, unsigned int intid)
{
	if (gic.type == GIC_V3 && intid < GIC_NR_PRIVATE)
		return sgi_base() + bank;
	return gic.gicd + bank + 4 * (intid / 32);
}

static uint32_t bit_of(unsigned int intid)
{
	return 1u << (intid % 32);
}

/* The 32-bit register of a byte-per-INTID bank (IPRIORITYR, ITARGETSR). */
static uintptr_t byte_reg(unsigned int bank, unsigned int intid)
{
	if (gic.type == GIC_V3 && intid < GIC_NR_PRIVATE)
		return sgi_base() + bank + (intid & ~3u);
	return gic.gicd + bank + (intid & ~3u);
}

static void wait_rwp(unsigned int intid)
{
	if (gic.type != GIC_V3)
		dsb_sy();
	else if (intid < GIC_NR_PRIVATE)
		poll32(cpus[cpu_id()].rd + GICR_CTLR, GICR_CTLR_RWP, 0);
	else
		poll32(gic.gicd + GICD_CTLR, GICD_CTLR_RWP, 0);
}

void gic_enable(unsigned int intid)
{
	wr32(bit_reg(GICD_ISENABLER, intid), bit_of(intid));
	dsb_sy();
}

void gic_disable(unsigned int intid)
{
	wr32(bit_reg(GICD_ICENABLER, intid), bit_of(intid));
	wait_rwp(intid);
}

int gic_enabled(unsigned int intid)
{
	return (rd32(bit_reg(GICD_ISENABLER, intid)) & bit_of(intid)) != 0;
}

void gic_set_priority(unsigned int intid, uint8_t prio)
{
	uintptr_t reg = byte_reg(GICD_IPRIORITYR, intid);
	unsigned int shift = 8 * (intid & 3);

	wr32(reg, (rd32(reg) & ~(0xffu << shift)) | (uint32_t)prio << shift);
	dsb_sy();
}

uint8_t gic_priority(unsigned int intid)
{
	return (uint8_t)(rd32(byte_reg(GICD_IPRIORITYR, intid)) >> (8 * (intid & 3)));
}

void gic_set_pending(unsigned int intid)
{
	wr32(bit_reg(GICD_ISPENDR, intid), bit_of(intid));
	dsb_sy();
}

void gic_clear_pending(unsigned int intid)
{
	if (gic.type == GIC_V2 && intid < GIC_NR_SGIS) {
		/* GICv2 SGIs: pending per source, cleared through GICD_CPENDSGIRn. */
		uintptr_t reg = gic.gicd + GICD_CPENDSGIR + (intid & ~3u);

		wr32(reg, 0xffu << (8 * (intid & 3)));
	} else {
		wr32(bit_reg(GICD_ICPENDR, intid), bit_of(intid));
	}
	dsb_sy();
}

int gic_pending(unsigned int intid)
{
	return (rd32(bit_reg(GICD_ISPENDR, intid)) & bit_of(intid)) != 0;
}

int gic_active(unsigned int intid)
{
	return (rd32(bit_reg(GICD_ISACTIVER, intid)) & bit_of(intid)) != 0;
}

void gic_clear_active(unsigned int intid)
{
	wr32(bit_reg(GICD_ICACTIVER, intid), bit_of(intid));
	wait_rwp(intid);
}

void gic_set_edge(unsigned int intid, int edge)
{
	uintptr_t reg;
	uint32_t bit;

	if (gic.type == GIC_V3 && intid < GIC_NR_PRIVATE)
		reg = sgi_base() + GICD_ICFGR + 4 * (intid / 16);
	else
		reg = gic.gicd + GICD_ICFGR + 4 * (intid / 16);
	bit = 2u << (2 * (intid % 16));
	wr32(reg, edge ? rd32(reg) | bit : rd32(reg) & ~bit);
	dsb_sy();
}

void gic_route_to_self(unsigned int intid)
{
	if (intid < GIC_NR_PRIVATE)
		return;
	if (gic.type == GIC_V3) {
		wr64(gic.gicd + GICD_IROUTER + 8 * intid, cpu_mpidr());
	} else {
		uintptr_t reg = byte_reg(GICD_ITARGETSR, intid);
		unsigned int shift = 8 * (intid & 3);

		wr32(reg, (rd32(reg) & ~(0xffu << shift)) |
			  (uint32_t)cpus[cpu_id()].iface_mask << shift);
	}
	dsb_sy();
}

/* ---- CPU interface ---- */

void gic_set_pmr(uint8_t pmr)
{
	if (gic.type == GIC_V3) {
		write_sysreg(icc_pmr_el1, pmr);
		isb();
	} else {
		wr32(gic.gicc + GICC_PMR, pmr);
	}
	dsb_sy();
}

uint8_t gic_pmr(void)
{
	if (gic.type == GIC_V3)
		return (uint8_t)read_sysreg(icc_pmr_el1);
	return (uint8_t)rd32(gic.gicc + GICC_PMR);
}

uint8_t gic_running_priority(void)
{
	if (gic.type == GIC_V3)
		return (uint8_t)read_sysreg(icc_rpr_el1);
	return (uint8_t)rd32(gic.gicc + GICC_RPR);
}

static uint32_t v2_cpu_ctlr(int eoi_split)
{
	uint32_t ctlr = gic.v2_nonsecure ? GICC_CTLR_EN_GRP0
					 : GICC_CTLR_EN_GRP0 | GICC_CTLR_EN_GRP1 | GICC_CTLR_ACKCTL;

	return eoi_split ? ctlr | GICC_CTLR_EOIMODE : ctlr;
}

int gic_set_eoi_split(int on)
{
	struct gic_cpu *c = &cpus[cpu_id()];

	if (gic.type == GIC_V3) {
		uint64_t ctlr = read_sysreg(icc_ctlr_el1) & ~(uint64_t)ICC_CTLR_EOIMODE;

		write_sysreg(icc_ctlr_el1, on ? ctlr | ICC_CTLR_EOIMODE : ctlr);
		isb();
		if (!(read_sysreg(icc_ctlr_el1) & ICC_CTLR_EOIMODE) != !on)
			return -1;
	} else {
		if (on && gic.gicc_size < GICC_DIR + 4)
			return -1;
		wr32(gic.gicc + GICC_CTLR, v2_cpu_ctlr(on));
		if (!(rd32(gic.gicc + GICC_CTLR) & GICC_CTLR_EOIMODE) != !on)
			return -1;
	}
	c->eoi_split = on;
	return 0;
}

static void end_of_interrupt(uint32_t iar)
{
	if (gic.type == GIC_V3) {
		write_sysreg(icc_eoir1_el1, iar);
		isb();
	} else {
		wr32(gic.gicc + GICC_EOIR, iar);
	}
}

uint32_t gic_ack(void)
{
	uint32_t iar;

	if (gic.type == GIC_V3) {
		iar = (uint32_t)read_sysreg(icc_iar1_el1);
		dsb_sy();
	} else {
		iar = rd32(gic.gicc + GICC_IAR);
	}
	return iar;
}

void gic_eoi(uint32_t iar)
{
	end_of_interrupt(iar);
}

void gic_deactivate(uint32_t iar)
{
	if (gic.type == GIC_V3) {
		write_sysreg(icc_dir_el1, iar);
		isb();
	} else {
		wr32(gic.gicc + GICC_DIR, iar);
	}
	dsb_sy();
}

/* ---- SGIs ---- */

static void v2_sgir(unsigned int filter, uint8_t targets, unsigned int intid)
{
	__asm__ volatile("dsb ishst" : : : "memory");
	wr32(gic.gicd + GICD_SGIR, filter << 24 | (uint32_t)targets << 16 | (intid & 0xf));
}

static void v3_sgi1r(uint64_t val)
{
	__asm__ volatile("dsb ishst" : : : "memory");
	write_sysreg(icc_sgi1r_el1, val);
	isb();
}

void gic_send_sgi_v2_list(unsigned int intid, uint8_t targets)
{
	v2_sgir(0, targets, intid);
}

void gic_send_sgi_v3_mpidr(unsigned int intid, uint64_t mpidr)
{
	uint64_t aff0 = mpidr & 0xff;

	v3_sgi1r(((mpidr >> 32) & 0xff) << 48 |		/* Aff3 */
		 ((mpidr >> 16) & 0xff) << 32 |		/* Aff2 */
		 (aff0 / 16) << 44 |			/* RS */
		 (uint64_t)(intid & 0xf) << 24 |
		 ((mpidr >> 8) & 0xff) << 16 |		/* Aff1 */
		 1ull << (aff0 % 16));			/* target list */
}

void gic_send_sgi(unsigned int intid, unsigned int cpu)
{
	if (gic.type == GIC_V3)
		gic_send_sgi_v3_mpidr(intid, smp_mpidr(cpu));
	else
		v2_sgir(0, cpus[cpu].iface_mask, intid);
}

void gic_send_sgi_self(unsigned int intid)
{
	if (gic.type == GIC_V3)
		gic_send_sgi_v3_mpidr(intid, cpu_mpidr());
	else
		v2_sgir(2, 0, intid);	/* target list filter: the requesting CPU only */
}

void gic_send_sgi_others(unsigned int intid)
{
	if (gic.type == GIC_V3)
		v3_sgi1r(ICC_SGI1R_IRM | (uint64_t)(intid & 0xf) << 24);
	else
		v2_sgir(1, 0, intid);	/* target list filter: all but the requesting CPU */
}

unsigned int gic_cpu_iface(unsigned int cpu)
{
	return (unsigned int)__builtin_ctz(cpus[cpu].iface_mask | 0x100);
}

unsigned int gic_v2_ifaces(void)
{
	return gic.v2_ifaces;
}

/* ---- the IRQ exception ---- */

void gic_set_handler(unsigned int intid, gic_handler_t fn)
{
	if (intid < GIC_MAX_INTID)
		handlers[intid] = fn;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

int gic_handle_irq(void)
{
	struct gic_cpu *c = &cpus[cpu_id()];
	struct gic_irq irq = { 0, 0, 0, 0 };
	gic_handler_t fn;

	if (!c->ready)
		return 0;
	if (gic.type == GIC_V3) {
		irq.iar = (uint32_t)read_sysreg(icc_iar1_el1);
		dsb_sy();
		irq.intid = irq.iar & 0xffffff;
	} else {
		irq.iar = rd32(gic.gicc + GICC_IAR);
		irq.intid = irq.iar & 0x3ff;
		irq.source = (irq.iar >> 10) & 7;
	}
	if (irq.intid >= GIC_MAX_INTID && irq.intid <= GIC_SPURIOUS) {
		c->stats.spurious++;
		return 1;
	}
	fn = irq.intid < GIC_MAX_INTID ? handlers[irq.intid] : NULL;
	if (fn) {
		c->stats.handled++;
		fn(&irq);
	} else {
		/* Nobody wants it: keep it from coming back (a level one would, forever). */
		c->stats.unexpected++;
		c->stats.last_unexpected = irq.intid;
		if (irq.intid < GIC_MAX_INTID)
			gic_disable(irq.intid);
	}
	end_of_interrupt(irq.iar);
	if (c->eoi_split && !irq.keep_active)
		gic_deactivate(irq.iar);
	return 1;
}

struct gic_stats gic_stats(unsigned int cpu)
{
	struct gic_stats s;

	s.handled = cpus[cpu].stats.handled;
	s.unexpected = cpus[cpu].stats.unexpected;
	s.last_unexpected = cpus[cpu].stats.last_unexpected;
	s.spurious = cpus[cpu].stats.spurious;
	return s;
}

/* ---- GICv2 set-up ---- */

static int v2_dist_init(void)
{
	uint32_t typer = rd32(gic.gicd + GICD_TYPER);
	uint8_t self;

	gic.nr_irqs = 32 * ((typer & 0x1f) + 1);
	if (gic.nr_irqs > GIC_MAX_INTID)
		gic.nr_irqs = GIC_MAX_INTID;
	gic.v2_ifaces = ((typer >> 5) & 7) + 1;
	gic.v2_nonsecure = (typer & GICD_TYPER_SECEXT) != 0;
	/* Banked: this CPU's own bit; RAZ on a uniprocessor GIC (interface 0). */
	self = (uint8_t)rd32(gic.gicd + GICD_ITARGETSR);
	if (!self)
		self = 1;

	wr32(gic.gicd + GICD_CTLR, 0);
	for (unsigned int i = GIC_NR_PRIVATE; i < gic.nr_irqs; i += 32) {
		wr32(gic.gicd + GICD_ICENABLER + i / 8, ~0u);
		wr32(gic.gicd + GICD_ICPENDR + i / 8, ~0u);
		wr32(gic.gicd + GICD_ICACTIVER + i / 8, ~0u);
		if (!gic.v2_nonsecure)
			wr32(gic.gicd + GICD_IGROUPR + i / 8, ~0u);
	}
	for (unsigned int i = GIC_NR_PRIVATE; i < gic.nr_irqs; i += 4) {
		wr32(gic.gicd + GICD_IPRIORITYR + i, PRIO_ALL(GIC_PRIO_DEFAULT));
		wr32(gic.gicd + GICD_ITARGETSR + i, 0x01010101u * self);
	}
	wr32(gic.gicd + GICD_CTLR, gic.v2_nonsecure ? GICD_CTLR_EN_GRP0
						    : GICD_CTLR_EN_GRP0 | GICD_CTLR_EN_GRP1);
	dsb_sy();
	return 0;
}

static int v2_cpu_init(struct gic_cpu *c)
{
	c->iface_mask = (uint8_t)rd32(gic.gicd + GICD_ITARGETSR);
	if (!c->iface_mask)
		c->iface_mask = 1;
	wr32(gic.gicc + GICC_CTLR, 0);
	wr32(gic.gicd + GICD_ICENABLER, ~0u);	/* SGIs may stay enabled (IMPLEMENTATION DEFINED) */
	wr32(gic.gicd + GICD_ICPENDR, ~0u);
	for (unsigned int i = 0; i < GIC_NR_SGIS; i += 4)
		wr32(gic.gicd + GICD_CPENDSGIR + i, ~0u);
	wr32(gic.gicd + GICD_ICACTIVER, ~0u);
	if (!gic.v2_nonsecure)
		wr32(gic.gicd + GICD_IGROUPR, ~0u);
	for (unsigned int i = 0; i < GIC_NR_PRIVATE; i += 4)
		wr32(gic.gicd + GICD_IPRIORITYR + i, PRIO_ALL(GIC_PRIO_DEFAULT));
	wr32(gic.gicc + GICC_PMR, GIC_PMR_OPEN);
	wr32(gic.gicc + GICC_CTLR, v2_cpu_ctlr(0));
	dsb_sy();
	return 0;
}

/* ---- GICv3 set-up ---- */

/* This CPU's redistributor: the frame whose GICR_TYPER affinity is our MPIDR's. */
static uintptr_t v3_find_rd(uint64_t mpidr)
{
	uint32_t aff = (uint32_t)((mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff));

	for (unsigned int r = 0; r < platform.gicr_regions; r++) {
		uintptr_t base = platform.gicr[r], end = base + platform.gicr_size[r];

		while (base + GICR_FRAMES <= end) {
			uint32_t arch = (rd32(base + GICR_PIDR2) >> 4) & 0xf;
			uint64_t typer;

			if (arch != 3 && arch != 4)
				break;
			typer = rd64(base + GICR_TYPER);
			if ((uint32_t)(typer >> 32) == aff)
				return base;
			if (typer & GICR_TYPER_LAST)
				break;
			if (platform.gicr_stride)
				base += platform.gicr_stride;
			else
				base += GICR_FRAMES + (typer & GICR_TYPER_VLPIS ? GICR_VLPI_FRAMES : 0);
		}
	}
	return 0;
}

static int v3_dist_init(void)
{
	uint32_t arch = (rd32(gic.gicd + GICD_PIDR2) >> 4) & 0xf, typer;
	uint64_t self = cpu_mpidr();

	if (arch != 3 && arch != 4)
		return fail("GICD_PIDR2.ArchRev is %u, not 3 or 4", (unsigned int)arch);
	typer = rd32(gic.gicd + GICD_TYPER);
	gic.nr_irqs = 32 * ((typer & 0x1f) + 1);
	if (gic.nr_irqs > GIC_MAX_INTID)
		gic.nr_irqs = GIC_MAX_INTID;

	wr32(gic.gicd + GICD_CTLR, 0);
	if (poll32(gic.gicd + GICD_CTLR, GICD_CTLR_RWP, 0))
		return fail("GICD_CTLR.RWP stays set");
	wr32(gic.gicd + GICD_CTLR, GICD_CTLR_ARE);
	if (poll32(gic.gicd + GICD_CTLR, GICD_CTLR_RWP, 0))
		return fail("GICD_CTLR.RWP stays set");
	if (!(rd32(gic.gicd + GICD_CTLR) & GICD_CTLR_ARE))
		return fail("GICD_CTLR.ARE stays 0: no affinity routing");
	for (unsigned int i = GIC_NR_PRIVATE; i < gic.nr_irqs; i += 32) {
		wr32(gic.gicd + GICD_IGROUPR + i / 8, ~0u);
		wr32(gic.gicd + GICD_ICENABLER + i / 8, ~0u);
		wr32(gic.gicd + GICD_ICPENDR + i / 8, ~0u);
		wr32(gic.gicd + GICD_ICACTIVER + i / 8, ~0u);
	}
	if (poll32(gic.gicd + GICD_CTLR, GICD_CTLR_RWP, 0))
		return fail("GICD_CTLR.RWP stays set");
	for (unsigned int i = GIC_NR_PRIVATE; i < gic.nr_irqs; i += 4)
		wr32(gic.gicd + GICD_IPRIORITYR + i, PRIO_ALL(GIC_PRIO_DEFAULT));
	for (unsigned int i = GIC_NR_PRIVATE; i < gic.nr_irqs; i++)
		wr64(gic.gicd + GICD_IROUTER + 8 * i, self);
	/* Group 1 on (EnableGrp1 and, with DS=1, Group 0 too: bit 0 means either). */
	wr32(gic.gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_EN_GRP1 | GICD_CTLR_EN_GRP0);
	if (poll32(gic.gicd + GICD_CTLR, GICD_CTLR_RWP, 0))
		return fail("GICD_CTLR.RWP stays set");
	return 0;
}

static int v3_cpu_init(struct gic_cpu *c)
{
	uint64_t mpidr = cpu_mpidr();
	uintptr_t sgi;
	int ds = (rd32(gic.gicd + GICD_CTLR) & GICD_CTLR_DS) != 0;

	c->rd = v3_find_rd(mpidr);
	if (!c->rd)
		return fail("no redistributor for MPIDR 0x%llx", (unsigned long long)mpidr);
	wr32(c->rd + GICR_WAKER, rd32(c->rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	if (poll32(c->rd + GICR_WAKER, GICR_WAKER_ASLEEP, 0))
		return fail("GICR_WAKER.ChildrenAsleep stays set (MPIDR 0x%llx)",
			    (unsigned long long)mpidr);

	/* The system register interface: needed for everything below. */
	write_sysreg(icc_sre_el1, read_sysreg(icc_sre_el1) | ICC_SRE_SRE);
	isb();
	if (!(read_sysreg(icc_sre_el1) & ICC_SRE_SRE))
		return fail("ICC_SRE_EL1.SRE stays 0");
	write_sysreg(icc_igrpen1_el1, 0);
	isb();

	sgi = c->rd + GICR_SGI_BASE;
	wr32(sgi + GICD_ICENABLER, ~0u);
	if (poll32(c->rd + GICR_CTLR, GICR_CTLR_RWP, 0))
		return fail("GICR_CTLR.RWP stays set");
	wr32(sgi + GICD_ICPENDR, ~0u);
	wr32(sgi + GICD_ICACTIVER, ~0u);
	wr32(sgi + GICD_IGROUPR, ~0u);
	if (ds && rd32(sgi + GICD_IGROUPR) != ~0u)
		return fail("GICR_IGROUPR0 reads 0x%08x after writing ones (DS=1)",
			    (unsigned int)rd32(sgi + GICD_IGROUPR));
	for (unsigned int i = 0; i < GIC_NR_PRIVATE; i += 4)
		wr32(sgi + GICD_IPRIORITYR + i, PRIO_ALL(GIC_PRIO_DEFAULT));
	dsb_sy();

	write_sysreg(icc_pmr_el1, GIC_PMR_OPEN);
	write_sysreg(icc_bpr1_el1, 0);
	write_sysreg(icc_ctlr_el1, read_sysreg(icc_ctlr_el1) & ~(uint64_t)ICC_CTLR_EOIMODE);
	/* Active priorities left by an interrupt nobody ended (a failed run): drop them. */
	if (read_sysreg(icc_ap1r0_el1))
		write_sysreg(icc_ap1r0_el1, 0);
	write_sysreg(icc_igrpen1_el1, 1);
	isb();
	return 0;
}

/* ---- entry points ---- */

int gic_cpu_init(void)
{
	struct gic_cpu *c = &cpus[cpu_id()];
	int err;

	c->ready = 0;
	c->eoi_split = 0;
	c->stats.handled = c->stats.unexpected = c->stats.spurious = 0;
	c->stats.last_unexpected = 0;
	if (gic.type == GIC_V3)
		err = v3_cpu_init(c);
	else if (gic.type == GIC_V2)
		err = v2_cpu_init(c);
	else
		err = fail("no GIC set up");
	if (err)
		return err;
	__atomic_store_n(&c->ready, 1, __ATOMIC_RELEASE);
	return 0;
}

void gic_cpu_off(void)
{
	struct gic_cpu *c = &cpus[cpu_id()];

	if (gic.type == GIC_V3) {
		write_sysreg(icc_igrpen1_el1, 0);
		isb();
	} else if (gic.type == GIC_V2) {
		wr32(gic.gicc + GICC_CTLR, 0);
		dsb_sy();
	}
	c->ready = 0;
}

int gic_init(void)
{
	int err;

	memset(&gic, 0, sizeof(gic));
	memset(handlers, 0, sizeof(handlers));
	for (unsigned int i = 0; i < FW_MAX_CPUS; i++) {
		cpus[i].ready = 0;
		cpus[i].stats.handled = cpus[i].stats.unexpected = cpus[i].stats.spurious = 0;
		cpus[i].stats.last_unexpected = 0;
	}
	switch (platform.gic) {
	case GIC_V2:
		if (mmio_ok("GICD", platform.gicd, platform.gicd_size, 0x1000) ||
		    mmio_ok("GICC", platform.gicc, platform.gicc_size, 0x1000))
			return -1;
		gic.gicd = platform.gicd;
		gic.gicc = platform.gicc;
		gic.gicc_size = platform.gicc_size;
		gic.type = GIC_V2;
		err = v2_dist_init();
		break;
	case GIC_V3:
		if (mmio_ok("GICD", platform.gicd, platform.gicd_size, 0x10000))
			return -1;
		for (unsigned int r = 0; r < platform.gicr_regions; r++)
			if (mmio_ok("GICR", platform.gicr[r], platform.gicr_size[r], GICR_FRAMES))
				return -1;
		gic.gicd = platform.gicd;
		gic.type = GIC_V3;
		err = v3_dist_init();
		break;
	default:
		return fail("no interrupt controller in the DTB");
	}
	if (err) {
		gic.type = GIC_NONE;
		return err;
	}
	return gic_cpu_init();
}
