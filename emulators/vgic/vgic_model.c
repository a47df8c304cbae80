/* Interrupt state of a virtual GIC and its exchange with list registers. */
#include <string.h>
#include "vgic.h"

#define DEFAULT_PRIORITY 0xA0

struct vgic_irq *vgic_irq(struct vgic *v, unsigned vcpu, uint32_t intid);

struct vgic_irq *vgic_irq(struct vgic *v, unsigned vcpu, uint32_t intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu < v->nr_vcpus ? &v->vcpus[vcpu].priv[intid] : NULL;
	return intid < VGIC_NR_IRQS ? &v->spis[intid - VGIC_NR_PRIVATE] : NULL;
}

static void reset_irq(struct vgic_irq *irq, bool edge, uint8_t targets)
{
	memset(irq, 0, sizeof(*irq));
	irq->edge = edge;
	irq->targets = targets;
	/* A single security state: everything is Group 1 from reset on GICv3. */
}

void vgic_reset(struct vgic *v)
{
	v->ctlr = 0;
	for (unsigned c = 0; c < v->nr_vcpus; c++) {
		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++) {
			reset_irq(&v->vcpus[c].priv[i], i < 16, (uint8_t)(1u << c));
			v->vcpus[c].priv[i].group = v->version == 3;
			/* SGIs are always enabled on GICv2. */
			v->vcpus[c].priv[i].enabled = v->version == 2 && i < 16;
		}
		v->vcpus[c].waker = (1u << 1) | (1u << 2);   /* ProcessorSleep, ChildrenAsleep */
		memset(v->vcpus[c].interest, 0xff, sizeof(v->vcpus[c].interest));
		v->vcpus[c].notes++;
	}
	for (unsigned i = 0; i < VGIC_NR_IRQS - VGIC_NR_PRIVATE; i++) {
		reset_irq(&v->spis[i], false, 0);
		v->spis[i].group = v->version == 3;
	}
}

void vgic_init(struct vgic *v, unsigned version, unsigned nr_vcpus,
	       void (*kick)(void *ctx, unsigned idx), void *kick_ctx)
{
	memset(v, 0, sizeof(*v));
	v->version = version;
	v->nr_vcpus = nr_vcpus > VGIC_MAX_VCPUS ? VGIC_MAX_VCPUS : nr_vcpus;
	v->kick = kick;
	v->kick_ctx = kick_ctx;
	vgic_reset(v);
}

static bool is_pending(const struct vgic_irq *irq, uint32_t intid)
{
	if (intid < 16)
		return irq->latch || irq->sgi_sources;
	return irq->latch || (!irq->edge && irq->line);
}

/* The vCPU an SPI is delivered to (first of its targets / its routing affinity). */
unsigned vgic_spi_target(const struct vgic *v, const struct vgic_irq *irq);
unsigned vgic_spi_target(const struct vgic *v, const struct vgic_irq *irq)
{
	if (v->version == 3) {
		unsigned aff0 = irq->route & 0xff;
		/* IRM (bit 31): any vCPU may take it; vCPU 0 does. */
		if ((irq->route >> 31) & 1)
			return 0;
		/* vCPU n is 0.0.0.n: a route naming another Aff3.Aff2.Aff1 names no vCPU at all. */
		if (irq->route & 0xFF00FFFF00ULL)
			return v->nr_vcpus;
		return aff0 < v->nr_vcpus ? aff0 : v->nr_vcpus;
	}
	for (unsigned c = 0; c < v->nr_vcpus; c++)
		if (irq->targets & (1u << c))
			return c;
	return v->nr_vcpus;       /* no target: nobody gets it */
}

static bool group_enabled(const struct vgic *v, const struct vgic_irq *irq)
{
	/* GICD_CTLR: EnableGrp0 = bit 0, EnableGrp1 = bit 1. */
	return (v->ctlr >> (irq->group ? 1 : 0)) & 1;
}

/* Pending, enabled, and its group enabled: the distributor would forward it. */
static bool forwardable(const struct vgic *v, const struct vgic_irq *irq, uint32_t intid)
{
	return irq->enabled && is_pending(irq, intid) && group_enabled(v, irq);
}

static bool deliverable(const struct vgic *v, const struct vgic_irq *irq, uint32_t intid)
{
	return !irq->active && forwardable(v, irq, intid);
}

static bool v2_sgi(const struct vgic *v, uint32_t intid)
{
	return v->version == 2 && intid < 16;
}

/*
 * The pending state a flush hands to a list register. While the interrupt
 * is active only a new edge (for a GICv2 SGI: the active source sending
 * again) can sit pending in the same LR; a level interrupt re-pends after
 * its deactivation, which eoi_notify reports.
 */
static bool lr_pending_state(const struct vgic *v, const struct vgic_irq *irq, uint32_t intid)
{
	if (!forwardable(v, irq, intid))
		return false;
	if (!irq->active)
		return true;
	if (v2_sgi(v, intid))
		return (irq->sgi_sources >> irq->active_source) & 1;
	return irq->edge && irq->latch;
}

void vgic_note(struct vgic *v, unsigned vcpu, uint32_t intid)
{
	uint64_t bit = 1ULL << (intid % 64);

	if (intid >= VGIC_NR_IRQS)
		return;
	if (intid < VGIC_NR_PRIVATE) {
		if (vcpu < v->nr_vcpus) {
			v->vcpus[vcpu].interest[intid / 64] |= bit;
			v->vcpus[vcpu].notes++;
		}
		return;
	}
	/* An SPI's target may change without its state changing: every vCPU looks again. */
	for (unsigned c = 0; c < v->nr_vcpus; c++) {
		v->vcpus[c].interest[intid / 64] |= bit;
		v->vcpus[c].notes++;
	}
}

/* Tell the vCPU that owns intid if the interrupt has something new for it to take. */
void vgic_update(struct vgic *v, unsigned vcpu, uint32_t intid);
void vgic_update(struct vgic *v, unsigned vcpu, uint32_t intid)
{
	struct vgic_irq *irq = vgic_irq(v, vcpu, intid);
	unsigned target;

	vgic_note(v, vcpu, intid);
	if (!irq || !v->kick)
		return;
	target = intid < VGIC_NR_PRIVATE ? vcpu : vgic_spi_target(v, irq);
	/*
	 * An active edge interrupt (or SGI) that is pending again needs a new
	 * flush too: it goes into the LR as active+pending (or, for another
	 * GICv2 source, with eoi_notify), else it waits for an unrelated exit.
	 */
	if (target < v->nr_vcpus && forwardable(v, irq, intid) && (!irq->active || irq->edge))
		v->kick(v->kick_ctx, target);
}

void vgic_set_hw(struct vgic *v, uint32_t intid, uint32_t hw_intid)
{
	struct vgic_irq *irq = vgic_irq(v, 0, intid);

	if (irq && intid >= VGIC_NR_PRIVATE)
		irq->hw_intid = hw_intid;
}

void vgic_raise_hw(struct vgic *v, uint32_t intid)
{
	struct vgic_irq *irq = vgic_irq(v, 0, intid);

	if (!irq || intid < VGIC_NR_PRIVATE || !irq->hw_intid)
		return;
	/* One physical activation, one virtual one: latched like an edge. */
	irq->latch = true;
	irq->relatch = irq->in_lr;
	vgic_update(v, 0, intid);
}

void vgic_set_line(struct vgic *v, unsigned vcpu, uint32_t intid, bool level)
{
	struct vgic_irq *irq = vgic_irq(v, vcpu, intid);

	/* The same level again changes nothing: no flush to redo, nobody to kick. */
	if (!irq || intid < 16 || irq->line == level)
		return;
	if (irq->edge && level) {
		irq->latch = true;              /* a rising edge */
		irq->relatch = irq->in_lr;
	}
	irq->line = level;
	vgic_update(v, vcpu, intid);
}

void vgic_raise_edge(struct vgic *v, unsigned vcpu, uint32_t intid)
{
	struct vgic_irq *irq = vgic_irq(v, vcpu, intid);

	if (!irq || intid < 16)
		return;
	irq->latch = true;
	irq->relatch = irq->in_lr;
	vgic_update(v, vcpu, intid);
}

static void send_sgi(struct vgic *v, unsigned src, unsigned dst, uint32_t sgi)
{
	struct vgic_irq *irq = &v->vcpus[dst].priv[sgi];

	if (v->version == 2) {
		irq->sgi_sources |= (uint8_t)(1u << src);
		if (irq->in_lr)
			irq->sgi_relatch |= (uint8_t)(1u << src);
	} else {
		irq->latch = true;
		irq->relatch = irq->in_lr;
	}
	vgic_update(v, dst, sgi);
}

void vgic_v2_sgir(struct vgic *v, unsigned src, uint32_t val)
{
	uint32_t sgi = val & 0xf, filter = (val >> 24) & 3, list = (val >> 16) & 0xff;

	if (src >= v->nr_vcpus)
		return;
	for (unsigned c = 0; c < v->nr_vcpus; c++) {
		bool hit = filter == 0 ? (list >> c) & 1 : filter == 1 ? c != src : filter == 2 ? c == src : 0;
		if (hit)
			send_sgi(v, src, c, sgi);
	}
}

void vgic_v3_sgi1r(struct vgic *v, unsigned src, uint64_t val)
{
	uint32_t sgi = (val >> 24) & 0xf;
	uint64_t aff1 = (val >> 16) & 0xff, aff2 = (val >> 32) & 0xff, aff3 = (val >> 48) & 0xff;
	unsigned rs = (val >> 44) & 0xf;

	if (src >= v->nr_vcpus)
		return;
	if ((val >> 40) & 1) {                   /* IRM: everyone but the sender */
		for (unsigned c = 0; c < v->nr_vcpus; c++)
			if (c != src)
				send_sgi(v, src, c, sgi);
		return;
	}
	/* vCPU n has affinity 0.0.0.n: only that cluster exists. */
	if (aff1 || aff2 || aff3)
		return;
	for (unsigned bit = 0; bit < 16; bit++) {
		unsigned c = rs * 16 + bit;
		if (((val >> bit) & 1) && c < v->nr_vcpus)
			send_sgi(v, src, c, sgi);
	}
}

static bool candidate(const struct vgic *v, const struct vgic_irq *irq, uint32_t intid)
{
	return irq->active || deliverable(v, irq, intid);
}

/* The next INTID at or after *from in vCPU idx's interest set, or VGIC_NR_IRQS. */
static uint32_t next_interest(const struct vgic *v, unsigned idx, uint32_t from)
{
	while (from < VGIC_NR_IRQS) {
		uint64_t bits = v->vcpus[idx].interest[from / 64] >> (from % 64);

		if (bits)
			return from + (uint32_t)__builtin_ctzll(bits);
		from = (from / 64 + 1) * 64;
	}
	return VGIC_NR_IRQS;
}

static void drop_interest(struct vgic *v, unsigned idx, uint32_t intid)
{
	v->vcpus[idx].interest[intid / 64] &= ~(1ULL << (intid % 64));
}

bool vgic_has_pending(struct vgic *v, unsigned idx)
{
	if (idx >= v->nr_vcpus)
		return false;
	for (uint32_t i = next_interest(v, idx, 0); i < VGIC_NR_IRQS; i = next_interest(v, idx, i + 1)) {
		struct vgic_irq *irq = vgic_irq(v, idx, i);
		if (i >= VGIC_NR_PRIVATE && vgic_spi_target(v, irq) != idx)
			continue;
		if (deliverable(v, irq, i))
			return true;
	}
	return false;
}

bool vgic_can_wake(struct vgic *v, unsigned idx, uint32_t silent_ppis)
{
	if (idx >= v->nr_vcpus)
		return false;
	/* From 16: an SGI needs a sender, and the caller knows of none. */
	for (uint32_t i = 16; i < VGIC_NR_IRQS; i++) {
		struct vgic_irq *irq = vgic_irq(v, idx, i);

		if (i < VGIC_NR_PRIVATE && ((silent_ppis >> i) & 1))
			continue;
		if (i >= VGIC_NR_PRIVATE && vgic_spi_target(v, irq) != idx)
			continue;
		if (irq->enabled && group_enabled(v, irq))
			return true;
	}
	return false;
}

/* Ordering for list registers: active first, then lower priority value, then lower INTID. */
static bool before(const struct vgic_lr *a, const struct vgic_lr *b)
{
	bool aa = a->state & LR_ACTIVE, ba = b->state & LR_ACTIVE;

	if (aa != ba)
		return aa;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->intid < b->intid;
}

static void insert_sorted(struct vgic_lr *lrs, unsigned *n, unsigned nr, const struct vgic_lr *lr, bool *more)
{
	unsigned pos = *n;

	while (pos > 0 && before(lr, &lrs[pos - 1]))
		pos--;
	if (pos >= nr) {
		*more = true;
		return;
	}
	if (*n == nr) {
		*more = true;              /* the last one falls out */
		(*n)--;
	}
	memmove(&lrs[pos + 1], &lrs[pos], (*n - pos) * sizeof(*lrs));
	lrs[pos] = *lr;
	(*n)++;
}

static uint8_t lowest_source(uint8_t sources)
{
	return (uint8_t)__builtin_ctz(sources);
}

unsigned vgic_flush(struct vgic *v, unsigned idx, struct vgic_lr *lrs, unsigned nr, bool *more)
{
	unsigned n = 0;

	*more = false;
	if (idx >= v->nr_vcpus)
		return 0;
	if (nr > VGIC_MAX_LRS)
		nr = VGIC_MAX_LRS;
	for (uint32_t i = next_interest(v, idx, 0); i < VGIC_NR_IRQS; i = next_interest(v, idx, i + 1)) {
		struct vgic_irq *irq = vgic_irq(v, idx, i);
		struct vgic_lr lr;

		if ((i >= VGIC_NR_PRIVATE && vgic_spi_target(v, irq) != idx) || !candidate(v, irq, i)) {
			drop_interest(v, idx, i);
			continue;
		}
		memset(&lr, 0, sizeof(lr));
		lr.intid = i;
		lr.priority = irq->priority;
		lr.group = irq->group;
		if (irq->active)
			lr.state |= LR_ACTIVE;
		if (lr_pending_state(v, irq, i))
			lr.state |= LR_PENDING;
		/* A hardware-linked interrupt's deactivation goes to the GIC itself: no notification. */
		lr.eoi_notify = !irq->edge && !irq->hw_intid;
		lr.pintid = irq->hw_intid;
		if (irq->hw_intid && (lr.state & LR_ACTIVE))
			lr.state = LR_ACTIVE;      /* pending-and-active is not allowed with the HW bit */
		if (v2_sgi(v, i)) {
			/*
			 * One source per LR. An active SGI keeps the source it was
			 * taken from, or the guest's EOI (INTID and CPUID) would not
			 * match; any other source waits for the deactivation, which
			 * eoi_notify reports so the next flush can offer it.
			 */
			if (irq->active)
				lr.source = irq->active_source;
			else if (irq->sgi_sources)
				lr.source = lowest_source(irq->sgi_sources);
			if (irq->sgi_sources & (uint8_t)~(1u << lr.source))
				lr.eoi_notify = true;
		}
		insert_sorted(lrs, &n, nr, &lr, more);
	}
	for (unsigned k = 0; k < n; k++) {
		struct vgic_irq *irq = vgic_irq(v, idx, lrs[k].intid);
		irq->in_lr = true;
		irq->relatch = false;
		irq->sgi_relatch = 0;
		irq->lr_pending = (lrs[k].state & LR_PENDING) != 0;
	}
	return n;
}

void vgic_sync(struct vgic *v, unsigned idx, const struct vgic_lr *lrs, unsigned n)
{
	if (idx >= v->nr_vcpus)
		return;
	for (unsigned k = 0; k < n; k++) {
		const struct vgic_lr *lr = &lrs[k];
		struct vgic_irq *irq = vgic_irq(v, idx, lr->intid);
		bool taken;

		if (!irq)
			continue;
		/*
		 * The guest took the pending state only if flush handed it over
		 * and the LR no longer holds it: an LR that went out active-only
		 * (a disabled interrupt, a level one) consumed nothing.
		 */
		taken = irq->lr_pending && !(lr->state & LR_PENDING);
		irq->active = (lr->state & LR_ACTIVE) != 0;
		if (v2_sgi(v, lr->intid)) {
			uint8_t bit = lr->source < VGIC_MAX_VCPUS ? (uint8_t)(1u << lr->source) : 0;
			/* That source's SGI is taken, unless it was sent again meanwhile. */
			if (taken && !(irq->sgi_relatch & bit))
				irq->sgi_sources &= (uint8_t)~bit;
			if (irq->active && bit)
				irq->active_source = lr->source;
		} else if (taken && !irq->relatch) {
			irq->latch = false;         /* acknowledged, and not raised again since */
		}
		irq->in_lr = false;
		irq->relatch = false;
		irq->sgi_relatch = 0;
		irq->lr_pending = false;
	}
}
