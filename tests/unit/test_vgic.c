/*
 * Unit tests for the virtual GIC model (emulators/vgic/vgic_model.c and
 * vgic_regs.c), checked against the GICv2 and GICv3 architecture: one
 * security state, affinity routing always on for GICv3, vCPU n at
 * affinity 0.0.0.n.
 *
 * The tests drive the model the way the hypervisor does: register
 * accesses trapped from the guest, device lines, flush into list
 * registers before entry, and sync after exit with the LR states a real
 * virtual CPU interface would leave (pending -> active on acknowledge,
 * active -> invalid on deactivation).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../emulators/vgic/vgic.h"

/* Distributor (GICD_*) offsets, from the GICv2 and GICv3 register maps. */
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
#define GICD_PIDR2_V2    0x0FE8
#define GICD_IROUTER     0x6000
#define GICD_PIDR2_V3    0xFFE8

/* Redistributor: RD_base frame, then SGI_base 64 KiB above it. */
#define GICR_CTLR        0x0000
#define GICR_IIDR        0x0004
#define GICR_TYPER       0x0008
#define GICR_WAKER       0x0014
#define GICR_PIDR2       0xFFE8
#define GICR_SGI         0x10000

#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)
#define TYPER_LAST            (1u << 4)

#define CTLR_ENABLE_GRP0 (1u << 0)
#define CTLR_ENABLE_GRP1 (1u << 1)
#define CTLR_ARE         (1u << 4)
#define CTLR_DS          (1u << 6)

/* GICD_SGIR TargetListFilter values. */
#define SGIR_LIST        (0u << 24)
#define SGIR_ALL_BUT_SELF (1u << 24)
#define SGIR_SELF        (2u << 24)

static struct vgic g;
static unsigned kicks[VGIC_MAX_VCPUS];
static int kick_cookie;

static struct vgic_lr lrs[VGIC_MAX_LRS];
static bool more;

/*
 * List register arrays of exactly VGIC_MAX_LRS on the heap, so that ASan
 * sees a write past them. Freed by the teardown, which also runs when an
 * assertion leaves a test early.
 */
static struct vgic_lr *heap_lrs[VGIC_MAX_VCPUS];

static struct vgic_lr *exact_lrs(unsigned vcpu)
{
	if (!heap_lrs[vcpu])
		heap_lrs[vcpu] = calloc(VGIC_MAX_LRS, sizeof(struct vgic_lr));
	assert_non_null(heap_lrs[vcpu]);
	return heap_lrs[vcpu];
}

static int free_heap_lrs(void **state)
{
	for (unsigned c = 0; c < VGIC_MAX_VCPUS; c++) {
		free(heap_lrs[c]);
		heap_lrs[c] = NULL;
	}
	return 0;
}

/* The hypervisor's kick: count it per vCPU, and check it names a real vCPU. */
static void fake_kick(void *ctx, unsigned idx)
{
	assert_ptr_equal(ctx, &kick_cookie);
	assert_true(idx < g.nr_vcpus);
	kicks[idx]++;
}

static void clear_kicks(void)
{
	memset(kicks, 0, sizeof(kicks));
}

static void init(unsigned version, unsigned nr_vcpus)
{
	vgic_init(&g, version, nr_vcpus, fake_kick, &kick_cookie);
	clear_kicks();
	memset(lrs, 0, sizeof(lrs));
	more = false;
}

/* ---- register access helpers ------------------------------------------ */

static void dist_w(unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	assert_int_equal(vgic_dist_write(&g, vcpu, off, size, val), 0);
}

static uint64_t dist_r(unsigned vcpu, uint64_t off, unsigned size)
{
	uint64_t val = 0xdeadbeef;

	assert_int_equal(vgic_dist_read(&g, vcpu, off, size, &val), 0);
	return val;
}

static uint64_t frame(unsigned vcpu)
{
	return (uint64_t)vcpu * VGIC_REDIST_STRIDE;
}

static void redist_w(uint64_t off, unsigned size, uint64_t val)
{
	assert_int_equal(vgic_redist_write(&g, off, size, val), 0);
}

static uint64_t redist_r(uint64_t off, unsigned size)
{
	uint64_t val = 0xdeadbeef;

	assert_int_equal(vgic_redist_read(&g, off, size, &val), 0);
	return val;
}

/* One bit of a bit-per-interrupt distributor register. */
static void dist_set_bit(uint64_t base, uint32_t intid)
{
	dist_w(0, base + (intid / 32) * 4, 4, 1u << (intid % 32));
}

static bool dist_bit(unsigned vcpu, uint64_t base, uint32_t intid)
{
	return (dist_r(vcpu, base + (intid / 32) * 4, 4) >> (intid % 32)) & 1;
}

static void set_priority(unsigned vcpu, uint32_t intid, uint8_t prio)
{
	if (g.version == 3 && intid < VGIC_NR_PRIVATE)
		redist_w(frame(vcpu) + GICR_SGI + GICD_IPRIORITYR + intid, 1, prio);
	else
		dist_w(vcpu, GICD_IPRIORITYR + intid, 1, prio);
}

/* Enable a private interrupt of one vCPU (GICv3: in its redistributor). */
static void enable_private(unsigned vcpu, uint32_t intid)
{
	if (g.version == 3)
		redist_w(frame(vcpu) + GICR_SGI + GICD_ISENABLER, 4, 1u << intid);
	else
		dist_w(vcpu, GICD_ISENABLER, 4, 1u << intid);
}

/* Route an SPI to one vCPU: ITARGETSR on GICv2, IROUTER on GICv3. */
static void route_spi(uint32_t intid, unsigned vcpu)
{
	if (g.version == 3)
		dist_w(0, GICD_IROUTER + 8 * intid, 8, vcpu);
	else
		dist_w(0, GICD_ITARGETSR + intid, 1, 1u << vcpu);
}

/* Both groups on: whatever group the reset left an interrupt in is forwarded. */
static void dist_enable(void)
{
	dist_w(0, GICD_CTLR, 4, CTLR_ENABLE_GRP0 | CTLR_ENABLE_GRP1);
}

/* An enabled SPI routed to vcpu, with a priority, in a distributor that forwards. */
static void spi_ready(uint32_t intid, unsigned vcpu, uint8_t prio)
{
	dist_enable();
	route_spi(intid, vcpu);
	set_priority(vcpu, intid, prio);
	dist_set_bit(GICD_ISENABLER, intid);
}

static void make_edge(uint32_t intid)
{
	uint64_t off = GICD_ICFGR + (intid / 16) * 4;
	uint64_t cfg = dist_r(0, off, 4);

	dist_w(0, off, 4, cfg | (2u << (2 * (intid % 16))));
}

static bool spi_pending(uint32_t intid)
{
	return dist_bit(0, GICD_ISPENDR, intid);
}

static bool spi_active(uint32_t intid)
{
	return dist_bit(0, GICD_ISACTIVER, intid);
}

/* ---- list register helpers -------------------------------------------- */

static unsigned flush(unsigned vcpu, unsigned nr)
{
	return vgic_flush(&g, vcpu, lrs, nr, &more);
}

static int find_lr(unsigned n, uint32_t intid)
{
	for (unsigned k = 0; k < n; k++)
		if (lrs[k].intid == intid)
			return (int)k;
	return -1;
}

/* What the guest's acknowledge (IAR read) does to an LR. */
static void guest_ack(unsigned k)
{
	assert_int_equal(lrs[k].state, LR_PENDING);
	lrs[k].state = LR_ACTIVE;
}

/* What the guest's deactivation does to an LR: active+pending leaves pending. */
static void guest_eoi(unsigned k)
{
	assert_true(lrs[k].state & LR_ACTIVE);
	lrs[k].state &= (uint8_t)~LR_ACTIVE;
}

/* Flush, expect exactly one LR for intid, and return its index. */
static unsigned flush_one(unsigned vcpu, uint32_t intid)
{
	unsigned n = flush(vcpu, 4);

	assert_int_equal(n, 1);
	assert_int_equal(lrs[0].intid, intid);
	return 0;
}

/* The guest takes and completes the one interrupt flush gave it. */
static void guest_handles_one(unsigned vcpu, uint32_t intid)
{
	flush_one(vcpu, intid);
	guest_ack(0);
	guest_eoi(0);
	vgic_sync(&g, vcpu, lrs, 1);
}

/* ====================================================================== */
/* Flush ordering                                                          */
/* ====================================================================== */

/* The lock-free identification reads agree with the full register model and claim nothing else. */
static void test_fixed_dist_reads_match_the_model_and_claim_only_id_registers(void **state)
{
	static const struct { unsigned version; uint64_t pidr2; } gics[] = { { 2, 0x0FE8 }, { 3, 0xFFE8 } };

	for (unsigned k = 0; k < 2; k++) {
		const uint64_t fixed[] = { GICD_TYPER, GICD_IIDR, gics[k].pidr2 };
		uint64_t a, b;

		init(gics[k].version, 3);
		for (unsigned i = 0; i < 3; i++) {
			a = b = 0xdead;
			assert_true(vgic_dist_read_fixed(&g, fixed[i], 4, &a));
			assert_int_equal(vgic_dist_read(&g, 0, fixed[i], 4, &b), 0);
			assert_int_equal(a, b);
			assert_false(vgic_dist_read_fixed(&g, fixed[i], 1, &a));
		}
		a = 0xdead;
		assert_false(vgic_dist_read_fixed(&g, GICD_CTLR, 4, &a));      /* the guest writes it */
		assert_false(vgic_dist_read_fixed(&g, 0x100, 4, &a));          /* ISENABLER0: state */
		assert_int_equal(a, 0xdead);
	}
}

static void test_flush_of_nothing_pending_is_empty(void **state)
{
	init(3, 2);
	dist_enable();
	more = true;
	assert_int_equal(flush(0, 4), 0);
	assert_false(more);
	assert_false(vgic_has_pending(&g, 0));
}

/*
 * The run loop skips refilling empty list registers while a vCPU's notes
 * count stands still: every change that could give it something to take
 * must move it, and a level input set to what it already is must not
 * (nor kick anybody).
 */
static void test_notes_count_every_change_a_vcpu_could_take(void **state)
{
	uint32_t n0, n1;

	init(3, 2);
	spi_ready(40, 1, 0x80);
	assert_int_equal(flush(1, 4), 0);
	n0 = g.vcpus[0].notes;
	n1 = g.vcpus[1].notes;
	clear_kicks();

	vgic_set_line(&g, 0, 40, true);            /* an SPI: every vCPU may be its target */
	assert_true(g.vcpus[0].notes != n0);
	assert_true(g.vcpus[1].notes != n1);
	assert_int_equal(kicks[1], 1);
	assert_int_equal(flush(1, 4), 1);

	n0 = g.vcpus[0].notes;
	n1 = g.vcpus[1].notes;
	vgic_set_line(&g, 0, 40, true);            /* the same level again */
	assert_int_equal(g.vcpus[0].notes, n0);
	assert_int_equal(g.vcpus[1].notes, n1);
	assert_int_equal(kicks[1], 1);

	enable_private(0, 27);                     /* a PPI: its own vCPU only */
	n0 = g.vcpus[0].notes;
	n1 = g.vcpus[1].notes;
	vgic_set_line(&g, 0, 27, true);
	assert_true(g.vcpus[0].notes != n0);
	assert_int_equal(g.vcpus[1].notes, n1);

	n1 = g.vcpus[1].notes;
	vgic_v3_sgi1r(&g, 0, (1ULL << 1) | (5ULL << 24));   /* SGI 5 to vCPU 1 */
	assert_true(g.vcpus[1].notes != n1);
}

static void test_flush_puts_active_first_then_lower_priority_value_then_lower_intid(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	spi_ready(41, 0, 0x40);
	spi_ready(42, 0, 0x40);
	spi_ready(50, 0, 0xA0);
	spi_ready(33, 0, 0xC0);
	dist_set_bit(GICD_ISPENDR, 42);        /* given first: order must not follow arrival */
	dist_set_bit(GICD_ISPENDR, 41);
	dist_set_bit(GICD_ISPENDR, 40);
	dist_set_bit(GICD_ISPENDR, 33);
	dist_set_bit(GICD_ISACTIVER, 50);      /* active (lowest priority) still comes first */

	assert_int_equal(flush(0, 8), 5);
	assert_false(more);
	assert_int_equal(lrs[0].intid, 50);
	assert_int_equal(lrs[0].state, LR_ACTIVE);
	assert_int_equal(lrs[1].intid, 41);
	assert_int_equal(lrs[2].intid, 42);
	assert_int_equal(lrs[3].intid, 40);
	assert_int_equal(lrs[4].intid, 33);
	for (unsigned k = 1; k < 5; k++)
		assert_int_equal(lrs[k].state, LR_PENDING);
	assert_int_equal(lrs[1].priority, 0x40);
	assert_int_equal(lrs[3].priority, 0x80);
}

static void test_flush_overflow_sets_more_and_keeps_the_highest_priorities(void **state)
{
	static const uint8_t prio[6] = { 0xB0, 0x10, 0x90, 0x30, 0x70, 0x50 };

	init(3, 1);
	for (unsigned i = 0; i < 6; i++) {
		spi_ready(60 + i, 0, prio[i]);
		dist_set_bit(GICD_ISPENDR, 60 + i);
	}
	assert_int_equal(flush(0, 4), 4);
	assert_true(more);
	/* 0x10, 0x30, 0x50, 0x70 fit; 0x90 (62) and 0xB0 (60) wait. */
	assert_int_equal(lrs[0].intid, 61);
	assert_int_equal(lrs[1].intid, 63);
	assert_int_equal(lrs[2].intid, 65);
	assert_int_equal(lrs[3].intid, 64);
}

static void test_flush_refills_with_the_rest_after_the_guest_takes_some(void **state)
{
	bool seen[6] = { false };

	init(3, 1);
	for (unsigned i = 0; i < 6; i++) {
		spi_ready(60 + i, 0, (uint8_t)(0x10 * (i + 1)));
		dist_set_bit(GICD_ISPENDR, 60 + i);
	}
	assert_int_equal(flush(0, 4), 4);
	assert_true(more);
	/* The guest takes and completes two, acknowledges a third, leaves the fourth pending. */
	for (unsigned k = 0; k < 4; k++)
		seen[lrs[k].intid - 60] = true;
	guest_ack(0);
	guest_eoi(0);
	guest_ack(1);
	guest_eoi(1);
	guest_ack(2);
	vgic_sync(&g, 0, lrs, 4);

	/* Refill: the active one first, then every pending one left, nothing lost. */
	assert_int_equal(flush(0, 4), 4);
	assert_false(more);
	assert_int_equal(lrs[0].intid, 62);
	assert_int_equal(lrs[0].state, LR_ACTIVE);
	assert_int_equal(lrs[1].intid, 63);
	assert_int_equal(lrs[1].state, LR_PENDING);
	assert_int_equal(lrs[2].intid, 64);
	assert_int_equal(lrs[3].intid, 65);
	for (unsigned k = 1; k < 4; k++)
		seen[lrs[k].intid - 60] = true;
	for (unsigned i = 0; i < 6; i++)
		assert_true(seen[i]);
	/* Taken ones are gone for good. */
	assert_int_equal(find_lr(4, 60), -1);
	assert_int_equal(find_lr(4, 61), -1);
	assert_false(spi_pending(60));
	assert_false(spi_pending(61));
}

static void test_flush_clamps_nr_to_the_list_register_limit(void **state)
{
	struct vgic_lr *exact = exact_lrs(0);

	init(3, 1);
	for (unsigned i = 0; i < VGIC_MAX_LRS + 4; i++) {
		spi_ready(100 + i, 0, 0x80);
		dist_set_bit(GICD_ISPENDR, 100 + i);
	}
	assert_int_equal(vgic_flush(&g, 0, exact, VGIC_MAX_LRS + 10, &more), VGIC_MAX_LRS);
	assert_true(more);
}

static void test_flush_with_no_list_registers_reports_more(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	dist_set_bit(GICD_ISPENDR, 40);
	assert_int_equal(flush(0, 0), 0);
	assert_true(more);
}

/* ====================================================================== */
/* Sync                                                                    */
/* ====================================================================== */

static void test_sync_of_acknowledged_edge_marks_it_active_and_not_pending(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	make_edge(40);
	vgic_set_line(&g, 0, 40, true);
	flush_one(0, 40);
	assert_int_equal(lrs[0].state, LR_PENDING);
	guest_ack(0);
	vgic_sync(&g, 0, lrs, 1);

	assert_true(spi_active(40));
	assert_false(spi_pending(40));
	assert_false(vgic_has_pending(&g, 0));
	/* It must stay in an LR so that its deactivation is seen. */
	flush_one(0, 40);
	assert_int_equal(lrs[0].state, LR_ACTIVE);
}

static void test_sync_of_deactivated_interrupt_clears_active(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	make_edge(40);
	vgic_set_line(&g, 0, 40, true);
	flush_one(0, 40);
	guest_ack(0);
	vgic_sync(&g, 0, lrs, 1);
	flush_one(0, 40);
	guest_eoi(0);
	vgic_sync(&g, 0, lrs, 1);

	assert_false(spi_active(40));
	assert_false(spi_pending(40));
	assert_int_equal(flush(0, 4), 0);
}

static void test_sync_of_untouched_lr_keeps_it_pending(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	make_edge(40);
	vgic_set_line(&g, 0, 40, true);
	flush_one(0, 40);
	vgic_sync(&g, 0, lrs, 1);          /* the guest did not get to it */

	assert_true(spi_pending(40));
	assert_false(spi_active(40));
	flush_one(0, 40);
	assert_int_equal(lrs[0].state, LR_PENDING);
}

static void test_edge_raised_again_while_in_lr_is_not_lost_by_sync(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	make_edge(40);
	vgic_set_line(&g, 0, 40, true);
	flush_one(0, 40);
	/* While the vCPU runs: a second edge, then the guest takes the first. */
	vgic_set_line(&g, 0, 40, false);
	vgic_set_line(&g, 0, 40, true);
	guest_ack(0);
	vgic_sync(&g, 0, lrs, 1);

	assert_true(spi_active(40));
	assert_true(spi_pending(40));
	flush_one(0, 40);
	assert_int_equal(lrs[0].state, LR_ACTIVE | LR_PENDING);
	/* The guest completes the first and takes the second: then nothing is left. */
	guest_eoi(0);
	guest_ack(0);
	vgic_sync(&g, 0, lrs, 1);
	assert_false(spi_pending(40));
	flush_one(0, 40);
	guest_eoi(0);
	vgic_sync(&g, 0, lrs, 1);
	assert_int_equal(flush(0, 4), 0);
}

static void test_ispendr_write_while_in_lr_is_not_lost_by_sync(void **state)
{
	init(2, 1);
	spi_ready(40, 0, 0x80);
	make_edge(40);
	dist_set_bit(GICD_ISPENDR, 40);
	flush_one(0, 40);
	dist_set_bit(GICD_ISPENDR, 40);    /* another vCPU pends it again meanwhile */
	guest_ack(0);
	vgic_sync(&g, 0, lrs, 1);

	assert_true(spi_pending(40));
	flush_one(0, 40);
	assert_int_equal(lrs[0].state, LR_ACTIVE | LR_PENDING);
}

static void test_sync_ignores_a_vcpu_that_does_not_exist(void **state)
{
	struct vgic_lr lr = { .intid = 40, .state = LR_ACTIVE };

	init(3, 2);
	vgic_sync(&g, 2, &lr, 1);
	assert_false(spi_active(40));
}

/* ====================================================================== */
/* Level and edge                                                          */
/* ====================================================================== */

static void test_level_interrupt_is_pending_while_its_line_is_high(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);            /* SPIs reset to level-sensitive */
	vgic_set_line(&g, 0, 40, true);
	assert_true(spi_pending(40));
	assert_true(vgic_has_pending(&g, 0));
	flush_one(0, 40);
	assert_int_equal(lrs[0].state, LR_PENDING);
	/* Its deactivation must come back to the hypervisor: the line may still be high. */
	assert_true(lrs[0].eoi_notify);
}

static void test_level_interrupt_stops_being_pending_when_its_line_drops(void **state)
{
	const uint32_t vtimer = 27;

	/* The timer case: the guest disables its timer while the interrupt sits in an LR. */
	init(3, 1);
	dist_enable();
	enable_private(0, vtimer);
	vgic_set_line(&g, 0, vtimer, true);
	flush_one(0, vtimer);
	vgic_set_line(&g, 0, vtimer, false);
	vgic_sync(&g, 0, lrs, 1);          /* the LR still says pending */

	assert_false(vgic_has_pending(&g, 0));
	assert_int_equal((redist_r(frame(0) + GICR_SGI + GICD_ISPENDR, 4) >> vtimer) & 1, 0);
	assert_int_equal(flush(0, 4), 0);
}

static void test_level_interrupt_is_not_offered_again_while_active(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	vgic_set_line(&g, 0, 40, true);
	flush_one(0, 40);
	guest_ack(0);
	vgic_sync(&g, 0, lrs, 1);

	assert_false(vgic_has_pending(&g, 0));
	flush_one(0, 40);
	assert_int_equal(lrs[0].state, LR_ACTIVE);     /* not active+pending */
	assert_true(lrs[0].eoi_notify);
}

static void test_level_interrupt_is_offered_again_after_deactivation_if_line_high(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	vgic_set_line(&g, 0, 40, true);
	guest_handles_one(0, 40);

	assert_true(vgic_has_pending(&g, 0));
	flush_one(0, 40);
	assert_int_equal(lrs[0].state, LR_PENDING);
}

static void test_level_interrupt_not_offered_after_deactivation_if_line_low(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	vgic_set_line(&g, 0, 40, true);
	flush_one(0, 40);
	guest_ack(0);
	vgic_sync(&g, 0, lrs, 1);
	vgic_set_line(&g, 0, 40, false);   /* the device was serviced */
	flush_one(0, 40);
	guest_eoi(0);
	vgic_sync(&g, 0, lrs, 1);
	assert_int_equal(flush(0, 4), 0);
}

static void test_level_interrupt_pended_by_software_stays_pending_until_taken(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	dist_set_bit(GICD_ISPENDR, 40);    /* line low: pending by ISPENDR alone */
	assert_true(spi_pending(40));
	guest_handles_one(0, 40);
	assert_false(spi_pending(40));
	assert_int_equal(flush(0, 4), 0);
}

static void test_edge_interrupt_needs_a_rising_edge(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	make_edge(40);
	vgic_set_line(&g, 0, 40, true);
	assert_true(spi_pending(40));
	guest_handles_one(0, 40);

	/* Still high, no new edge: nothing. */
	vgic_set_line(&g, 0, 40, true);
	assert_false(spi_pending(40));
	assert_int_equal(flush(0, 4), 0);
	/* Low then high: a new edge. */
	vgic_set_line(&g, 0, 40, false);
	assert_false(spi_pending(40));
	vgic_set_line(&g, 0, 40, true);
	assert_true(spi_pending(40));
}

/* A doorbell: pending whatever the trigger the guest configured, and taken once. */
static void test_raise_edge_latches_level_and_edge_spis(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	vgic_raise_edge(&g, 0, 40);             /* configured level, line low */
	assert_true(spi_pending(40));
	guest_handles_one(0, 40);
	assert_false(spi_pending(40));
	make_edge(40);
	vgic_raise_edge(&g, 0, 40);
	assert_true(spi_pending(40));
	guest_handles_one(0, 40);
	assert_int_equal(flush(0, 4), 0);
	vgic_raise_edge(&g, 0, 5000);           /* out of range: ignored */
	vgic_raise_edge(&g, 0, 3);              /* SGIs are not raised this way */
	assert_int_equal(flush(0, 4), 0);
}

static void test_edge_interrupt_stays_pending_after_its_line_drops(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	make_edge(40);
	vgic_set_line(&g, 0, 40, true);
	vgic_set_line(&g, 0, 40, false);
	assert_true(spi_pending(40));
	flush_one(0, 40);
	assert_int_equal(lrs[0].state, LR_PENDING);
	assert_false(lrs[0].eoi_notify);
}

static void test_icpendr_clears_a_latched_edge(void **state)
{
	init(2, 1);
	spi_ready(40, 0, 0x80);
	make_edge(40);
	vgic_set_line(&g, 0, 40, true);
	dist_set_bit(GICD_ICPENDR, 40);
	assert_false(spi_pending(40));
	assert_int_equal(flush(0, 4), 0);
}

static void test_set_line_ignores_sgis_and_out_of_range_inputs(void **state)
{
	init(3, 2);
	dist_enable();
	enable_private(0, 3);
	vgic_set_line(&g, 0, 3, true);             /* SGIs have no input line */
	vgic_set_line(&g, 5, 27, true);            /* no vCPU 5 */
	vgic_set_line(&g, 0, VGIC_NR_IRQS, true);  /* no such INTID */
	assert_false(vgic_has_pending(&g, 0));
	assert_false(vgic_has_pending(&g, 1));
	assert_int_equal(kicks[0] + kicks[1], 0);
}

/* ====================================================================== */
/* Enable, disable, group enables                                          */
/* ====================================================================== */

static void test_pending_disabled_interrupt_is_not_delivered(void **state)
{
	init(3, 2);
	dist_enable();
	route_spi(40, 1);
	vgic_set_line(&g, 0, 40, true);

	assert_true(spi_pending(40));
	assert_int_equal(kicks[1], 0);
	assert_false(vgic_has_pending(&g, 1));
	assert_int_equal(flush(1, 4), 0);
	assert_false(more);
}

static void test_enabling_a_pending_interrupt_kicks_its_target_and_delivers_it(void **state)
{
	init(3, 2);
	dist_enable();
	route_spi(40, 1);
	vgic_set_line(&g, 0, 40, true);
	clear_kicks();
	dist_set_bit(GICD_ISENABLER, 40);

	assert_true(kicks[1] > 0);
	assert_int_equal(kicks[0], 0);
	assert_true(vgic_has_pending(&g, 1));
	flush_one(1, 40);
}

static void test_icenabler_stops_delivery_of_a_pending_interrupt(void **state)
{
	init(2, 1);
	spi_ready(40, 0, 0x80);
	vgic_set_line(&g, 0, 40, true);
	assert_true(vgic_has_pending(&g, 0));
	dist_set_bit(GICD_ICENABLER, 40);
	assert_false(dist_bit(0, GICD_ISENABLER, 40));
	assert_false(vgic_has_pending(&g, 0));
	assert_int_equal(flush(0, 4), 0);
}

static void test_v2_group0_enable_gates_delivery(void **state)
{
	init(2, 1);
	route_spi(40, 0);
	dist_set_bit(GICD_ISENABLER, 40);
	vgic_set_line(&g, 0, 40, true);    /* GICv2 interrupts reset to Group 0 */
	assert_int_equal(kicks[0], 0);
	assert_int_equal(flush(0, 4), 0);

	dist_w(0, GICD_CTLR, 4, CTLR_ENABLE_GRP1);     /* the other group: still nothing */
	assert_int_equal(kicks[0], 0);
	assert_false(vgic_has_pending(&g, 0));

	dist_w(0, GICD_CTLR, 4, CTLR_ENABLE_GRP0);
	assert_true(kicks[0] > 0);
	flush_one(0, 40);
	assert_int_equal(lrs[0].group, 0);
}

static void test_v3_group1_enable_gates_delivery(void **state)
{
	init(3, 1);
	route_spi(40, 0);
	dist_set_bit(GICD_ISENABLER, 40);
	vgic_set_line(&g, 0, 40, true);    /* single security state: Group 1 from reset */
	dist_w(0, GICD_CTLR, 4, CTLR_ENABLE_GRP0);
	assert_int_equal(kicks[0], 0);
	assert_int_equal(flush(0, 4), 0);

	dist_w(0, GICD_CTLR, 4, CTLR_ENABLE_GRP1);
	assert_true(kicks[0] > 0);
	flush_one(0, 40);
	assert_int_equal(lrs[0].group, 1);
}

static bool no_interest(unsigned vcpu)
{
	for (unsigned w = 0; w < VGIC_NR_IRQS / 64; w++)
		if (g.vcpus[vcpu].interest[w])
			return false;
	return true;
}

/* Flushes look only at INTIDs something happened to: a drained vGIC has none left to look at. */
static void test_flush_forgets_what_is_drained_and_hears_of_the_next(void **state)
{
	init(3, 2);
	spi_ready(40, 1, 0x80);
	assert_int_equal(flush(0, 4), 0);
	assert_int_equal(flush(1, 4), 0);
	assert_true(no_interest(0));
	assert_true(no_interest(1));
	vgic_set_line(&g, 1, 40, true);         /* level, routed to vCPU 1 */
	flush_one(1, 40);
	guest_ack(0);
	vgic_set_line(&g, 1, 40, false);
	guest_eoi(0);
	vgic_sync(&g, 1, lrs, 1);
	assert_int_equal(flush(1, 4), 0);
	assert_true(no_interest(1));
	/* Moving the SPI to vCPU 0 while its line is high: vCPU 0 hears of it. */
	vgic_set_line(&g, 1, 40, true);
	assert_int_equal(flush(0, 4), 0);       /* still vCPU 1's */
	route_spi(40, 0);
	flush_one(0, 40);
}

static void test_igroupr_moves_an_interrupt_between_groups(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	dist_w(0, GICD_CTLR, 4, CTLR_ENABLE_GRP0);
	vgic_set_line(&g, 0, 40, true);
	assert_int_equal(flush(0, 4), 0);
	dist_w(0, GICD_IGROUPR + 4, 4, 0);     /* INTIDs 32..63 to Group 0 */
	assert_false(dist_bit(0, GICD_IGROUPR, 40));
	flush_one(0, 40);
	assert_int_equal(lrs[0].group, 0);
}

static void test_disabled_active_edge_keeps_its_new_edge_out_of_the_lr(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	make_edge(40);
	vgic_set_line(&g, 0, 40, true);
	flush_one(0, 40);
	guest_ack(0);
	vgic_sync(&g, 0, lrs, 1);
	/* Disabled while active, then a new edge arrives. */
	dist_set_bit(GICD_ICENABLER, 40);
	vgic_set_line(&g, 0, 40, false);
	vgic_set_line(&g, 0, 40, true);

	/* A disabled interrupt is not forwarded: the LR carries the active state only. */
	flush_one(0, 40);
	assert_int_equal(lrs[0].state, LR_ACTIVE);
	guest_eoi(0);
	vgic_sync(&g, 0, lrs, 1);

	/* Its pending state was kept, and enabling it delivers it. */
	assert_true(spi_pending(40));
	clear_kicks();
	dist_set_bit(GICD_ISENABLER, 40);
	assert_true(kicks[0] > 0);
	flush_one(0, 40);
	assert_int_equal(lrs[0].state, LR_PENDING);
}

static void test_new_edge_on_an_active_interrupt_kicks_its_vcpu(void **state)
{
	init(3, 1);
	spi_ready(40, 0, 0x80);
	make_edge(40);
	vgic_set_line(&g, 0, 40, true);
	flush_one(0, 40);
	guest_ack(0);
	vgic_sync(&g, 0, lrs, 1);
	flush_one(0, 40);                  /* running with 40 active in its LR */
	clear_kicks();
	vgic_set_line(&g, 0, 40, false);
	vgic_set_line(&g, 0, 40, true);
	/* The LR must be refreshed to active+pending, so the vCPU has to exit. */
	assert_true(kicks[0] > 0);
}

/* ====================================================================== */
/* SGIs                                                                    */
/* ====================================================================== */

/* Which vCPUs have exactly SGI sgi pending after a flush (bit mask). */
static unsigned sgi_receivers(uint32_t sgi)
{
	unsigned mask = 0;

	for (unsigned c = 0; c < g.nr_vcpus; c++) {
		unsigned n = flush(c, 4);
		if (find_lr(n, sgi) >= 0)
			mask |= 1u << c;
	}
	return mask;
}

static void test_v2_sgir_target_list_reaches_the_listed_vcpus(void **state)
{
	init(2, 4);
	dist_enable();
	dist_w(0, GICD_SGIR, 4, SGIR_LIST | (0x0Au << 16) | 5);
	assert_int_equal(sgi_receivers(5), 0x0A);
	assert_true(kicks[1] > 0);
	assert_true(kicks[3] > 0);
	assert_int_equal(kicks[0] + kicks[2], 0);
}

static void test_v2_sgir_target_list_ignores_vcpus_that_do_not_exist(void **state)
{
	init(2, 2);
	dist_enable();
	dist_w(0, GICD_SGIR, 4, SGIR_LIST | (0xFCu << 16) | 5);
	assert_int_equal(sgi_receivers(5), 0);
}

static void test_v2_sgir_all_but_self(void **state)
{
	init(2, 4);
	dist_enable();
	dist_w(2, GICD_SGIR, 4, SGIR_ALL_BUT_SELF | (0x04u << 16) | 7);   /* list ignored */
	assert_int_equal(sgi_receivers(7), 0x0B);
}

static void test_v2_sgir_self(void **state)
{
	init(2, 4);
	dist_enable();
	dist_w(2, GICD_SGIR, 4, SGIR_SELF | (0x01u << 16) | 7);
	assert_int_equal(sgi_receivers(7), 0x04);
}

static void test_v2_sgir_reserved_filter_sends_nothing(void **state)
{
	init(2, 4);
	dist_enable();
	dist_w(0, GICD_SGIR, 4, (3u << 24) | (0x0Fu << 16) | 7);
	assert_int_equal(sgi_receivers(7), 0);
}

static void test_v2_sgi_sent_to_self_is_delivered(void **state)
{
	init(2, 2);
	dist_enable();
	dist_w(1, GICD_SGIR, 4, SGIR_LIST | (0x02u << 16) | 2);
	assert_true(vgic_has_pending(&g, 1));
	flush_one(1, 2);
	assert_int_equal(lrs[0].source, 1);
}

static void test_v2_sgi_lr_carries_the_sending_vcpu(void **state)
{
	init(2, 4);
	dist_enable();
	dist_w(3, GICD_SGIR, 4, SGIR_LIST | (0x02u << 16) | 9);
	flush_one(1, 9);
	assert_int_equal(lrs[0].source, 3);
	assert_int_equal(lrs[0].state, LR_PENDING);
	/* ISPENDR0 shows the SGI pending; SPENDSGIR shows from whom. */
	assert_true(dist_bit(1, GICD_ISPENDR, 9));
	assert_int_equal(dist_r(1, GICD_SPENDSGIR + 9, 1), 1u << 3);
}

static void test_v2_sgis_from_two_sources_are_delivered_separately(void **state)
{
	init(2, 3);
	dist_enable();
	dist_w(0, GICD_SGIR, 4, SGIR_LIST | (0x02u << 16) | 3);
	dist_w(2, GICD_SGIR, 4, SGIR_LIST | (0x02u << 16) | 3);

	/* First source 0; the other waits, and its deactivation must come back to us. */
	flush_one(1, 3);
	assert_int_equal(lrs[0].source, 0);
	assert_true(lrs[0].eoi_notify);
	guest_ack(0);
	guest_eoi(0);
	vgic_sync(&g, 1, lrs, 1);

	/* Then source 2, as its own interrupt. */
	flush_one(1, 3);
	assert_int_equal(lrs[0].source, 2);
	assert_int_equal(lrs[0].state, LR_PENDING);
	guest_ack(0);
	guest_eoi(0);
	vgic_sync(&g, 1, lrs, 1);
	assert_int_equal(flush(1, 4), 0);
	assert_false(vgic_has_pending(&g, 1));
}

static void test_v2_active_sgi_keeps_its_source_while_another_source_waits(void **state)
{
	init(2, 3);
	dist_enable();
	dist_w(2, GICD_SGIR, 4, SGIR_LIST | (0x02u << 16) | 3);
	flush_one(1, 3);
	guest_ack(0);                      /* the guest is handling source 2's SGI */
	vgic_sync(&g, 1, lrs, 1);
	dist_w(0, GICD_SGIR, 4, SGIR_LIST | (0x02u << 16) | 3);

	/*
	 * The LR must still say source 2, or the guest's EOI of (3, CPU 2)
	 * would not match it; source 0 waits for the deactivation.
	 */
	flush_one(1, 3);
	assert_int_equal(lrs[0].state, LR_ACTIVE);
	assert_int_equal(lrs[0].source, 2);
	assert_true(lrs[0].eoi_notify);
	guest_eoi(0);
	vgic_sync(&g, 1, lrs, 1);

	/* Source 0's SGI was not lost with it. */
	flush_one(1, 3);
	assert_int_equal(lrs[0].state, LR_PENDING);
	assert_int_equal(lrs[0].source, 0);
}

static void test_v2_sgi_sent_again_by_its_source_while_in_lr_is_not_lost(void **state)
{
	init(2, 2);
	dist_enable();
	dist_w(0, GICD_SGIR, 4, SGIR_LIST | (0x02u << 16) | 1);
	flush_one(1, 1);
	/* While vCPU 1 runs: it takes the IPI, and vCPU 0 sends another. */
	guest_ack(0);
	dist_w(0, GICD_SGIR, 4, SGIR_LIST | (0x02u << 16) | 1);
	vgic_sync(&g, 1, lrs, 1);

	flush_one(1, 1);
	assert_int_equal(lrs[0].state, LR_ACTIVE | LR_PENDING);
	assert_int_equal(lrs[0].source, 0);
}

static void test_v2_sgi_enables_and_pending_bits_are_fixed(void **state)
{
	init(2, 2);
	dist_enable();
	/* SGIs are always enabled: ICENABLER0 cannot disable them. */
	dist_w(0, GICD_ICENABLER, 4, 0xFFFF);
	assert_int_equal(dist_r(0, GICD_ISENABLER, 4) & 0xFFFF, 0xFFFF);
	/* ISPENDR0's SGI bits are WI: an SGI without a source cannot be made. */
	dist_w(0, GICD_ISPENDR, 4, 1u << 4);
	assert_false(dist_bit(0, GICD_ISPENDR, 4));
	assert_int_equal(flush(0, 4), 0);
}

static void test_v2_icpendr_does_not_clear_sgis(void **state)
{
	init(2, 2);
	dist_enable();
	dist_w(1, GICD_SGIR, 4, SGIR_LIST | (0x01u << 16) | 4);
	dist_w(0, GICD_ICPENDR, 4, 1u << 4);
	assert_true(dist_bit(0, GICD_ISPENDR, 4));
}

static void test_v2_spendsgir_and_cpendsgir_set_and_clear_per_source(void **state)
{
	init(2, 4);
	dist_enable();
	/* SGI 6 of vCPU 1 pending from sources 0 and 3 (bits beyond vCPU 3 ignored). */
	dist_w(1, GICD_SPENDSGIR + 4, 4, 0xF9u << 16);
	assert_int_equal(dist_r(1, GICD_SPENDSGIR + 4, 4), 0x09u << 16);
	assert_int_equal(dist_r(1, GICD_CPENDSGIR + 6, 1), 0x09);
	assert_int_equal(dist_r(0, GICD_SPENDSGIR + 6, 1), 0);     /* banked per vCPU */
	assert_true(kicks[1] > 0);

	dist_w(1, GICD_CPENDSGIR + 6, 1, 0x01);
	assert_int_equal(dist_r(1, GICD_SPENDSGIR + 6, 1), 0x08);
	flush_one(1, 6);
	assert_int_equal(lrs[0].source, 3);
}

static uint64_t sgi1r(unsigned aff1, unsigned rs, bool irm, unsigned intid, unsigned list)
{
	return (uint64_t)list | ((uint64_t)aff1 << 16) | ((uint64_t)intid << 24) |
	       ((uint64_t)irm << 40) | ((uint64_t)rs << 44);
}

/* A GICv3 guest with every vCPU's SGIs enabled, as Linux leaves them. */
static void init_v3_sgis(unsigned nr)
{
	init(3, nr);
	dist_enable();
	for (unsigned c = 0; c < nr; c++)
		redist_w(frame(c) + GICR_SGI + GICD_ISENABLER, 4, 0xFFFF);
	clear_kicks();
}

static void test_v3_sgi1r_target_list_reaches_the_listed_vcpus(void **state)
{
	init_v3_sgis(4);
	vgic_v3_sgi1r(&g, 0, sgi1r(0, 0, false, 5, 0x6));
	assert_int_equal(sgi_receivers(5), 0x6);
	assert_true(kicks[1] > 0 && kicks[2] > 0);
	assert_int_equal(kicks[0] + kicks[3], 0);
}

static void test_v3_sgi1r_to_self_is_delivered(void **state)
{
	init_v3_sgis(2);
	vgic_v3_sgi1r(&g, 1, sgi1r(0, 0, false, 5, 0x2));
	assert_int_equal(sgi_receivers(5), 0x2);
}

static void test_v3_sgi1r_irm_reaches_everyone_but_the_sender(void **state)
{
	init_v3_sgis(4);
	vgic_v3_sgi1r(&g, 2, sgi1r(0, 0, true, 11, 0x4));     /* list ignored with IRM */
	assert_int_equal(sgi_receivers(11), 0xB);
}

static void test_v3_sgi1r_range_selector_names_higher_aff0(void **state)
{
	init_v3_sgis(8);
	/* RS=1, bit 0 is Aff0 16: there is no such vCPU, and vCPU 0 must not get it. */
	vgic_v3_sgi1r(&g, 1, sgi1r(0, 1, false, 4, 0x1));
	assert_int_equal(sgi_receivers(4), 0);
	/* RS=0 bit 7 is vCPU 7. */
	vgic_v3_sgi1r(&g, 1, sgi1r(0, 0, false, 4, 0x80));
	assert_int_equal(sgi_receivers(4), 0x80);
}

static void test_v3_sgi1r_nonzero_aff1_reaches_nobody(void **state)
{
	init_v3_sgis(4);
	vgic_v3_sgi1r(&g, 0, sgi1r(1, 0, false, 5, 0x3));
	assert_int_equal(sgi_receivers(5), 0);
	assert_int_equal(kicks[0] + kicks[1] + kicks[2] + kicks[3], 0);
}

static void test_v3_sgi_needs_its_redistributor_enable(void **state)
{
	init(3, 2);
	dist_enable();
	vgic_v3_sgi1r(&g, 0, sgi1r(0, 0, false, 5, 0x2));
	assert_int_equal(kicks[1], 0);
	assert_int_equal(flush(1, 4), 0);
	redist_w(frame(1) + GICR_SGI + GICD_ISENABLER, 4, 1u << 5);
	assert_true(kicks[1] > 0);
	flush_one(1, 5);
}

static void test_v3_sgi_raised_again_while_in_lr_is_not_lost(void **state)
{
	init_v3_sgis(2);
	vgic_v3_sgi1r(&g, 0, sgi1r(0, 0, false, 1, 0x2));
	flush_one(1, 1);
	guest_ack(0);
	vgic_v3_sgi1r(&g, 0, sgi1r(0, 0, false, 1, 0x2));
	vgic_sync(&g, 1, lrs, 1);
	flush_one(1, 1);
	assert_int_equal(lrs[0].state, LR_ACTIVE | LR_PENDING);
}

static void test_sgi_from_a_vcpu_that_does_not_exist_is_dropped(void **state)
{
	init_v3_sgis(2);
	vgic_v3_sgi1r(&g, 2, sgi1r(0, 0, false, 1, 0x3));
	vgic_v2_sgir(&g, 2, 0);            /* wrong version too, and still ignored */
	assert_int_equal(sgi_receivers(1), 0);
}

/* ====================================================================== */
/* SPI routing                                                             */
/* ====================================================================== */

/* Which vCPUs a pending SPI shows up for. */
static unsigned spi_receivers(uint32_t intid)
{
	unsigned mask = 0;

	for (unsigned c = 0; c < g.nr_vcpus; c++) {
		unsigned n = flush(c, 4);
		if (find_lr(n, intid) >= 0)
			mask |= 1u << c;
		if (vgic_has_pending(&g, c))
			assert_true(find_lr(n, intid) >= 0);
	}
	return mask;
}

static void test_v2_itargetsr_byte_write_routes_an_spi(void **state)
{
	init(2, 4);
	dist_enable();
	dist_set_bit(GICD_ISENABLER, 45);
	vgic_set_line(&g, 0, 45, true);
	assert_int_equal(spi_receivers(45), 0);        /* no target from reset */

	dist_w(0, GICD_ITARGETSR + 45, 1, 0x04);
	assert_true(kicks[2] > 0);
	assert_int_equal(dist_r(0, GICD_ITARGETSR + 44, 4), 0x04u << 8);
	assert_int_equal(dist_r(3, GICD_ITARGETSR + 45, 1), 0x04);
	assert_int_equal(spi_receivers(45), 0x04);
}

static void test_v2_itargetsr_word_write_sets_four_spis(void **state)
{
	init(2, 4);
	dist_w(0, GICD_ITARGETSR + 32, 4, 0x08040201);
	assert_int_equal(dist_r(1, GICD_ITARGETSR + 32, 1), 0x01);
	assert_int_equal(dist_r(1, GICD_ITARGETSR + 35, 1), 0x08);
}

static void test_v2_itargetsr_drops_vcpus_that_do_not_exist(void **state)
{
	init(2, 2);
	dist_w(0, GICD_ITARGETSR + 40, 1, 0xFE);
	assert_int_equal(dist_r(0, GICD_ITARGETSR + 40, 1), 0x02);
}

static void test_v2_private_itargetsr_is_read_only_and_reads_own_mask(void **state)
{
	init(2, 4);
	assert_int_equal(dist_r(2, GICD_ITARGETSR, 4), 0x04040404);
	assert_int_equal(dist_r(1, GICD_ITARGETSR + 28, 4), 0x02020202);
	assert_int_equal(dist_r(3, GICD_ITARGETSR + 27, 1), 0x08);
	dist_w(2, GICD_ITARGETSR, 4, 0);
	dist_w(2, GICD_ITARGETSR + 27, 1, 0x01);
	assert_int_equal(dist_r(2, GICD_ITARGETSR, 4), 0x04040404);
	assert_int_equal(dist_r(2, GICD_ITARGETSR + 24, 4), 0x04040404);
}

static void test_v2_spi_with_several_targets_goes_to_one_vcpu(void **state)
{
	init(2, 4);
	dist_enable();
	dist_set_bit(GICD_ISENABLER, 50);
	dist_w(0, GICD_ITARGETSR + 50, 1, 0x0C);
	vgic_set_line(&g, 0, 50, true);
	unsigned who = spi_receivers(50);
	/* 1-of-N: exactly one of the targets handles it. */
	assert_true(who == 0x04 || who == 0x08);
}

static void test_v2_retargeting_a_pending_spi_moves_it(void **state)
{
	init(2, 2);
	spi_ready(40, 0, 0x80);
	vgic_set_line(&g, 0, 40, true);
	assert_int_equal(spi_receivers(40), 0x1);
	clear_kicks();
	dist_w(1, GICD_ITARGETSR + 40, 1, 0x02);
	assert_true(kicks[1] > 0);
	assert_int_equal(spi_receivers(40), 0x2);
}

static void test_v3_irouter_64bit_write_routes_an_spi(void **state)
{
	init(3, 4);
	dist_enable();
	dist_set_bit(GICD_ISENABLER, 40);
	vgic_set_line(&g, 0, 40, true);
	clear_kicks();
	dist_w(0, GICD_IROUTER + 8 * 40, 8, 3);
	assert_true(kicks[3] > 0);
	assert_int_equal(dist_r(0, GICD_IROUTER + 8 * 40, 8), 3);
	assert_int_equal(spi_receivers(40), 0x8);
}

static void test_v3_irouter_32bit_halves_read_and_write(void **state)
{
	init(3, 4);
	dist_enable();
	dist_set_bit(GICD_ISENABLER, 40);
	vgic_set_line(&g, 0, 40, true);
	dist_w(0, GICD_IROUTER + 8 * 40, 4, 2);
	assert_int_equal(dist_r(0, GICD_IROUTER + 8 * 40, 8), 2);
	assert_int_equal(spi_receivers(40), 0x4);

	/* Aff3 = 1 in the upper half: 1.0.0.2 is no vCPU, and the low half stays. */
	dist_w(0, GICD_IROUTER + 8 * 40 + 4, 4, 1);
	assert_int_equal(dist_r(0, GICD_IROUTER + 8 * 40 + 4, 4), 1);
	assert_int_equal(dist_r(0, GICD_IROUTER + 8 * 40, 4), 2);
	assert_int_equal(dist_r(0, GICD_IROUTER + 8 * 40, 8), (1ULL << 32) | 2);
	assert_int_equal(spi_receivers(40), 0);
}

static void test_v3_irouter_keeps_only_affinity_and_irm_bits(void **state)
{
	init(3, 4);
	dist_w(0, GICD_IROUTER + 8 * 40, 8, ~0ULL);
	assert_int_equal(dist_r(0, GICD_IROUTER + 8 * 40, 8), 0xFF80FFFFFFULL);
}

static void test_v3_irouter_irm_lets_one_vcpu_take_it(void **state)
{
	init(3, 4);
	dist_enable();
	dist_set_bit(GICD_ISENABLER, 40);
	dist_w(0, GICD_IROUTER + 8 * 40, 8, (1ULL << 31) | 3);
	vgic_set_line(&g, 0, 40, true);
	unsigned who = spi_receivers(40);
	/* Any participating vCPU, but exactly one. */
	assert_true(who != 0 && (who & (who - 1)) == 0);
}

static void test_v3_irouter_with_nonzero_aff1_reaches_nobody(void **state)
{
	init(3, 4);
	dist_enable();
	dist_set_bit(GICD_ISENABLER, 40);
	dist_w(0, GICD_IROUTER + 8 * 40, 8, 0x100);    /* 0.0.1.0 */
	vgic_set_line(&g, 0, 40, true);
	assert_int_equal(spi_receivers(40), 0);
	assert_int_equal(kicks[0], 0);
}

static void test_v3_irouter_to_a_missing_aff0_reaches_nobody(void **state)
{
	init(3, 2);
	dist_enable();
	dist_set_bit(GICD_ISENABLER, 40);
	dist_w(0, GICD_IROUTER + 8 * 40, 8, 5);
	vgic_set_line(&g, 0, 40, true);
	assert_int_equal(spi_receivers(40), 0);
}

static void test_v3_irouter_of_private_intids_is_raz_wi(void **state)
{
	init(3, 2);
	dist_w(0, GICD_IROUTER + 8 * 27, 8, 1);
	assert_int_equal(dist_r(0, GICD_IROUTER + 8 * 27, 8), 0);
	assert_int_equal(dist_r(0, GICD_IROUTER + 8 * 31 + 4, 4), 0);
}

static void test_v3_spi_routes_to_vcpu0_from_reset(void **state)
{
	init(3, 2);
	dist_enable();
	dist_set_bit(GICD_ISENABLER, 40);
	vgic_set_line(&g, 0, 40, true);
	assert_int_equal(spi_receivers(40), 0x1);
}

/* ====================================================================== */
/* Distributor registers                                                   */
/* ====================================================================== */

static void test_v2_typer_reports_lines_and_cpus(void **state)
{
	init(2, 4);
	/* ITLinesNumber 7 (256 INTIDs), CPUNumber 3 (four vCPUs), no SecurityExtn. */
	assert_int_equal(dist_r(0, GICD_TYPER, 4), 7u | (3u << 5));
}

static void test_v3_typer_reports_lines_cpus_and_idbits(void **state)
{
	init(3, 8);
	uint64_t typer = dist_r(0, GICD_TYPER, 4);
	assert_int_equal(typer & 0x1F, 7);
	assert_int_equal((typer >> 5) & 7, 7);
	assert_int_equal((typer >> 19) & 0x1F, 9);
	/* No LPIs, no MBIs. */
	assert_int_equal((typer >> 16) & 3, 0);
}

static void test_iidr_reads_the_implementer(void **state)
{
	init(2, 1);
	assert_int_equal(dist_r(0, GICD_IIDR, 4) & 0xFFF, 0x43B);
	init(3, 1);
	assert_int_equal(dist_r(0, GICD_IIDR, 4) & 0xFFF, 0x43B);
}

static void test_pidr2_archrev_says_gicv2_or_gicv3(void **state)
{
	init(2, 1);
	assert_int_equal(dist_r(0, GICD_PIDR2_V2, 4) & 0xF0, 0x20);
	init(3, 1);
	assert_int_equal(dist_r(0, GICD_PIDR2_V3, 4) & 0xF0, 0x30);
	assert_int_equal(redist_r(frame(0) + GICR_PIDR2, 4) & 0xF0, 0x30);
}

static void test_v2_ctlr_holds_the_two_group_enables(void **state)
{
	init(2, 1);
	assert_int_equal(dist_r(0, GICD_CTLR, 4), 0);
	dist_w(0, GICD_CTLR, 4, 0xFFFFFFFF);
	assert_int_equal(dist_r(0, GICD_CTLR, 4), 3);
	dist_w(0, GICD_CTLR, 4, 1);
	assert_int_equal(dist_r(0, GICD_CTLR, 4), 1);
}

static void test_v3_ctlr_reads_are_and_ds_as_one(void **state)
{
	init(3, 1);
	assert_int_equal(dist_r(0, GICD_CTLR, 4), CTLR_ARE | CTLR_DS);
	dist_w(0, GICD_CTLR, 4, 0);                    /* cannot be turned off */
	assert_int_equal(dist_r(0, GICD_CTLR, 4), CTLR_ARE | CTLR_DS);
	dist_w(0, GICD_CTLR, 4, CTLR_ENABLE_GRP1 | CTLR_ARE);
	assert_int_equal(dist_r(0, GICD_CTLR, 4), CTLR_ENABLE_GRP1 | CTLR_ARE | CTLR_DS);
	/* RWP (bit 31) never reads as busy. */
	dist_w(0, GICD_CTLR, 4, 0xFFFFFFFF);
	assert_int_equal(dist_r(0, GICD_CTLR, 4) >> 31, 0);
}

static void test_writes_to_read_only_registers_are_ignored(void **state)
{
	init(3, 2);
	uint64_t typer = dist_r(0, GICD_TYPER, 4), iidr = dist_r(0, GICD_IIDR, 4);
	dist_w(0, GICD_TYPER, 4, 0);
	dist_w(0, GICD_IIDR, 4, 0);
	dist_w(0, GICD_PIDR2_V3, 4, 0);
	assert_int_equal(dist_r(0, GICD_TYPER, 4), typer);
	assert_int_equal(dist_r(0, GICD_IIDR, 4), iidr);
	assert_int_equal(dist_r(0, GICD_PIDR2_V3, 4) & 0xF0, 0x30);
}

static void test_v2_icfgr0_of_sgis_is_read_only_edge(void **state)
{
	init(2, 1);
	assert_int_equal(dist_r(0, GICD_ICFGR, 4), 0xAAAAAAAA);
	dist_w(0, GICD_ICFGR, 4, 0);
	assert_int_equal(dist_r(0, GICD_ICFGR, 4), 0xAAAAAAAA);
}

static void test_icfgr_configures_spis_edge_or_level(void **state)
{
	init(2, 1);
	assert_int_equal(dist_r(0, GICD_ICFGR + 8, 4), 0);     /* level from reset */
	dist_w(0, GICD_ICFGR + 8, 4, 0x2u << 2 * 8);           /* INTID 40 edge */
	assert_int_equal(dist_r(0, GICD_ICFGR + 8, 4), 0x2u << 2 * 8);
	/* Bit 0 of each field is reserved. */
	dist_w(0, GICD_ICFGR + 8, 4, 0x55555555);
	assert_int_equal(dist_r(0, GICD_ICFGR + 8, 4), 0);
}

static void test_reserved_offsets_read_as_zero_and_ignore_writes(void **state)
{
	static const uint64_t reserved[] = { 0x00C, 0x07C, 0x0FC0, 0x0E00, 0x7FF8, 0x0D00 };

	for (unsigned version = 2; version <= 3; version++) {
		init(version, 2);
		for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
			dist_w(0, reserved[i], 4, 0xFFFFFFFF);
			assert_int_equal(dist_r(0, reserved[i], 4), 0);
		}
		/* Priorities of INTIDs past the 256 this GIC has. */
		dist_w(0, GICD_IPRIORITYR + 0x100, 4, 0xFFFFFFFF);
		assert_int_equal(dist_r(0, GICD_IPRIORITYR + 0x100, 4), 0);
		/* Enables of INTIDs past 255. */
		dist_w(0, GICD_ISENABLER + 0x20, 4, 0xFFFFFFFF);
		assert_int_equal(dist_r(0, GICD_ISENABLER + 0x20, 4), 0);
	}
}

static void test_sgir_is_write_only(void **state)
{
	init(2, 2);
	dist_enable();
	dist_w(0, GICD_SGIR, 4, SGIR_SELF | 1);
	assert_int_equal(dist_r(0, GICD_SGIR, 4), 0);
}

static void test_v3_has_no_sgir_or_itargetsr(void **state)
{
	init(3, 2);
	dist_enable();
	enable_private(1, 1);
	dist_w(0, GICD_SGIR, 4, SGIR_LIST | (0x2u << 16) | 1);
	assert_int_equal(flush(1, 4), 0);
	dist_w(0, GICD_ITARGETSR + 40, 4, 0x02020202);
	assert_int_equal(dist_r(0, GICD_ITARGETSR + 40, 4), 0);
}

static void test_ipriorityr_byte_access_works(void **state)
{
	init(2, 1);
	dist_w(0, GICD_IPRIORITYR + 41, 1, 0x80);
	assert_int_equal(dist_r(0, GICD_IPRIORITYR + 40, 4), 0x8000);
	assert_int_equal(dist_r(0, GICD_IPRIORITYR + 41, 1), 0x80);
	dist_w(0, GICD_IPRIORITYR + 44, 4, 0x44332211);
	assert_int_equal(dist_r(0, GICD_IPRIORITYR + 46, 1), 0x33);
	assert_int_equal(dist_r(0, GICD_IPRIORITYR + 47, 1), 0x44);
}

static void test_v2_private_priorities_are_banked_per_vcpu(void **state)
{
	init(2, 2);
	dist_w(1, GICD_IPRIORITYR + 27, 1, 0x30);
	assert_int_equal(dist_r(1, GICD_IPRIORITYR + 27, 1), 0x30);
	assert_int_equal(dist_r(0, GICD_IPRIORITYR + 27, 1), 0);
}

static void test_byte_access_to_isenabler_is_refused(void **state)
{
	uint64_t val;

	init(2, 1);
	assert_int_equal(vgic_dist_read(&g, 0, GICD_ISENABLER + 5, 1, &val), -1);
	assert_int_equal(vgic_dist_write(&g, 0, GICD_ISENABLER + 5, 1, 0xFF), -1);
	assert_int_equal(vgic_dist_write(&g, 0, GICD_ISENABLER + 4, 1, 0xFF), -1);
	assert_false(dist_bit(0, GICD_ISENABLER, 32));
}

static void test_halfword_access_is_refused(void **state)
{
	uint64_t val;

	init(2, 1);
	assert_int_equal(vgic_dist_read(&g, 0, GICD_IPRIORITYR + 40, 2, &val), -1);
	assert_int_equal(vgic_dist_write(&g, 0, GICD_CTLR, 2, 1), -1);
	assert_int_equal(dist_r(0, GICD_CTLR, 4), 0);
}

static void test_misaligned_access_is_refused(void **state)
{
	uint64_t val;

	init(3, 1);
	assert_int_equal(vgic_dist_read(&g, 0, GICD_ISENABLER + 2, 4, &val), -1);
	assert_int_equal(vgic_dist_write(&g, 0, GICD_IPRIORITYR + 41, 4, 0), -1);
	assert_int_equal(vgic_dist_read(&g, 0, GICD_IROUTER + 8 * 40 + 4, 8, &val), -1);
	assert_int_equal(vgic_redist_read(&g, frame(0) + GICR_TYPER + 4, 8, &val), -1);
}

static void test_v3_doubleword_access_only_for_irouter(void **state)
{
	uint64_t val;

	init(3, 1);
	assert_int_equal(vgic_dist_read(&g, 0, GICD_ISENABLER, 8, &val), -1);
	assert_int_equal(vgic_dist_write(&g, 0, GICD_CTLR, 8, 3), -1);
	assert_int_equal(vgic_dist_read(&g, 0, GICD_IROUTER + 8 * 40, 8, &val), 0);
	init(2, 1);
	assert_int_equal(vgic_dist_read(&g, 0, GICD_IROUTER + 8 * 40, 8, &val), -1);
}

static void test_access_by_a_vcpu_that_does_not_exist_is_refused(void **state)
{
	uint64_t val;

	init(2, 2);
	assert_int_equal(vgic_dist_read(&g, 2, GICD_CTLR, 4, &val), -1);
	assert_int_equal(vgic_dist_write(&g, 2, GICD_CTLR, 4, 1), -1);
	assert_int_equal(dist_r(0, GICD_CTLR, 4), 0);
}

static void test_v3_distributor_hides_private_intids(void **state)
{
	init(3, 2);
	/* They live in the redistributors: the distributor's copies are RAZ/WI. */
	dist_w(0, GICD_ISENABLER, 4, 0xFFFFFFFF);
	dist_w(0, GICD_ISPENDR, 4, 0xFFFFFFFF);
	dist_w(0, GICD_IPRIORITYR + 27, 1, 0x20);
	dist_w(0, GICD_ICFGR + 4, 4, 0xAAAAAAAA);
	assert_int_equal(dist_r(0, GICD_ISENABLER, 4), 0);
	assert_int_equal(dist_r(0, GICD_ISPENDR, 4), 0);
	assert_int_equal(dist_r(0, GICD_IPRIORITYR + 24, 4), 0);
	assert_int_equal(dist_r(0, GICD_ICFGR, 4), 0);
	assert_int_equal(dist_r(0, GICD_IGROUPR, 4), 0);
	/* And the writes did not reach the redistributor's registers either. */
	assert_int_equal(redist_r(frame(0) + GICR_SGI + GICD_ISENABLER, 4), 0);
	assert_int_equal(redist_r(frame(0) + GICR_SGI + GICD_ISPENDR, 4), 0);
	assert_int_equal(redist_r(frame(0) + GICR_SGI + GICD_IPRIORITYR + 24, 4), 0);
	assert_int_equal(redist_r(frame(0) + GICR_SGI + GICD_ICFGR + 4, 4), 0);
}

static void test_isactiver_and_icactiver_set_and_clear_active(void **state)
{
	init(2, 1);
	dist_set_bit(GICD_ISACTIVER, 70);
	assert_true(spi_active(70));
	dist_set_bit(GICD_ICACTIVER, 70);
	assert_false(spi_active(70));
}

/* ====================================================================== */
/* GICv3 redistributors                                                    */
/* ====================================================================== */

static void test_gicr_typer_gives_affinity_number_and_last(void **state)
{
	init(3, 3);
	for (unsigned c = 0; c < 3; c++) {
		uint64_t typer = redist_r(frame(c) + GICR_TYPER, 8);
		assert_int_equal(typer >> 32, c);                  /* affinity 0.0.0.c */
		assert_int_equal((typer >> 8) & 0xFFFF, c);        /* processor number */
		assert_int_equal((typer & TYPER_LAST) != 0, c == 2);
		assert_int_equal(typer & 0xF, 0);                  /* no LPIs */
		assert_int_equal(redist_r(frame(c) + GICR_TYPER, 4), (uint32_t)typer);
		assert_int_equal(redist_r(frame(c) + GICR_TYPER + 4, 4), typer >> 32);
	}
}

static void test_gicr_ctlr_and_iidr(void **state)
{
	init(3, 2);
	assert_int_equal(redist_r(frame(1) + GICR_CTLR, 4), 0);
	assert_int_equal(redist_r(frame(1) + GICR_IIDR, 4) & 0xFFF, 0x43B);
}

static void test_gicr_waker_handshake_as_linux_does_it(void **state)
{
	init(3, 2);
	/* From reset the redistributor is asleep. */
	assert_int_equal(redist_r(frame(1) + GICR_WAKER, 4), WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP);

	/* Wake: clear ProcessorSleep, then poll until ChildrenAsleep reads 0. */
	uint64_t w = redist_r(frame(1) + GICR_WAKER, 4);
	redist_w(frame(1) + GICR_WAKER, 4, w & ~(uint64_t)WAKER_PROCESSOR_SLEEP);
	assert_int_equal(redist_r(frame(1) + GICR_WAKER, 4) & WAKER_CHILDREN_ASLEEP, 0);
	assert_int_equal(redist_r(frame(1) + GICR_WAKER, 4) & WAKER_PROCESSOR_SLEEP, 0);
	/* The other vCPU's redistributor did not wake with it. */
	assert_int_equal(redist_r(frame(0) + GICR_WAKER, 4), WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP);

	/* Sleep again: ChildrenAsleep follows. */
	redist_w(frame(1) + GICR_WAKER, 4, WAKER_PROCESSOR_SLEEP);
	assert_true(redist_r(frame(1) + GICR_WAKER, 4) & WAKER_CHILDREN_ASLEEP);
}

static void test_gicr_children_asleep_is_read_only(void **state)
{
	init(3, 1);
	redist_w(frame(0) + GICR_WAKER, 4, WAKER_CHILDREN_ASLEEP);    /* awake, trying to set RO bit */
	assert_int_equal(redist_r(frame(0) + GICR_WAKER, 4), 0);
}

static void test_gicr_isenabler0_and_icenabler0_reach_the_right_vcpu(void **state)
{
	init(3, 3);
	redist_w(frame(2) + GICR_SGI + GICD_ISENABLER, 4, (1u << 27) | (1u << 3));
	assert_int_equal(redist_r(frame(2) + GICR_SGI + GICD_ISENABLER, 4), (1u << 27) | (1u << 3));
	assert_int_equal(redist_r(frame(2) + GICR_SGI + GICD_ICENABLER, 4), (1u << 27) | (1u << 3));
	assert_int_equal(redist_r(frame(1) + GICR_SGI + GICD_ISENABLER, 4), 0);
	assert_int_equal(redist_r(frame(0) + GICR_SGI + GICD_ISENABLER, 4), 0);

	redist_w(frame(2) + GICR_SGI + GICD_ICENABLER, 4, 1u << 3);
	assert_int_equal(redist_r(frame(2) + GICR_SGI + GICD_ISENABLER, 4), 1u << 27);
}

static void test_gicr_enable_delivers_that_vcpus_ppi(void **state)
{
	init(3, 2);
	dist_enable();
	vgic_set_line(&g, 1, 27, true);
	vgic_set_line(&g, 0, 27, true);
	redist_w(frame(1) + GICR_SGI + GICD_ISENABLER, 4, 1u << 27);
	assert_true(kicks[1] > 0);
	assert_int_equal(kicks[0], 0);
	flush_one(1, 27);
	assert_int_equal(flush(0, 4), 0);
}

static void test_gicr_ipriorityr_bytes_per_vcpu(void **state)
{
	init(3, 2);
	redist_w(frame(1) + GICR_SGI + GICD_IPRIORITYR + 27, 1, 0xA0);
	redist_w(frame(1) + GICR_SGI + GICD_IPRIORITYR + 0, 4, 0x40302010);
	assert_int_equal(redist_r(frame(1) + GICR_SGI + GICD_IPRIORITYR + 24, 4), 0xA0000000);
	assert_int_equal(redist_r(frame(1) + GICR_SGI + GICD_IPRIORITYR + 2, 1), 0x30);
	assert_int_equal(redist_r(frame(0) + GICR_SGI + GICD_IPRIORITYR + 24, 4), 0);
	assert_int_equal(redist_r(frame(0) + GICR_SGI + GICD_IPRIORITYR + 0, 4), 0);

	/* The priority reaches the LR of that vCPU. */
	dist_enable();
	enable_private(1, 27);
	vgic_set_line(&g, 1, 27, true);
	flush_one(1, 27);
	assert_int_equal(lrs[0].priority, 0xA0);
}

static void test_gicr_icfgr1_configures_ppis_and_icfgr0_is_read_only(void **state)
{
	init(3, 2);
	assert_int_equal(redist_r(frame(1) + GICR_SGI + GICD_ICFGR, 4), 0xAAAAAAAA);
	assert_int_equal(redist_r(frame(1) + GICR_SGI + GICD_ICFGR + 4, 4), 0);
	redist_w(frame(1) + GICR_SGI + GICD_ICFGR, 4, 0);
	redist_w(frame(1) + GICR_SGI + GICD_ICFGR + 4, 4, 2u << 2 * (27 - 16));
	assert_int_equal(redist_r(frame(1) + GICR_SGI + GICD_ICFGR, 4), 0xAAAAAAAA);
	assert_int_equal(redist_r(frame(1) + GICR_SGI + GICD_ICFGR + 4, 4), 2u << 2 * (27 - 16));
	assert_int_equal(redist_r(frame(0) + GICR_SGI + GICD_ICFGR + 4, 4), 0);
}

static void test_gicr_ispendr0_pends_that_vcpus_sgi(void **state)
{
	init_v3_sgis(2);
	redist_w(frame(1) + GICR_SGI + GICD_ISPENDR, 4, 1u << 6);
	assert_int_equal(redist_r(frame(1) + GICR_SGI + GICD_ISPENDR, 4), 1u << 6);
	assert_int_equal(sgi_receivers(6), 0x2);
	redist_w(frame(1) + GICR_SGI + GICD_ICPENDR, 4, 1u << 6);
	assert_int_equal(redist_r(frame(1) + GICR_SGI + GICD_ISPENDR, 4), 0);
}

static void test_gicr_frame_past_the_last_vcpu_is_refused(void **state)
{
	uint64_t val;

	init(3, 2);
	assert_int_equal(vgic_redist_read(&g, frame(2) + GICR_TYPER, 8, &val), -1);
	assert_int_equal(vgic_redist_write(&g, frame(2) + GICR_WAKER, 4, 0), -1);
	assert_int_equal(vgic_redist_read(&g, frame(2) + GICR_SGI + GICD_ISENABLER, 4, &val), -1);
}

static void test_gicr_is_refused_on_gicv2(void **state)
{
	uint64_t val;

	init(2, 2);
	assert_int_equal(vgic_redist_read(&g, frame(0) + GICR_TYPER, 8, &val), -1);
	assert_int_equal(vgic_redist_write(&g, frame(0) + GICR_WAKER, 4, 0), -1);
}

static void test_gicr_access_sizes(void **state)
{
	uint64_t val;

	init(3, 1);
	/* RD_base: word and doubleword registers, no byte access. */
	assert_int_equal(vgic_redist_read(&g, frame(0) + GICR_WAKER, 1, &val), -1);
	assert_int_equal(vgic_redist_write(&g, frame(0) + GICR_WAKER, 1, 0), -1);
	assert_int_equal(redist_r(frame(0) + GICR_WAKER, 4), WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP);
	/* SGI_base: bytes for IPRIORITYR only, words otherwise. */
	assert_int_equal(vgic_redist_read(&g, frame(0) + GICR_SGI + GICD_ISENABLER, 1, &val), -1);
	assert_int_equal(vgic_redist_write(&g, frame(0) + GICR_SGI + GICD_ISENABLER, 1, 1), -1);
	assert_int_equal(vgic_redist_read(&g, frame(0) + GICR_SGI + GICD_ISENABLER, 8, &val), -1);
	assert_int_equal(vgic_redist_read(&g, frame(0) + GICR_SGI + GICD_IPRIORITYR + 3, 2, &val), -1);
	assert_int_equal(vgic_redist_read(&g, frame(0) + GICR_SGI + GICD_IPRIORITYR + 3, 1, &val), 0);
}

static void test_gicr_sgi_frame_reserved_offsets_read_as_zero(void **state)
{
	init(3, 1);
	redist_w(frame(0) + GICR_SGI + 0x0D00, 4, 0xFFFFFFFF);     /* IGRPMODR0 */
	assert_int_equal(redist_r(frame(0) + GICR_SGI + 0x0D00, 4), 0);
	/* The distributor's registers for SPIs do not exist in the SGI frame. */
	redist_w(frame(0) + GICR_SGI + GICD_ISENABLER + 4, 4, 0xFFFFFFFF);
	assert_int_equal(redist_r(frame(0) + GICR_SGI + GICD_ISENABLER + 4, 4), 0);
	assert_false(dist_bit(0, GICD_ISENABLER, 32));
	assert_int_equal(redist_r(frame(0) + GICR_SGI + GICD_IPRIORITYR + 32, 4), 0);
}

/* ====================================================================== */
/* Reset                                                                   */
/* ====================================================================== */

static void test_reset_clears_all_state(void **state)
{
	init(3, 2);
	spi_ready(40, 1, 0x80);
	vgic_set_line(&g, 0, 40, true);
	dist_set_bit(GICD_ISACTIVER, 41);
	redist_w(frame(1) + GICR_SGI + GICD_ISENABLER, 4, 0xFFFF);
	vgic_v3_sgi1r(&g, 0, sgi1r(0, 0, false, 2, 0x2));
	redist_w(frame(1) + GICR_WAKER, 4, 0);
	make_edge(42);

	vgic_reset(&g);
	assert_int_equal(dist_r(0, GICD_CTLR, 4), CTLR_ARE | CTLR_DS);
	assert_int_equal(dist_r(0, GICD_ISENABLER + 4, 4), 0);
	assert_int_equal(dist_r(0, GICD_ISACTIVER + 4, 4), 0);
	assert_int_equal(dist_r(0, GICD_IPRIORITYR + 40, 1), 0);
	assert_int_equal(dist_r(0, GICD_IROUTER + 8 * 40, 8), 0);
	assert_int_equal(dist_r(0, GICD_ICFGR + 8, 4), 0);
	assert_int_equal(redist_r(frame(1) + GICR_SGI + GICD_ISENABLER, 4), 0);
	assert_int_equal(redist_r(frame(1) + GICR_SGI + GICD_ISPENDR, 4), 0);
	assert_int_equal(redist_r(frame(1) + GICR_WAKER, 4), WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP);
	for (unsigned c = 0; c < 2; c++) {
		dist_enable();
		assert_false(vgic_has_pending(&g, c));
		assert_int_equal(flush(c, 4), 0);
	}
}

static void test_v2_reset_clears_sgis_and_targets(void **state)
{
	init(2, 2);
	dist_enable();
	dist_w(0, GICD_SGIR, 4, SGIR_ALL_BUT_SELF | 3);
	dist_w(0, GICD_ITARGETSR + 40, 1, 0x2);
	vgic_reset(&g);
	assert_int_equal(dist_r(1, GICD_SPENDSGIR, 4), 0);
	assert_int_equal(dist_r(0, GICD_ITARGETSR + 40, 1), 0);
	assert_int_equal(dist_r(1, GICD_ISENABLER, 4), 0xFFFF);   /* SGIs stay enabled */
	assert_int_equal(dist_r(1, GICD_CTLR, 4), 0);
}

/* ====================================================================== */
/* Randomized sequences                                                    */
/* ====================================================================== */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64: fixed seed, so a failure reproduces. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* Offsets worth hitting: the start of every register block, plus a random index. */
static uint64_t random_dist_offset(void)
{
	static const uint64_t bases[] = {
		GICD_CTLR, GICD_TYPER, GICD_IGROUPR, GICD_ISENABLER, GICD_ICENABLER,
		GICD_ISPENDR, GICD_ICPENDR, GICD_ISACTIVER, GICD_ICACTIVER, GICD_IPRIORITYR,
		GICD_ITARGETSR, GICD_ICFGR, GICD_SGIR, GICD_CPENDSGIR, GICD_SPENDSGIR, GICD_IROUTER,
	};
	if (rnd_below(8) == 0)
		return rnd_below(VGIC_DIST_SIZE + 16);         /* anywhere, even past the frame */
	return bases[rnd_below(sizeof(bases) / sizeof(bases[0]))] + rnd_below(0x900);
}

static uint64_t random_redist_offset(void)
{
	uint64_t off = (uint64_t)rnd_below(g.nr_vcpus + 1) * VGIC_REDIST_STRIDE;

	if (rnd_below(2))
		off += GICR_SGI + rnd_below(0xD10);
	else
		off += rnd_below(0x20);
	return off;
}

static unsigned random_size(void)
{
	static const unsigned sizes[] = { 1, 2, 4, 4, 4, 8 };
	return sizes[rnd_below(sizeof(sizes) / sizeof(sizes[0]))];
}

static struct vgic_irq *model_irq(unsigned vcpu, uint32_t intid)
{
	return intid < VGIC_NR_PRIVATE ? &g.vcpus[vcpu].priv[intid] : &g.spis[intid - VGIC_NR_PRIVATE];
}

/* Does the SPI's routing, as the guest programmed it, name vCPU idx? */
static bool spi_may_go_to(const struct vgic_irq *irq, unsigned idx)
{
	if (g.version == 3) {
		if (irq->route & (1ULL << 31))
			return true;
		return (irq->route & 0xFF00FFFFFFULL) == idx;
	}
	return (irq->targets >> idx) & 1;
}

/*
 * A guest that has set its GIC up, as a kernel does at boot: groups and
 * most interrupts enabled, SPIs routed (now and then nowhere), priorities
 * spread out. Without it random writes would seldom deliver anything.
 */
static void random_prime(void)
{
	dist_w(0, GICD_CTLR, 4, CTLR_ENABLE_GRP0 | CTLR_ENABLE_GRP1);
	for (uint32_t i = VGIC_NR_PRIVATE; i < VGIC_NR_IRQS; i += 32)
		dist_w(0, GICD_ISENABLER + i / 8, 4, (uint32_t)rnd() | (uint32_t)rnd());
	for (unsigned c = 0; c < g.nr_vcpus; c++) {
		if (g.version == 3)
			redist_w(frame(c) + GICR_SGI + GICD_ISENABLER, 4, (uint32_t)rnd() | 0xFFFF);
		else
			dist_w(c, GICD_ISENABLER, 4, (uint32_t)rnd());
		for (uint32_t i = 0; i < VGIC_NR_PRIVATE; i++)
			set_priority(c, i, (uint8_t)(rnd() & 0xF0));
	}
	for (uint32_t i = VGIC_NR_PRIVATE; i < VGIC_NR_IRQS; i++) {
		unsigned r = rnd_below(16);
		set_priority(0, i, (uint8_t)(rnd() & 0xF8));
		if (g.version == 3)
			dist_w(0, GICD_IROUTER + 8 * i, 8, r == 0 ? (1ULL << 31) : r == 1 ? 0x100 : rnd_below(g.nr_vcpus));
		else
			dist_w(0, GICD_ITARGETSR + i, 1, r == 0 ? 0 : rnd() | (1u << rnd_below(g.nr_vcpus)));
		if (rnd_below(2))
			make_edge(i);
	}
}

static void random_mutation(void)
{
	unsigned vcpu = rnd_below(g.nr_vcpus + 1);     /* now and then one that does not exist */
	uint64_t val = rnd();
	int r;

	if (rnd_below(3))                              /* mostly the ones that matter */
		val &= rnd_below(2) ? 0xFFFFFFFF : 0x000F00FF;
	switch (rnd_below(11)) {
	case 8:                                        /* guest-like: pend or clear some */
		r = vgic_dist_write(&g, vcpu, (rnd_below(2) ? GICD_ISPENDR : GICD_ICPENDR) + 4 * rnd_below(8), 4,
				    (uint32_t)rnd() & (uint32_t)rnd());
		assert_true(r == 0 || r == -1);
		break;
	case 9:                                        /* guest-like: enable or disable some */
		r = vgic_dist_write(&g, vcpu, (rnd_below(3) ? GICD_ISENABLER : GICD_ICENABLER) + 4 * rnd_below(8), 4,
				    (uint32_t)rnd() & (uint32_t)rnd());
		assert_true(r == 0 || r == -1);
		break;
	case 10:                                       /* the group enables, now and then off */
		r = vgic_dist_write(&g, vcpu, GICD_CTLR, 4, rnd_below(4) ? 3 : rnd_below(4));
		assert_true(r == 0 || r == -1);
		break;
	case 0: case 1:
		r = vgic_dist_write(&g, vcpu, random_dist_offset(), random_size(), val);
		assert_true(r == 0 || r == -1);
		break;
	case 2: {
		uint64_t out;
		r = vgic_dist_read(&g, vcpu, random_dist_offset(), random_size(), &out);
		assert_true(r == 0 || r == -1);
		break;
	}
	case 3:
		r = vgic_redist_write(&g, random_redist_offset(), random_size(), val);
		assert_true(r == 0 || r == -1);
		break;
	case 4: {
		uint64_t out;
		r = vgic_redist_read(&g, random_redist_offset(), random_size(), &out);
		assert_true(r == 0 || r == -1);
		break;
	}
	case 5: case 6:
		for (unsigned i = rnd_below(6); i > 0; i--)
			vgic_set_line(&g, vcpu, rnd_below(VGIC_NR_IRQS + 8), rnd_below(2));
		break;
	case 7:
		if (g.version == 2)
			vgic_v2_sgir(&g, vcpu, (uint32_t)rnd());
		else
			/* Half the time Aff3.Aff2.Aff1 = 0, where the vCPUs are. */
			vgic_v3_sgi1r(&g, vcpu, rnd() & (rnd_below(2) ? 0x00FFF1FF0FFFFFFFULL : 0x0000F1000F00FFFFULL));
		break;
	}
}

/* The hardware side while the vCPU runs: the guest acknowledges and deactivates. */
static void random_guest(struct vgic_lr *l, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		switch (rnd_below(3)) {
		case 0:
			break;
		case 1:
			if (l[k].state == LR_PENDING)
				l[k].state = LR_ACTIVE;
			break;
		case 2:
			l[k].state &= (uint8_t)~LR_ACTIVE;
			break;
		}
	}
}

static void check_flush(unsigned idx, const struct vgic_lr *l, unsigned n, unsigned nr, bool had_pending,
			bool m, uint8_t *owner)
{
	unsigned cap = nr > VGIC_MAX_LRS ? VGIC_MAX_LRS : nr;
	bool seen[VGIC_NR_IRQS] = { false };

	assert_true(n <= cap);
	/* Something deliverable and room for it: flush must offer something. */
	if (had_pending && cap > 0)
		assert_true(n > 0);
	/* "More" means the registers are full. */
	if (m)
		assert_int_equal(n, cap);
	for (unsigned k = 0; k < n; k++) {
		const struct vgic_lr *lr = &l[k];
		struct vgic_irq *irq;

		assert_true(lr->intid < VGIC_NR_IRQS);
		assert_false(seen[lr->intid]);
		seen[lr->intid] = true;
		assert_true(lr->state >= LR_PENDING && lr->state <= (LR_PENDING | LR_ACTIVE));
		irq = model_irq(idx, lr->intid);
		assert_int_equal(lr->priority, irq->priority);
		assert_int_equal(lr->group, irq->group);
		assert_int_equal((lr->state & LR_ACTIVE) != 0, irq->active);
		/* Pending state only for what the distributor forwards. */
		if (lr->state & LR_PENDING) {
			assert_true(irq->enabled);
			assert_true((g.ctlr >> irq->group) & 1);
		}
		if (lr->intid >= VGIC_NR_PRIVATE) {
			assert_true(spi_may_go_to(irq, idx));
			/* An SPI sits in one vCPU's list registers at a time. */
			assert_int_equal(owner[lr->intid], 0xFF);
			owner[lr->intid] = (uint8_t)idx;
		}
		if (g.version == 2 && lr->intid < 16)
			assert_true(lr->source < g.nr_vcpus);
		/* Active first, then priority value, then INTID. */
		if (k > 0) {
			const struct vgic_lr *p = &l[k - 1];
			bool pa = p->state & LR_ACTIVE, ca = lr->state & LR_ACTIVE;
			assert_true(pa >= ca);
			if (pa == ca)
				assert_true(p->priority < lr->priority ||
					    (p->priority == lr->priority && p->intid < lr->intid));
		}
	}
}

static void random_run(unsigned version, unsigned nr_vcpus, uint64_t seed, unsigned rounds)
{
	struct vgic_lr *l[VGIC_MAX_VCPUS];
	unsigned n[VGIC_MAX_VCPUS];
	uint8_t owner[VGIC_NR_IRQS];
	unsigned offered = 0, overflowed = 0, taken = 0;

	rng_state = seed;
	init(version, nr_vcpus);
	for (unsigned c = 0; c < nr_vcpus; c++)
		l[c] = exact_lrs(c);
	random_prime();
	for (unsigned round = 0; round < rounds; round++) {
		unsigned muts = rnd_below(12);

		for (unsigned i = 0; i < muts; i++)
			random_mutation();
		if (rnd_below(500) == 0) {
			vgic_reset(&g);
			random_prime();
		}

		/* Entry: every vCPU gets its list registers. */
		memset(owner, 0xFF, sizeof(owner));
		for (unsigned c = 0; c < nr_vcpus; c++) {
			unsigned nr = rnd_below(VGIC_MAX_LRS + 4);
			bool had = vgic_has_pending(&g, c), m;
			n[c] = vgic_flush(&g, c, l[c], nr, &m);
			check_flush(c, l[c], n[c], nr, had, m, owner);
			offered += n[c];
			overflowed += m;
		}
		/* Running: the guests work, devices and other vCPUs raise things. */
		for (unsigned c = 0; c < nr_vcpus; c++) {
			random_guest(l[c], n[c]);
			for (unsigned k = 0; k < n[c]; k++)
				taken += l[c][k].state == LR_ACTIVE;
		}
		for (unsigned i = rnd_below(4); i > 0; i--) {
			if (rnd_below(2))
				vgic_set_line(&g, rnd_below(nr_vcpus), rnd_below(VGIC_NR_IRQS), rnd_below(2));
			else if (version == 2)
				vgic_v2_sgir(&g, rnd_below(nr_vcpus), (uint32_t)rnd() & 0x03FF000F);
			else
				vgic_v3_sgi1r(&g, rnd_below(nr_vcpus), rnd() & 0x01000F00FFFFULL);
		}
		/* Exit: read back. */
		for (unsigned c = 0; c < nr_vcpus; c++)
			vgic_sync(&g, c, l[c], n[c]);
		/* Sync leaves nothing marked as sitting in a list register. */
		for (uint32_t i = 0; i < VGIC_NR_IRQS; i++)
			for (unsigned c = 0; c < nr_vcpus; c++)
				assert_false(model_irq(c, i)->in_lr);
	}
	/* The sequences must reach the interesting paths, not just refused accesses. */
	assert_true(offered > rounds);
	assert_true(overflowed > 0);
	assert_true(taken > 0);
}

static void test_random_sequences_keep_invariants_v2(void **state)
{
	random_run(2, 4, 0x9E3779B97F4A7C15ULL, 3000);
	random_run(2, 1, 0x0123456789ABCDEFULL, 1000);
}

static void test_random_sequences_keep_invariants_v3(void **state)
{
	random_run(3, 4, 0xD1B54A32D192ED03ULL, 3000);
	random_run(3, 8, 0x8CB92BA72F3D8DD7ULL, 1000);
}

/* A quiet guest that takes everything it is offered ends with nothing pending. */
static void test_random_edges_are_all_delivered_and_drained(void **state)
{
	unsigned raised[VGIC_NR_IRQS] = { 0 }, taken[VGIC_NR_IRQS] = { 0 };

	rng_state = 0x243F6A8885A308D3ULL;
	init(3, 1);
	dist_enable();
	for (uint32_t i = 32; i < 96; i++) {
		make_edge(i);
		dist_set_bit(GICD_ISENABLER, i);
		set_priority(0, i, (uint8_t)(rnd() & 0xF0));
	}
	for (unsigned round = 0; round < 2000; round++) {
		unsigned n = flush(0, 1 + rnd_below(4));
		/* An edge on an SPI not in an LR: it must be taken exactly once more. */
		uint32_t intid = 32 + rnd_below(64);
		if (!model_irq(0, intid)->latch && !model_irq(0, intid)->active) {
			vgic_set_line(&g, 0, intid, false);
			vgic_set_line(&g, 0, intid, true);
			raised[intid]++;
		}
		for (unsigned k = 0; k < n; k++) {
			if (lrs[k].state == LR_PENDING && rnd_below(2)) {
				lrs[k].state = LR_ACTIVE;
				taken[lrs[k].intid]++;
			} else if ((lrs[k].state & LR_ACTIVE) && rnd_below(2)) {
				lrs[k].state &= (uint8_t)~LR_ACTIVE;
			}
		}
		vgic_sync(&g, 0, lrs, n);
	}
	/* Drain: take and complete everything left. */
	for (unsigned guard = 0; guard < 1000; guard++) {
		unsigned n = flush(0, 4);
		if (n == 0)
			break;
		for (unsigned k = 0; k < n; k++) {
			if (lrs[k].state & LR_ACTIVE) {
				lrs[k].state &= (uint8_t)~LR_ACTIVE;
			} else {
				lrs[k].state = LR_ACTIVE;
				taken[lrs[k].intid]++;
			}
		}
		vgic_sync(&g, 0, lrs, n);
	}
	assert_int_equal(flush(0, 4), 0);
	unsigned total = 0;
	for (uint32_t i = 32; i < 96; i++) {
		assert_int_equal(taken[i], raised[i]);
		total += raised[i];
	}
	assert_true(total > 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* flush ordering */
		cmocka_unit_test(test_fixed_dist_reads_match_the_model_and_claim_only_id_registers),
		cmocka_unit_test(test_flush_of_nothing_pending_is_empty),
		cmocka_unit_test(test_notes_count_every_change_a_vcpu_could_take),
		cmocka_unit_test(test_flush_puts_active_first_then_lower_priority_value_then_lower_intid),
		cmocka_unit_test(test_flush_overflow_sets_more_and_keeps_the_highest_priorities),
		cmocka_unit_test(test_flush_refills_with_the_rest_after_the_guest_takes_some),
		cmocka_unit_test_teardown(test_flush_clamps_nr_to_the_list_register_limit, free_heap_lrs),
		cmocka_unit_test(test_flush_with_no_list_registers_reports_more),
		/* sync */
		cmocka_unit_test(test_sync_of_acknowledged_edge_marks_it_active_and_not_pending),
		cmocka_unit_test(test_sync_of_deactivated_interrupt_clears_active),
		cmocka_unit_test(test_sync_of_untouched_lr_keeps_it_pending),
		cmocka_unit_test(test_edge_raised_again_while_in_lr_is_not_lost_by_sync),
		cmocka_unit_test(test_ispendr_write_while_in_lr_is_not_lost_by_sync),
		cmocka_unit_test(test_sync_ignores_a_vcpu_that_does_not_exist),
		/* level and edge */
		cmocka_unit_test(test_level_interrupt_is_pending_while_its_line_is_high),
		cmocka_unit_test(test_level_interrupt_stops_being_pending_when_its_line_drops),
		cmocka_unit_test(test_level_interrupt_is_not_offered_again_while_active),
		cmocka_unit_test(test_level_interrupt_is_offered_again_after_deactivation_if_line_high),
		cmocka_unit_test(test_level_interrupt_not_offered_after_deactivation_if_line_low),
		cmocka_unit_test(test_level_interrupt_pended_by_software_stays_pending_until_taken),
		cmocka_unit_test(test_edge_interrupt_needs_a_rising_edge),
		cmocka_unit_test(test_raise_edge_latches_level_and_edge_spis),
		cmocka_unit_test(test_edge_interrupt_stays_pending_after_its_line_drops),
		cmocka_unit_test(test_icpendr_clears_a_latched_edge),
		cmocka_unit_test(test_set_line_ignores_sgis_and_out_of_range_inputs),
		/* enables */
		cmocka_unit_test(test_pending_disabled_interrupt_is_not_delivered),
		cmocka_unit_test(test_enabling_a_pending_interrupt_kicks_its_target_and_delivers_it),
		cmocka_unit_test(test_icenabler_stops_delivery_of_a_pending_interrupt),
		cmocka_unit_test(test_v2_group0_enable_gates_delivery),
		cmocka_unit_test(test_v3_group1_enable_gates_delivery),
		cmocka_unit_test(test_igroupr_moves_an_interrupt_between_groups),
		cmocka_unit_test(test_flush_forgets_what_is_drained_and_hears_of_the_next),
		cmocka_unit_test(test_disabled_active_edge_keeps_its_new_edge_out_of_the_lr),
		cmocka_unit_test(test_new_edge_on_an_active_interrupt_kicks_its_vcpu),
		/* SGIs */
		cmocka_unit_test(test_v2_sgir_target_list_reaches_the_listed_vcpus),
		cmocka_unit_test(test_v2_sgir_target_list_ignores_vcpus_that_do_not_exist),
		cmocka_unit_test(test_v2_sgir_all_but_self),
		cmocka_unit_test(test_v2_sgir_self),
		cmocka_unit_test(test_v2_sgir_reserved_filter_sends_nothing),
		cmocka_unit_test(test_v2_sgi_sent_to_self_is_delivered),
		cmocka_unit_test(test_v2_sgi_lr_carries_the_sending_vcpu),
		cmocka_unit_test(test_v2_sgis_from_two_sources_are_delivered_separately),
		cmocka_unit_test(test_v2_active_sgi_keeps_its_source_while_another_source_waits),
		cmocka_unit_test(test_v2_sgi_sent_again_by_its_source_while_in_lr_is_not_lost),
		cmocka_unit_test(test_v2_sgi_enables_and_pending_bits_are_fixed),
		cmocka_unit_test(test_v2_icpendr_does_not_clear_sgis),
		cmocka_unit_test(test_v2_spendsgir_and_cpendsgir_set_and_clear_per_source),
		cmocka_unit_test(test_v3_sgi1r_target_list_reaches_the_listed_vcpus),
		cmocka_unit_test(test_v3_sgi1r_to_self_is_delivered),
		cmocka_unit_test(test_v3_sgi1r_irm_reaches_everyone_but_the_sender),
		cmocka_unit_test(test_v3_sgi1r_range_selector_names_higher_aff0),
		cmocka_unit_test(test_v3_sgi1r_nonzero_aff1_reaches_nobody),
		cmocka_unit_test(test_v3_sgi_needs_its_redistributor_enable),
		cmocka_unit_test(test_v3_sgi_raised_again_while_in_lr_is_not_lost),
		cmocka_unit_test(test_sgi_from_a_vcpu_that_does_not_exist_is_dropped),
		/* SPI routing */
		cmocka_unit_test(test_v2_itargetsr_byte_write_routes_an_spi),
		cmocka_unit_test(test_v2_itargetsr_word_write_sets_four_spis),
		cmocka_unit_test(test_v2_itargetsr_drops_vcpus_that_do_not_exist),
		cmocka_unit_test(test_v2_private_itargetsr_is_read_only_and_reads_own_mask),
		cmocka_unit_test(test_v2_spi_with_several_targets_goes_to_one_vcpu),
		cmocka_unit_test(test_v2_retargeting_a_pending_spi_moves_it),
		cmocka_unit_test(test_v3_irouter_64bit_write_routes_an_spi),
		cmocka_unit_test(test_v3_irouter_32bit_halves_read_and_write),
		cmocka_unit_test(test_v3_irouter_keeps_only_affinity_and_irm_bits),
		cmocka_unit_test(test_v3_irouter_irm_lets_one_vcpu_take_it),
		cmocka_unit_test(test_v3_irouter_with_nonzero_aff1_reaches_nobody),
		cmocka_unit_test(test_v3_irouter_to_a_missing_aff0_reaches_nobody),
		cmocka_unit_test(test_v3_irouter_of_private_intids_is_raz_wi),
		cmocka_unit_test(test_v3_spi_routes_to_vcpu0_from_reset),
		/* distributor registers */
		cmocka_unit_test(test_v2_typer_reports_lines_and_cpus),
		cmocka_unit_test(test_v3_typer_reports_lines_cpus_and_idbits),
		cmocka_unit_test(test_iidr_reads_the_implementer),
		cmocka_unit_test(test_pidr2_archrev_says_gicv2_or_gicv3),
		cmocka_unit_test(test_v2_ctlr_holds_the_two_group_enables),
		cmocka_unit_test(test_v3_ctlr_reads_are_and_ds_as_one),
		cmocka_unit_test(test_writes_to_read_only_registers_are_ignored),
		cmocka_unit_test(test_v2_icfgr0_of_sgis_is_read_only_edge),
		cmocka_unit_test(test_icfgr_configures_spis_edge_or_level),
		cmocka_unit_test(test_reserved_offsets_read_as_zero_and_ignore_writes),
		cmocka_unit_test(test_sgir_is_write_only),
		cmocka_unit_test(test_v3_has_no_sgir_or_itargetsr),
		cmocka_unit_test(test_ipriorityr_byte_access_works),
		cmocka_unit_test(test_v2_private_priorities_are_banked_per_vcpu),
		cmocka_unit_test(test_byte_access_to_isenabler_is_refused),
		cmocka_unit_test(test_halfword_access_is_refused),
		cmocka_unit_test(test_misaligned_access_is_refused),
		cmocka_unit_test(test_v3_doubleword_access_only_for_irouter),
		cmocka_unit_test(test_access_by_a_vcpu_that_does_not_exist_is_refused),
		cmocka_unit_test(test_v3_distributor_hides_private_intids),
		cmocka_unit_test(test_isactiver_and_icactiver_set_and_clear_active),
		/* redistributors */
		cmocka_unit_test(test_gicr_typer_gives_affinity_number_and_last),
		cmocka_unit_test(test_gicr_ctlr_and_iidr),
		cmocka_unit_test(test_gicr_waker_handshake_as_linux_does_it),
		cmocka_unit_test(test_gicr_children_asleep_is_read_only),
		cmocka_unit_test(test_gicr_isenabler0_and_icenabler0_reach_the_right_vcpu),
		cmocka_unit_test(test_gicr_enable_delivers_that_vcpus_ppi),
		cmocka_unit_test(test_gicr_ipriorityr_bytes_per_vcpu),
		cmocka_unit_test(test_gicr_icfgr1_configures_ppis_and_icfgr0_is_read_only),
		cmocka_unit_test(test_gicr_ispendr0_pends_that_vcpus_sgi),
		cmocka_unit_test(test_gicr_frame_past_the_last_vcpu_is_refused),
		cmocka_unit_test(test_gicr_is_refused_on_gicv2),
		cmocka_unit_test(test_gicr_access_sizes),
		cmocka_unit_test(test_gicr_sgi_frame_reserved_offsets_read_as_zero),
		/* reset */
		cmocka_unit_test(test_reset_clears_all_state),
		cmocka_unit_test(test_v2_reset_clears_sgis_and_targets),
		/* randomized */
		cmocka_unit_test_teardown(test_random_sequences_keep_invariants_v2, free_heap_lrs),
		cmocka_unit_test_teardown(test_random_sequences_keep_invariants_v3, free_heap_lrs),
		cmocka_unit_test(test_random_edges_are_all_delivered_and_drained),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
