/*
 * Binding a virtual GIC to a guest: its distributor (and GICv3
 * redistributors) as emulated MMIO windows, the GICv2 virtual CPU interface
 * mapped straight from the hardware, and kicks to vCPUs.
 */
#include <stdio.h>
#include <string.h>
#include <mantle/guest.h>
#include <mantle/vcpu.h>
#include <mantle/sched.h>
#include <mantle/irq.h>
#include <mantle/heap.h>
#include <mantle/guest_config.h>
#include "vgic_emu.h"

void guest_vcpu_kick(struct vcpu *v);

static void kick(void *ctx, unsigned idx)
{
	struct guest *g = ctx;

	if (idx < g->nr_vcpus)
		guest_vcpu_kick(g->vcpus[idx]);
}

/* The vCPU making an MMIO access is the one whose thread is handling its exit. */
static unsigned accessing_vcpu(void)
{
	struct vcpu *v = sched_current();
	return v->guest ? v->index : 0;
}

static int dist_read(struct emu_device *d, uint64_t off, unsigned size, uint64_t *val)
{
	struct guest_vgic *gv = d->priv;
	irqflags_t f;
	int r;

	if (vgic_dist_read_fixed(&gv->model, off, size, val))
		return 0;
	f = spin_lock_irqsave(&gv->lock);
	r = vgic_dist_read(&gv->model, accessing_vcpu(), off, size, val);
	spin_unlock_irqrestore(&gv->lock, f);
	return r;
}

static int dist_write(struct emu_device *d, uint64_t off, unsigned size, uint64_t val)
{
	struct guest_vgic *gv = d->priv;
	irqflags_t f = spin_lock_irqsave(&gv->lock);
	int r = vgic_dist_write(&gv->model, accessing_vcpu(), off, size, val);
	spin_unlock_irqrestore(&gv->lock, f);
	return r;
}

static int redist_read(struct emu_device *d, uint64_t off, unsigned size, uint64_t *val)
{
	struct guest_vgic *gv = d->priv;
	irqflags_t f = spin_lock_irqsave(&gv->lock);
	int r = vgic_redist_read(&gv->model, off, size, val);
	spin_unlock_irqrestore(&gv->lock, f);
	return r;
}

static int redist_write(struct emu_device *d, uint64_t off, unsigned size, uint64_t val)
{
	struct guest_vgic *gv = d->priv;
	irqflags_t f = spin_lock_irqsave(&gv->lock);
	int r = vgic_redist_write(&gv->model, off, size, val);
	spin_unlock_irqrestore(&gv->lock, f);
	return r;
}

static const struct emu_ops dist_ops = { .read = dist_read, .write = dist_write };
static const struct emu_ops redist_ops = { .read = redist_read, .write = redist_write };

static int add_window(struct guest *g, const char *name, const char *compat, uint64_t ipa, uint64_t size,
		      const struct emu_ops *ops, char *err, size_t errlen)
{
	struct emu_device *d;

	if (g->nr_devs >= GUEST_MAX_DEVICES) {
		snprintf(err, errlen, "%s: too many devices for the vGIC", g->source);
		return -1;
	}
	for (unsigned i = 0; i < g->nr_mem; i++)
		if (ipa < g->mem[i].ipa + g->mem[i].size && g->mem[i].ipa < ipa + size)
			goto clash;
	for (unsigned i = 0; i < g->nr_devs; i++)
		if (ipa < g->devs[i].ipa + g->devs[i].size && g->devs[i].ipa < ipa + size)
			goto clash;
	d = &g->devs[g->nr_devs++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->compatible = compat;
	d->ipa = ipa;
	d->size = size;
	d->ops = ops;
	d->priv = g->vgic;
	d->guest = g;
	guest_index_device(g, g->nr_devs - 1);
	return 0;
clash:
	snprintf(err, errlen, "%s: the vGIC's %s at %#llx+%#llx overlaps the guest's memory or devices",
		 g->source, name, (unsigned long long)ipa, (unsigned long long)size);
	return -1;
}

unsigned guest_vgic_version(const struct guest *g)
{
	return g->vgic ? g->vgic->model.version : 0;
}

int guest_vgic_create(struct guest *g, char *err, size_t errlen)
{
	const struct irqchip *chip = irq_chip();
	struct guest_vgic *gv;

	if (!chip || !chip->virt) {
		snprintf(err, errlen, "%s: the host interrupt controller cannot be virtualized", g->source);
		return -1;
	}
	gv = heap_zalloc(sizeof(*gv));
	if (!gv) {
		snprintf(err, errlen, "%s: out of memory for the vGIC", g->source);
		return -1;
	}
	spin_init(&gv->lock);
	gv->guest = g;
	vgic_init(&gv->model, chip->version, g->cfg.nr_vcpus, kick, g);
	g->vgic = gv;

	if (add_window(g, "gicd", "arm,gic-distributor", VGIC_DIST_IPA, VGIC_DIST_SIZE, &dist_ops, err, errlen))
		return -1;
	if (chip->version == 3)
		return add_window(g, "gicr", "arm,gic-v3-redistributor", VGIC_REDIST_IPA,
				  (uint64_t)g->cfg.nr_vcpus * VGIC_REDIST_STRIDE, &redist_ops, err, errlen);
	/* GICv2: the guest's CPU interface is the hardware's virtual one. */
	if (stage2_map(&g->s2, VGIC_CPU_IPA, chip->virt->gicv_pa, VGIC_CPU_SIZE, S2_DEVICE)) {
		snprintf(err, errlen, "%s: cannot map the GICv2 virtual CPU interface", g->source);
		return -1;
	}
	return 0;
}

void guest_vgic_destroy(struct guest *g)
{
	heap_free(g->vgic);
	g->vgic = NULL;
}

void guest_vgic_reset(struct guest *g)
{
	irqflags_t f = spin_lock_irqsave(&g->vgic->lock);
	vgic_reset(&g->vgic->model);
	for (unsigned i = 0; i < g->cfg.nr_devs; i++) {
		const struct guest_dev_config *dc = &g->cfg.devs[i];
		if (!dc->passthrough || !dc->host_irq || !dc->irq)
			continue;
		/* The links are Mantle's, not guest state: they survive a guest reset. */
		vgic_set_hw(&g->vgic->model, dc->irq, dc->host_irq);
		/* Left active by the old guest, the host interrupt would never fire again. */
		irq_chip()->deactivate(dc->host_irq);
	}
	spin_unlock_irqrestore(&g->vgic->lock, f);
}

void guest_vgic_set_line(struct guest *g, unsigned vcpu, uint32_t intid, bool level)
{
	irqflags_t f;

	if (!g->vgic)
		return;
	f = spin_lock_irqsave(&g->vgic->lock);
	vgic_set_line(&g->vgic->model, vcpu, intid, level);
	spin_unlock_irqrestore(&g->vgic->lock, f);
}

void guest_vgic_raise_edge(struct guest *g, unsigned vcpu, uint32_t intid)
{
	irqflags_t f;

	if (!g->vgic)
		return;
	f = spin_lock_irqsave(&g->vgic->lock);
	vgic_raise_edge(&g->vgic->model, vcpu, intid);
	spin_unlock_irqrestore(&g->vgic->lock, f);
}

bool guest_vgic_has_pending(struct guest *g, unsigned vcpu)
{
	irqflags_t f;
	bool pending;

	if (!g->vgic)
		return false;
	f = spin_lock_irqsave(&g->vgic->lock);
	pending = vgic_has_pending(&g->vgic->model, vcpu);
	spin_unlock_irqrestore(&g->vgic->lock, f);
	return pending;
}

bool guest_vgic_can_wake(struct guest *g, unsigned vcpu, uint32_t silent_ppis)
{
	irqflags_t f;
	bool can;

	if (!g->vgic)
		return false;
	f = spin_lock_irqsave(&g->vgic->lock);
	can = vgic_can_wake(&g->vgic->model, vcpu, silent_ppis);
	spin_unlock_irqrestore(&g->vgic->lock, f);
	return can;
}

void guest_vgic_sgi1r(struct guest *g, unsigned vcpu, uint64_t val)
{
	irqflags_t f;

	if (!g->vgic)
		return;
	f = spin_lock_irqsave(&g->vgic->lock);
	vgic_v3_sgi1r(&g->vgic->model, vcpu, val);
	spin_unlock_irqrestore(&g->vgic->lock, f);
}

/* Host handler of a passthrough interrupt: raise the guest's linked SPI; the guest deactivates it. */
static void passthrough_irq(uint32_t host_intid, void *arg)
{
	struct guest *g = arg;
	irqflags_t f;

	for (unsigned i = 0; i < g->cfg.nr_devs; i++) {
		const struct guest_dev_config *dc = &g->cfg.devs[i];
		if (!dc->passthrough || dc->host_irq != host_intid)
			continue;
		f = spin_lock_irqsave(&g->vgic->lock);
		vgic_raise_hw(&g->vgic->model, dc->irq);
		spin_unlock_irqrestore(&g->vgic->lock, f);
	}
}

int guest_vgic_link_passthrough(struct guest *g, char *err, size_t errlen)
{
	for (unsigned i = 0; i < g->cfg.nr_devs; i++) {
		const struct guest_dev_config *dc = &g->cfg.devs[i];
		if (!dc->passthrough || !dc->host_irq || !dc->irq)
			continue;
		vgic_set_hw(&g->vgic->model, dc->irq, dc->host_irq);
		/* Taken where the guest's first vCPU runs, which is where its SPIs go by default. */
		if (irq_request_forwarded(dc->host_irq, false, g->cfg.vcpus[0].pcpu, passthrough_irq, g,
					  g->name)) {
			snprintf(err, errlen, "%s: %s: cannot take host interrupt %u", g->source, dc->name,
				 dc->host_irq);
			return -1;
		}
	}
	return 0;
}

void guest_vgic_unlink_passthrough(struct guest *g)
{
	for (unsigned i = 0; i < g->cfg.nr_devs; i++) {
		const struct guest_dev_config *dc = &g->cfg.devs[i];
		if (dc->passthrough && dc->host_irq && dc->irq && irq_name(dc->host_irq) == g->name)
			irq_free(dc->host_irq);
	}
}
