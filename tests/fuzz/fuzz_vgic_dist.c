/*
 * Fuzzes the virtual GIC model (emulators/vgic/vgic_model.c, vgic_regs.c):
 * the guest's distributor and redistributor accesses, device lines, SGIs,
 * and each vCPU's flush into list registers and sync after the guest ran,
 * in any order the input gives. The guest owns every register value and
 * offset; the model must stay in bounds, kick only real vCPUs, and fill
 * list registers the hardware could take.
 *
 * Input: version, vCPU count, list register count, then operations (a kind
 * byte and its fields) until the input ends.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "vgic/vgic.h"
#include "fuzz.h"

enum op {
	OP_DIST_READ, OP_DIST_WRITE, OP_REDIST_READ, OP_REDIST_WRITE, OP_SET_LINE, OP_RAISE_EDGE,
	OP_SET_HW, OP_RAISE_HW, OP_V2_SGIR, OP_V3_SGI1R, OP_RUN_VCPU, OP_HAS_PENDING, OP_RESET,
	OP_CAN_WAKE, NR_OPS,
};

static struct vgic g;

/* A vCPU between flush and sync: the list registers it runs with. */
struct in_guest {
	struct vgic_lr *lrs;      /* exactly the nr flush was given, on the heap */
	unsigned nr, n;
	bool running;
};
static struct in_guest vcpus[VGIC_MAX_VCPUS];
static unsigned nr_lrs;

static void kick(void *ctx, unsigned idx)
{
	FUZZ_CHECK(ctx == &g);
	FUZZ_CHECK(idx < g.nr_vcpus);
}

static bool lr_before(const struct vgic_lr *a, const struct vgic_lr *b)
{
	bool aa = a->state & LR_ACTIVE, ba = b->state & LR_ACTIVE;

	if (aa != ba)
		return aa;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->intid < b->intid;
}

/* What flush hands the hardware: real, distinct interrupts, active ones first, then by priority. */
static void check_lrs(unsigned idx, const struct vgic_lr *lrs, unsigned n, unsigned nr)
{
	FUZZ_CHECK(n <= nr && n <= VGIC_MAX_LRS);
	for (unsigned k = 0; k < n; k++) {
		const struct vgic_lr *lr = &lrs[k];

		FUZZ_CHECK(lr->intid < VGIC_NR_IRQS);
		FUZZ_CHECK(lr->state != 0 && (lr->state & ~(LR_PENDING | LR_ACTIVE)) == 0);
		FUZZ_CHECK(lr->group <= 1);
		/* The hardware refuses pending+active with the HW bit. */
		if (lr->pintid)
			FUZZ_CHECK(lr->state != (LR_PENDING | LR_ACTIVE) && lr->intid >= VGIC_NR_PRIVATE);
		if (g.version == 2 && lr->intid < 16)
			FUZZ_CHECK(lr->source < g.nr_vcpus);
		for (unsigned j = 0; j < k; j++)
			FUZZ_CHECK(lrs[j].intid != lr->intid);
		if (k)
			FUZZ_CHECK(!lr_before(lr, &lrs[k - 1]));
	}
	FUZZ_CHECK(idx < g.nr_vcpus);
}

/* Enter the vCPU (flush) or, if it is in the guest, come back (sync) with the states the guest left. */
static void run_vcpu(struct fuzz_input *in)
{
	unsigned idx = fuzz_u8(in) % VGIC_MAX_VCPUS;
	struct in_guest *v = &vcpus[idx];
	bool more;

	if (!v->running) {
		v->nr = nr_lrs;
		v->lrs = malloc(v->nr * sizeof(*v->lrs));
		FUZZ_CHECK(v->lrs);
		v->n = vgic_flush(&g, idx, v->lrs, v->nr, &more);
		if (idx >= g.nr_vcpus) {
			FUZZ_CHECK(v->n == 0);
			free(v->lrs);
			v->lrs = NULL;
			return;
		}
		check_lrs(idx, v->lrs, v->n, v->nr);
		v->running = true;
		return;
	}
	/* The guest acknowledges and deactivates as it likes: any state per list register. */
	for (unsigned k = 0; k < v->n; k++)
		v->lrs[k].state = fuzz_u8(in) & (LR_PENDING | LR_ACTIVE);
	vgic_sync(&g, idx, v->lrs, v->n);
	free(v->lrs);
	v->lrs = NULL;
	v->running = false;
}

static void step(struct fuzz_input *in)
{
	uint64_t val;
	unsigned vcpu, size;
	uint64_t off;

	switch (fuzz_u8(in) % NR_OPS) {
	case OP_DIST_READ:
		vcpu = fuzz_u8(in);
		off = fuzz_u16(in);
		size = fuzz_access_size(in);
		if (vgic_dist_read(&g, vcpu, off, size, &val) < 0)
			FUZZ_CHECK(val == 0);
		else
			FUZZ_CHECK(size == 8 || val >> (8 * size) == 0);
		break;
	case OP_DIST_WRITE:
		vcpu = fuzz_u8(in);
		off = fuzz_u16(in);
		size = fuzz_access_size(in);
		vgic_dist_write(&g, vcpu, off, size, fuzz_u64(in));
		break;
	case OP_REDIST_READ:
		off = fuzz_u32(in) % ((VGIC_MAX_VCPUS + 1) * VGIC_REDIST_STRIDE);
		size = fuzz_access_size(in);
		if (vgic_redist_read(&g, off, size, &val) < 0)
			FUZZ_CHECK(val == 0);
		else
			FUZZ_CHECK(size == 8 || val >> (8 * size) == 0);
		break;
	case OP_REDIST_WRITE:
		off = fuzz_u32(in) % ((VGIC_MAX_VCPUS + 1) * VGIC_REDIST_STRIDE);
		size = fuzz_access_size(in);
		vgic_redist_write(&g, off, size, fuzz_u64(in));
		break;
	case OP_SET_LINE:
		vcpu = fuzz_u8(in);
		vgic_set_line(&g, vcpu, fuzz_u16(in), fuzz_bool(in));
		break;
	case OP_RAISE_EDGE:
		vcpu = fuzz_u8(in);
		vgic_raise_edge(&g, vcpu, fuzz_u16(in));
		break;
	case OP_SET_HW:
		off = fuzz_u16(in);
		vgic_set_hw(&g, (uint32_t)off, fuzz_u16(in));
		break;
	case OP_RAISE_HW:
		vgic_raise_hw(&g, fuzz_u16(in));
		break;
	case OP_V2_SGIR:
		vcpu = fuzz_u8(in);
		vgic_v2_sgir(&g, vcpu, fuzz_u32(in));
		break;
	case OP_V3_SGI1R:
		vcpu = fuzz_u8(in);
		vgic_v3_sgi1r(&g, vcpu, fuzz_u64(in));
		break;
	case OP_RUN_VCPU:
		run_vcpu(in);
		break;
	case OP_HAS_PENDING:
		vcpu = fuzz_u8(in);
		if (vgic_has_pending(&g, vcpu))
			FUZZ_CHECK(vcpu < g.nr_vcpus);
		break;
	case OP_RESET:
		/* A guest reset happens with every vCPU out of the guest. */
		for (unsigned c = 0; c < VGIC_MAX_VCPUS; c++)
			if (vcpus[c].running)
				return;
		vgic_reset(&g);
		break;
	case OP_CAN_WAKE:
		vcpu = fuzz_u8(in);
		if (vgic_can_wake(&g, vcpu, fuzz_u32(in)))
			FUZZ_CHECK(vcpu < g.nr_vcpus);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = fuzz_input(data, size);
	unsigned version = fuzz_bool(&in) ? 3 : 2;
	unsigned nr_vcpus = 1 + fuzz_u8(&in) % VGIC_MAX_VCPUS;

	nr_lrs = fuzz_u8(&in) % (VGIC_MAX_LRS + 2);
	vgic_init(&g, version, nr_vcpus, kick, &g);
	FUZZ_CHECK(g.nr_vcpus == nr_vcpus);
	while (!fuzz_done(&in))
		step(&in);
	for (unsigned c = 0; c < VGIC_MAX_VCPUS; c++) {
		free(vcpus[c].lrs);
		vcpus[c] = (struct in_guest){ 0 };
	}
	return 0;
}
