/*
 * The emulated distributor (GICv2 and GICv3 layouts) and GICv3
 * redistributors, per the GIC architecture: read-only registers ignore
 * writes, reserved ones read as zero, byte access where the spec allows it.
 */
#include <string.h>
#include "vgic.h"

struct vgic_irq *vgic_irq(struct vgic *v, unsigned vcpu, uint32_t intid);
void vgic_update(struct vgic *v, unsigned vcpu, uint32_t intid);
unsigned vgic_spi_target(const struct vgic *v, const struct vgic_irq *irq);

#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_IIDR        0x0008
#define GICD_IGROUPR     0x0080
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_ISPENDR     0x0200
#define GICD_ICPENDR     0x0280
#define GICD_ISACTIVER   0x0300
#define GICD_ICACTIVER   0x0380
#define GICD_IPRIORITYR  0x0400
#define GICD_ITARGETSR   0x0800
#define GICD_ICFGR       0x0C00
#define GICD_SGIR        0x0F00
#define GICD_CPENDSGIR   0x0F10
#define GICD_SPENDSGIR   0x0F20
#define GICD_IROUTER     0x6000
#define GICD_PIDR2_V2    0x0FE8
#define GICD_PIDR2_V3    0xFFE8

#define GICR_CTLR        0x0000
#define GICR_IIDR        0x0004
#define GICR_TYPER       0x0008
#define GICR_WAKER       0x0014
#define GICR_PIDR2       0xFFE8
#define GICR_SGI_FRAME   0x10000
#define GICR_IGRPMODR0   0x0D00

#define IIDR_MANTLE      0x0000043B    /* implementer: ARM's JEP106 code, product 0 */
#define CTLR_ARE         (1u << 4)
#define CTLR_DS          (1u << 6)

/* Which bit-per-interrupt register a word offset in [0x080, 0x400) is, and for which INTIDs. */
enum bitreg { B_GROUP, B_SENABLE, B_CENABLE, B_SPEND, B_CPEND, B_SACTIVE, B_CACTIVE };

static bool irq_bit(const struct vgic_irq *irq, uint32_t intid, enum bitreg r)
{
	switch (r) {
	case B_GROUP: return irq->group;
	case B_SENABLE: case B_CENABLE: return irq->enabled;
	case B_SPEND: case B_CPEND:
		return intid < 16 ? irq->latch || irq->sgi_sources : irq->latch || (!irq->edge && irq->line);
	case B_SACTIVE: case B_CACTIVE: return irq->active;
	}
	return false;
}

static void irq_bit_write(struct vgic *v, unsigned vcpu, uint32_t intid, enum bitreg r, bool one)
{
	struct vgic_irq *irq = vgic_irq(v, vcpu, intid);

	if (!irq)
		return;
	switch (r) {
	case B_GROUP: irq->group = one; break;
	case B_SENABLE: if (one) irq->enabled = true; break;
	case B_CENABLE: if (one) irq->enabled = false; break;
	case B_SPEND: if (one) { irq->latch = true; irq->relatch = irq->in_lr; } break;
	case B_CPEND: if (one) { irq->latch = false; irq->sgi_sources = 0; } break;
	case B_SACTIVE: if (one) irq->active = true; break;
	case B_CACTIVE: if (one) irq->active = false; break;
	}
	if (one)
		vgic_update(v, vcpu, intid);
	else
		vgic_note(v, vcpu, intid);      /* a group moved to 0 may be the enabled one */
}

static bool decode_bitreg(uint64_t off, enum bitreg *r, uint32_t *first)
{
	static const struct { uint32_t base; enum bitreg r; } map[] = {
		{ GICD_IGROUPR, B_GROUP }, { GICD_ISENABLER, B_SENABLE }, { GICD_ICENABLER, B_CENABLE },
		{ GICD_ISPENDR, B_SPEND }, { GICD_ICPENDR, B_CPEND }, { GICD_ISACTIVER, B_SACTIVE },
		{ GICD_ICACTIVER, B_CACTIVE },
	};
	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (off >= map[i].base && off < map[i].base + 0x80) {
			*r = map[i].r;
			*first = (uint32_t)(off - map[i].base) * 8;
			return true;
		}
	}
	return false;
}

/* A bit-per-interrupt register (32 INTIDs from first) as a 32-bit value. */
static uint32_t bitreg_read(struct vgic *v, unsigned vcpu, enum bitreg r, uint32_t first, bool private_hidden)
{
	uint32_t val = 0;

	for (unsigned b = 0; b < 32; b++) {
		uint32_t intid = first + b;
		struct vgic_irq *irq = vgic_irq(v, vcpu, intid);
		if (!irq || (private_hidden && intid < VGIC_NR_PRIVATE))
			continue;
		if (irq_bit(irq, intid, r))
			val |= 1u << b;
	}
	return val;
}

static void bitreg_write(struct vgic *v, unsigned vcpu, enum bitreg r, uint32_t first, uint32_t val,
			 bool private_hidden)
{
	for (unsigned b = 0; b < 32; b++) {
		uint32_t intid = first + b;
		if (private_hidden && intid < VGIC_NR_PRIVATE)
			continue;
		/*
		 * GICv2 SGIs: always enabled (enable bits RAO/WI), and their
		 * pending bits in I[SC]PENDR0 are WI: their per-source pending
		 * state is set and cleared through GICD_[SC]PENDSGIR.
		 */
		if (v->version == 2 && intid < 16 &&
		    (r == B_SENABLE || r == B_CENABLE || r == B_SPEND || r == B_CPEND))
			continue;
		if (r == B_GROUP)
			irq_bit_write(v, vcpu, intid, r, (val >> b) & 1);
		else if ((val >> b) & 1)
			irq_bit_write(v, vcpu, intid, r, true);
	}
}

/* Priority and target registers: one byte per INTID. */
static uint64_t byte_regs_read(struct vgic *v, unsigned vcpu, uint32_t first, unsigned size, bool targets,
			       bool private_hidden)
{
	uint64_t val = 0;

	for (unsigned k = 0; k < size; k++) {
		uint32_t intid = first + k;
		struct vgic_irq *irq = vgic_irq(v, vcpu, intid);
		uint8_t byte;
		if (!irq || (private_hidden && intid < VGIC_NR_PRIVATE))
			continue;
		if (targets)
			byte = intid < VGIC_NR_PRIVATE ? (uint8_t)(1u << vcpu) : irq->targets;
		else
			byte = irq->priority;
		val |= (uint64_t)byte << (8 * k);
	}
	return val;
}

static void byte_regs_write(struct vgic *v, unsigned vcpu, uint32_t first, unsigned size, uint64_t val,
			    bool targets, bool private_hidden)
{
	for (unsigned k = 0; k < size; k++) {
		uint32_t intid = first + k;
		struct vgic_irq *irq = vgic_irq(v, vcpu, intid);
		uint8_t byte = (uint8_t)(val >> (8 * k));
		if (!irq || (private_hidden && intid < VGIC_NR_PRIVATE))
			continue;
		if (targets) {
			if (intid >= VGIC_NR_PRIVATE)       /* private targets are read-only */
				irq->targets = byte & (uint8_t)((1u << v->nr_vcpus) - 1);
		} else {
			irq->priority = byte;
		}
		vgic_update(v, vcpu, intid);
	}
}

/* GICv2 GICD_[SC]PENDSGIR: a byte per SGI, a bit per source vCPU, banked per reader. */
static uint64_t pendsgi_read(struct vgic *v, unsigned vcpu, uint32_t first, unsigned size)
{
	uint64_t val = 0;

	for (unsigned k = 0; k < size; k++)
		val |= (uint64_t)v->vcpus[vcpu].priv[first + k].sgi_sources << (8 * k);
	return val;
}

static void pendsgi_write(struct vgic *v, unsigned vcpu, uint32_t first, unsigned size, uint64_t val, bool set)
{
	uint8_t valid = (uint8_t)((1u << v->nr_vcpus) - 1);

	for (unsigned k = 0; k < size; k++) {
		struct vgic_irq *irq = &v->vcpus[vcpu].priv[first + k];
		uint8_t bits = (uint8_t)(val >> (8 * k)) & valid;
		if (set) {
			irq->sgi_sources |= bits;
			if (irq->in_lr)
				irq->sgi_relatch |= bits;
			vgic_update(v, vcpu, first + k);
		} else {
			irq->sgi_sources &= (uint8_t)~bits;
			irq->sgi_relatch &= (uint8_t)~bits;
		}
	}
}

static uint32_t icfgr_read(struct vgic *v, unsigned vcpu, uint32_t first, bool private_hidden)
{
	uint32_t val = 0;

	for (unsigned k = 0; k < 16; k++) {
		uint32_t intid = first + k;
		struct vgic_irq *irq = vgic_irq(v, vcpu, intid);
		if (irq && !(private_hidden && intid < VGIC_NR_PRIVATE) && irq->edge)
			val |= 2u << (2 * k);
	}
	return val;
}

static void icfgr_write(struct vgic *v, unsigned vcpu, uint32_t first, uint32_t val, bool private_hidden)
{
	for (unsigned k = 0; k < 16; k++) {
		uint32_t intid = first + k;
		struct vgic_irq *irq = vgic_irq(v, vcpu, intid);
		/* SGIs are edge-triggered and fixed. */
		if (!irq || intid < 16 || (private_hidden && intid < VGIC_NR_PRIVATE))
			continue;
		irq->edge = (val >> (2 * k + 1)) & 1;
		vgic_note(v, vcpu, intid);      /* a level line already high is pending now */
	}
}

/* Shared by the distributor and the GICv3 SGI frame: 0x080..0xCFF. */
static bool common_read(struct vgic *v, unsigned vcpu, uint64_t off, unsigned size, uint64_t *val,
			bool private_hidden)
{
	enum bitreg r;
	uint32_t first;

	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + VGIC_NR_IRQS) {
		*val = byte_regs_read(v, vcpu, (uint32_t)(off - GICD_IPRIORITYR), size, false, private_hidden);
		return true;
	}
	if (size != 4)
		return false;
	if (decode_bitreg(off, &r, &first)) {
		*val = bitreg_read(v, vcpu, r, first, private_hidden);
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + VGIC_NR_IRQS / 4) {
		*val = icfgr_read(v, vcpu, (uint32_t)(off - GICD_ICFGR) * 4, private_hidden);
		return true;
	}
	return false;
}

static bool common_write(struct vgic *v, unsigned vcpu, uint64_t off, unsigned size, uint64_t val,
			 bool private_hidden)
{
	enum bitreg r;
	uint32_t first;

	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + VGIC_NR_IRQS) {
		byte_regs_write(v, vcpu, (uint32_t)(off - GICD_IPRIORITYR), size, val, false, private_hidden);
		return true;
	}
	if (size != 4)
		return false;
	if (decode_bitreg(off, &r, &first)) {
		bitreg_write(v, vcpu, r, first, (uint32_t)val, private_hidden);
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + VGIC_NR_IRQS / 4) {
		icfgr_write(v, vcpu, (uint32_t)(off - GICD_ICFGR) * 4, (uint32_t)val, private_hidden);
		return true;
	}
	return false;
}

/* Byte and halfword accesses are allowed only where the architecture allows them. */
static bool size_ok(const struct vgic *v, uint64_t off, unsigned size)
{
	bool byte_ok = (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) ||
		       (v->version == 2 && off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 0x400) ||
		       (v->version == 2 && off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10);

	if (off & (size - 1))
		return false;
	if (size == 4)
		return true;
	if (size == 8)
		return v->version == 3 && off >= GICD_IROUTER && off < GICD_IROUTER + 8 * VGIC_NR_IRQS;
	return byte_ok && size == 1;
}

bool vgic_dist_read_fixed(const struct vgic *v, uint64_t off, unsigned size, uint64_t *val)
{
	if (size != 4)
		return false;
	if (off == GICD_TYPER) {
		*val = (VGIC_NR_IRQS / 32 - 1) | ((v->nr_vcpus - 1) << 5);
		if (v->version == 3)
			*val |= 9u << 19;        /* IDbits: 10-bit INTIDs */
	} else if (off == GICD_IIDR) {
		*val = IIDR_MANTLE;
	} else if ((v->version == 2 && off == GICD_PIDR2_V2) || (v->version == 3 && off == GICD_PIDR2_V3)) {
		*val = v->version << 4;       /* ArchRev */
	} else {
		return false;
	}
	return true;
}

int vgic_dist_read(struct vgic *v, unsigned vcpu, uint64_t off, unsigned size, uint64_t *val)
{
	bool are = v->version == 3;     /* affinity routing is always on for a vGICv3 */

	*val = 0;
	if (!size_ok(v, off, size) || vcpu >= v->nr_vcpus)
		return -1;
	if (vgic_dist_read_fixed(v, off, size, val)) {
		/* identification: fixed at creation */
	} else if (off == GICD_CTLR) {
		*val = v->ctlr | (v->version == 3 ? CTLR_ARE | CTLR_DS : 0);
	} else if (v->version == 2 && off >= GICD_ITARGETSR && off < GICD_ITARGETSR + VGIC_NR_IRQS) {
		*val = byte_regs_read(v, vcpu, (uint32_t)(off - GICD_ITARGETSR), size, true, false);
	} else if (v->version == 2 && off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10) {
		*val = pendsgi_read(v, vcpu, (uint32_t)(off & 0xf), size);
	} else if (v->version == 3 && off >= GICD_IROUTER + 8 * VGIC_NR_PRIVATE &&
		   off < GICD_IROUTER + 8 * VGIC_NR_IRQS) {
		struct vgic_irq *irq = vgic_irq(v, vcpu, (uint32_t)((off - GICD_IROUTER) / 8));
		*val = (off & 4) ? irq->route >> 32 : (size == 8 ? irq->route : (uint32_t)irq->route);
	} else if (!common_read(v, vcpu, off, size, val, are)) {
		*val = 0;                     /* reserved or write-only: reads as zero */
	}
	return 0;
}

int vgic_dist_write(struct vgic *v, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	bool are = v->version == 3;

	if (!size_ok(v, off, size) || vcpu >= v->nr_vcpus)
		return -1;
	if (off == GICD_CTLR) {
		v->ctlr = (uint32_t)val & 3;
		for (unsigned c = 0; c < v->nr_vcpus; c++)
			for (uint32_t i = 0; i < VGIC_NR_IRQS; i++)
				vgic_update(v, c, i);
	} else if (v->version == 2 && off == GICD_SGIR) {
		vgic_v2_sgir(v, vcpu, (uint32_t)val);
	} else if (v->version == 2 && off >= GICD_ITARGETSR && off < GICD_ITARGETSR + VGIC_NR_IRQS) {
		byte_regs_write(v, vcpu, (uint32_t)(off - GICD_ITARGETSR), size, val, true, false);
	} else if (v->version == 2 && off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10) {
		pendsgi_write(v, vcpu, (uint32_t)(off & 0xf), size, val, off >= GICD_SPENDSGIR);
	} else if (v->version == 3 && off >= GICD_IROUTER + 8 * VGIC_NR_PRIVATE &&
		   off < GICD_IROUTER + 8 * VGIC_NR_IRQS) {
		uint32_t intid = (uint32_t)((off - GICD_IROUTER) / 8);
		struct vgic_irq *irq = vgic_irq(v, vcpu, intid);
		const uint64_t valid = 0xFF00FFFFFFULL | (1ULL << 31);   /* Aff3..Aff0, IRM */
		if (size == 8)
			irq->route = val & valid;
		else if (off & 4)
			irq->route = (irq->route & 0xFFFFFFFFULL) | ((val << 32) & valid);
		else
			irq->route = (irq->route & ~0xFFFFFFFFULL) | (val & valid & 0xFFFFFFFFULL);
		vgic_update(v, vcpu, intid);
	} else {
		common_write(v, vcpu, off, size, val, are);   /* else read-only or reserved: ignored */
	}
	return 0;
}

/* ---- GICv3 redistributors: one RD_base + SGI_base pair per vCPU ---------- */

static int redist_locate(struct vgic *v, uint64_t offset, unsigned *vcpu, uint64_t *off)
{
	*vcpu = (unsigned)(offset / VGIC_REDIST_STRIDE);
	*off = offset % VGIC_REDIST_STRIDE;
	return v->version == 3 && *vcpu < v->nr_vcpus ? 0 : -1;
}

int vgic_redist_read(struct vgic *v, uint64_t offset, unsigned size, uint64_t *val)
{
	unsigned c;
	uint64_t off;

	*val = 0;
	if (redist_locate(v, offset, &c, &off) || (off & (size - 1)) || size == 2)
		return -1;
	/* RD_base holds word and doubleword registers only. */
	if (off < GICR_SGI_FRAME && size == 1)
		return -1;
	if (off >= GICR_SGI_FRAME) {
		off -= GICR_SGI_FRAME;
		if (size == 8 || (size == 1 && !(off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 32)))
			return -1;
		if (off < GICD_IGROUPR + 4 || (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 32) ||
		    off == GICD_ICFGR || off == GICD_ICFGR + 4 ||
		    (off >= GICD_ISENABLER && off < GICD_ICACTIVER + 4 && (off & 0x7f) == 0)) {
			if (!common_read(v, c, off, size, val, false))
				*val = 0;
		}
		return 0;             /* everything else in the SGI frame (IGRPMODR0 too) reads as zero */
	}
	switch (off) {
	case GICR_CTLR: *val = 0; break;
	case GICR_IIDR: *val = IIDR_MANTLE; break;
	case GICR_TYPER:
	case GICR_TYPER + 4: {
		/* Affinity 0.0.0.c, processor number c, Last on the final frame. */
		uint64_t typer = ((uint64_t)c << 32) | ((uint64_t)c << 8) |
				 (c == v->nr_vcpus - 1 ? 1u << 4 : 0);
		*val = off == GICR_TYPER ? (size == 8 ? typer : (uint32_t)typer) : typer >> 32;
		break;
	}
	case GICR_WAKER: *val = v->vcpus[c].waker; break;
	case GICR_PIDR2: *val = 3u << 4; break;
	default: *val = 0; break;
	}
	return 0;
}

int vgic_redist_write(struct vgic *v, uint64_t offset, unsigned size, uint64_t val)
{
	unsigned c;
	uint64_t off;

	if (redist_locate(v, offset, &c, &off) || (off & (size - 1)) || size == 2 || size == 8)
		return -1;
	if (off < GICR_SGI_FRAME && size == 1)
		return -1;
	if (off >= GICR_SGI_FRAME) {
		off -= GICR_SGI_FRAME;
		if (size == 1 && !(off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 32))
			return -1;
		if (off < GICD_IGROUPR + 4 || (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 32) ||
		    off == GICD_ICFGR + 4 ||
		    (off >= GICD_ISENABLER && off < GICD_ICACTIVER + 4 && (off & 0x7f) == 0))
			common_write(v, c, off, size, val, false);
		return 0;             /* read-only (ICFGR0) or reserved: ignored */
	}
	if (off == GICR_WAKER) {
		/* ChildrenAsleep follows ProcessorSleep at once: nothing to quiesce. */
		v->vcpus[c].waker = (val & (1u << 1)) ? (1u << 1) | (1u << 2) : 0;
	}
	return 0;
}
