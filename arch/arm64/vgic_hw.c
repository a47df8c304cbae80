/*
 * The hardware half of the vGIC: list registers, VMCR and active-priority
 * registers of the GICv3 (ICH_* system registers) or GICv2 (GICH frame)
 * virtual CPU interface, filled from the model before a vCPU runs and read
 * back after. Also the virtual timer's line, sampled at every exit.
 */
#include <string.h>
#include <arch/sysreg.h>
#include <arch/vcpu_arch.h>
#include <drivers/mmio.h>
#include <mantle/vcpu.h>
#include <mantle/guest.h>
#include <mantle/irq.h>
#include <vgic/vgic_emu.h>

/* GICv3 */
#define ICH_HCR_EN      (1ULL << 0)
#define ICH_HCR_UIE     (1ULL << 1)
#define ICH_LR_EOI      (1ULL << 41)
#define ICH_LR_GROUP    (1ULL << 60)
#define ICH_LR_HW       (1ULL << 61)
#define ICH_LR_STATE(s) ((uint64_t)(s) << 62)

/* GICv2 GICH frame */
#define GICH_HCR        0x000
#define GICH_VMCR       0x008
#define GICH_APR        0x0F0
#define GICH_LR(n)      (0x100 + 4 * (n))
#define GICH_LR_EOI     (1u << 19)
#define GICH_LR_GRP1    (1u << 30)
#define GICH_LR_HW      (1u << 31)


void vtimer_before_entry(struct vcpu *v, bool in_flight);
bool vtimer_ppi_open(void);
bool ptimer_line(const struct vcpu *v);

#define MAINTENANCE_INTID 25

#define LR_CASE(n, crm, op2) \
	case n: if (write) write_sysreg(s3_4_c12_##crm##_##op2, *val); else *val = read_sysreg(s3_4_c12_##crm##_##op2); break
static void ich_lr(unsigned n, uint64_t *val, bool write)
{
	switch (n) {
	LR_CASE(0, c12, 0); LR_CASE(1, c12, 1); LR_CASE(2, c12, 2); LR_CASE(3, c12, 3);
	LR_CASE(4, c12, 4); LR_CASE(5, c12, 5); LR_CASE(6, c12, 6); LR_CASE(7, c12, 7);
	LR_CASE(8, c13, 0); LR_CASE(9, c13, 1); LR_CASE(10, c13, 2); LR_CASE(11, c13, 3);
	LR_CASE(12, c13, 4); LR_CASE(13, c13, 5); LR_CASE(14, c13, 6); LR_CASE(15, c13, 7);
	}
}

static uint64_t encode_v3(const struct vgic_lr *lr)
{
	uint64_t v = lr->intid | ((uint64_t)lr->priority << 48) | ICH_LR_STATE(lr->state);

	if (lr->group)
		v |= ICH_LR_GROUP;
	if (lr->pintid)
		v |= ICH_LR_HW | ((uint64_t)(lr->pintid & 0x1fff) << 32);
	else if (lr->eoi_notify)
		v |= ICH_LR_EOI;
	return v;
}

static uint32_t encode_v2(const struct vgic_lr *lr)
{
	uint32_t v = (lr->intid & 0x3ff) | ((uint32_t)(lr->priority >> 3) << 23) | ((uint32_t)lr->state << 28);

	if (lr->group)
		v |= GICH_LR_GRP1;
	if (lr->pintid)
		return v | GICH_LR_HW | ((lr->pintid & 0x3ff) << 10);
	if (lr->intid < 16)
		v |= (uint32_t)(lr->source & 7) << 10;
	if (lr->eoi_notify)
		v |= GICH_LR_EOI;
	return v;
}

static unsigned nr_lrs(void)
{
	const struct irqchip *chip = irq_chip();
	unsigned n = chip && chip->virt ? chip->virt->nr_lrs : 0;
	return n > VGIC_MAX_LRS ? VGIC_MAX_LRS : n;
}

/* Before entry, interrupts masked: hand the vCPU its interrupts. */
void vgic_hw_enter(struct vcpu *v)
{
	struct arch_vcpu *a = v->arch;
	struct guest_vgic *gv = v->guest->vgic;
	struct vgic_lr *lrs = a->vgic.lrs;
	bool more;
	unsigned n;

	bool vtimer_busy;

	spin_lock(&gv->lock);
	n = vgic_flush(&gv->model, v->index, lrs, nr_lrs(), &more);
	a->vgic.model_notes = &gv->model.vcpus[v->index].notes;
	a->vgic.notes = gv->model.vcpus[v->index].notes;
	vtimer_busy = gv->model.vcpus[v->index].priv[VTIMER_INTID].line ||
		      gv->model.vcpus[v->index].priv[VTIMER_INTID].active;
	spin_unlock(&gv->lock);
	a->vgic.nr = n;
	a->vgic.loaded = true;
	vtimer_before_entry(v, vtimer_busy);
	a->vgic.resample_vtimer = !vtimer_ppi_open();

	if (gv->model.version == 3) {
		write_sysreg(s3_4_c12_c11_7, a->vgic.vmcr);           /* ICH_VMCR_EL2 */
		write_sysreg(s3_4_c12_c9_0, a->vgic.apr);              /* ICH_AP1R0_EL2 */
		write_sysreg(s3_4_c12_c8_0, a->vgic.apr0);             /* ICH_AP0R0_EL2 */
		/* Every exit leaves all list registers empty: only ours go in. */
		for (unsigned i = 0; i < n; i++) {
			uint64_t val = encode_v3(&lrs[i]);
			ich_lr(i, &val, true);
		}
		write_sysreg(s3_4_c12_c11_0, ICH_HCR_EN | (more ? ICH_HCR_UIE : 0));
	} else {
		uintptr_t gich = irq_chip()->virt->gich;
		mmio_write32(gich + GICH_VMCR, (uint32_t)a->vgic.vmcr);
		mmio_write32(gich + GICH_APR, (uint32_t)a->vgic.apr);
		for (unsigned i = 0; i < n; i++)
			mmio_write32(gich + GICH_LR(i), encode_v2(&lrs[i]));
		mmio_write32(gich + GICH_HCR, 1u | (more ? 2u : 0));
	}
	isb();
}

/* The guest's virtual timer output: enabled, condition met, not masked. */
static bool vtimer_line(void)
{
	uint64_t ctl = read_sysreg(cntv_ctl_el0);
	return (ctl & (CNT_CTL_ENABLE | CNT_CTL_ISTATUS | CNT_CTL_IMASK)) == (CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
}

/* After exit, interrupts masked: read back what the guest did. */
void vgic_hw_exit(struct vcpu *v)
{
	struct arch_vcpu *a = v->arch;
	struct guest_vgic *gv = v->guest->vgic;
	struct vgic_lr *lrs = a->vgic.lrs;
	unsigned n = a->vgic.nr;
	bool busy;

	a->vgic.loaded = false;
	if (gv->model.version == 3) {
		for (unsigned i = 0; i < n; i++) {
			uint64_t val = 0, zero = 0;
			ich_lr(i, &val, false);
			lrs[i].state = (uint8_t)(val >> 62);
			/* Emptied now, so the next vCPU on this CPU (maybe another guest's) starts clean. */
			ich_lr(i, &zero, true);
		}
		a->vgic.vmcr = read_sysreg(s3_4_c12_c11_7);
		a->vgic.apr = read_sysreg(s3_4_c12_c9_0);
		a->vgic.apr0 = read_sysreg(s3_4_c12_c8_0);
		write_sysreg(s3_4_c12_c11_0, 0);
	} else {
		uintptr_t gich = irq_chip()->virt->gich;
		for (unsigned i = 0; i < n; i++) {
			lrs[i].state = (uint8_t)((mmio_read32(gich + GICH_LR(i)) >> 28) & 3);
			mmio_write32(gich + GICH_LR(i), 0);
		}
		a->vgic.vmcr = mmio_read32(gich + GICH_VMCR);
		a->vgic.apr = mmio_read32(gich + GICH_APR);
		mmio_write32(gich + GICH_HCR, 0);
	}
	spin_lock(&gv->lock);
	vgic_sync(&gv->model, v->index, lrs, n);
	/* A level input: the vtimer interrupt stays pending exactly as long as its condition holds. */
	vgic_set_line(&gv->model, v->index, VTIMER_INTID, vtimer_line());
	vgic_set_line(&gv->model, v->index, PTIMER_INTID, ptimer_line(v));
	busy = gv->model.vcpus[v->index].priv[VTIMER_INTID].line ||
	       gv->model.vcpus[v->index].priv[VTIMER_INTID].active;
	spin_unlock(&gv->lock);
	/* Now, not at the next entry: a vCPU about to wait in WFI needs its timer to wake it. */
	vtimer_before_entry(v, busy);
}

/* The maintenance interrupt only has to make the vCPU exit: the exit path does the work. */
static void maintenance_irq(uint32_t intid, void *arg)
{
}

void vgic_hw_init(void)
{
	irq_request(MAINTENANCE_INTID, false, 0, maintenance_irq, NULL, "vgic maintenance");
}

void vgic_hw_cpu_init(void)
{
	irq_enable_local(MAINTENANCE_INTID);
}
