/*
 * Unit tests for the virtio-mmio transport register model
 * (emulators/virtio/virtio_mmio.c), checked against the virtio 1.x MMIO
 * transport (version 2): identification, feature negotiation, the status
 * state machine, queue set-up, notifications, interrupts and the line,
 * configuration space and reset.
 *
 * The guest's RAM is a static buffer seen through a memview; the device
 * type is a fake whose callbacks record what they were asked; the
 * interrupt line is a fake that records every level it is set to.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "virtio/virtio_mmio.h"
#include "virtio/virtio_spec.h"

/* ---- Fake guest RAM ---- */

#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x10000ull

/* Ring addresses well inside RAM, with the alignment the spec asks for. */
#define DESC_GPA  (RAM_BASE + 0x1000)
#define AVAIL_GPA (RAM_BASE + 0x2000)
#define USED_GPA  (RAM_BASE + 0x3000)

static _Alignas(4096) uint8_t ram[RAM_SIZE];
static int map_calls;

static void *fake_map(void *ctx, uint64_t gpa, uint64_t len)
{
	map_calls++;
	assert_ptr_equal(ctx, ram);
	if (gpa < RAM_BASE || len > RAM_SIZE || gpa - RAM_BASE > RAM_SIZE - len)
		return NULL;
	return ram + (gpa - RAM_BASE);
}

static const struct vq_memview memview = { .map = fake_map, .ctx = ram };

/* ---- Fake device type ---- */

#define DEV_FEATURES   (VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH))
#define CONFIG_SIZE    0x20u
#define MAX_RECORDS    16

struct fake_dev {
	struct virtio_mmio *vm_seen;
	unsigned notifies;
	unsigned notified[MAX_RECORDS];
	unsigned resets;
	unsigned driver_oks;
	unsigned config_reads;
	uint32_t last_read_off;
	unsigned last_read_size;
	unsigned config_writes;
	uint32_t last_write_off;
	unsigned last_write_size;
	uint32_t last_write_val;
};

static struct fake_dev fdev;

static uint32_t fake_config_read(struct virtio_mmio *vm, uint32_t off, unsigned size)
{
	fdev.vm_seen = vm;
	fdev.config_reads++;
	fdev.last_read_off = off;
	fdev.last_read_size = size;
	/* Junk above the access size: the transport must cut it off. */
	return 0xa5000000u | (off << 8) | size;
}

static void fake_config_write(struct virtio_mmio *vm, uint32_t off, unsigned size, uint32_t val)
{
	fdev.vm_seen = vm;
	fdev.config_writes++;
	fdev.last_write_off = off;
	fdev.last_write_size = size;
	fdev.last_write_val = val;
}

static void fake_queue_notify(struct virtio_mmio *vm, unsigned q)
{
	fdev.vm_seen = vm;
	if (fdev.notifies < MAX_RECORDS)
		fdev.notified[fdev.notifies] = q;
	fdev.notifies++;
}

static void fake_reset(struct virtio_mmio *vm)
{
	fdev.vm_seen = vm;
	fdev.resets++;
}

static void fake_driver_ok(struct virtio_mmio *vm)
{
	fdev.vm_seen = vm;
	fdev.driver_oks++;
}

static const struct virtio_device_ops fake_ops = {
	.config_read = fake_config_read,
	.config_write = fake_config_write,
	.queue_notify = fake_queue_notify,
	.reset = fake_reset,
	.driver_ok = fake_driver_ok,
};

/* Only queue_notify: config access must read 0 and the rest must not be needed. */
static const struct virtio_device_ops bare_ops = {
	.queue_notify = fake_queue_notify,
};

/* ---- Fake interrupt line ---- */

struct fake_irq {
	unsigned calls;
	bool levels[MAX_RECORDS];
};

static struct fake_irq irq;

static void fake_set_irq(void *ctx, bool level)
{
	assert_ptr_equal(ctx, &irq);
	if (irq.calls < MAX_RECORDS)
		irq.levels[irq.calls] = level;
	irq.calls++;
}

/* ---- Helpers ---- */

static struct virtio_mmio vm;
static const uint16_t queue_sizes[] = { 16, 8, 0 };   /* queue 2 does not exist */
#define NR_QUEUES 3u

static int setup(void **state)
{
	memset(&fdev, 0, sizeof(fdev));
	memset(&irq, 0, sizeof(irq));
	memset(ram, 0, sizeof(ram));
	map_calls = 0;
	/* Garbage first: init must not depend on the struct's previous contents. */
	memset(&vm, 0x5a, sizeof(vm));
	virtio_mmio_init(&vm, VIRTIO_ID_BLOCK, DEV_FEATURES, queue_sizes, NR_QUEUES, CONFIG_SIZE,
			 &fake_ops, &fdev, &memview, fake_set_irq, &irq);
	return 0;
}

static uint32_t rd(uint64_t off)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_int_equal(virtio_mmio_read(&vm, off, 4, &v), 0);
	assert_true(v <= 0xffffffffull);
	return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t val)
{
	assert_int_equal(virtio_mmio_write(&vm, off, 4, val), 0);
}

static void write_driver_features(uint64_t features)
{
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
}

/* Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK; returns the status read back. */
static uint32_t negotiate(uint64_t features)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER);
	write_driver_features(features);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	return rd(VIRTIO_MMIO_STATUS);
}

static void write_queue(unsigned q, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
}

static void setup_queue(unsigned q, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
	write_queue(q, num, desc, avail, used);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void driver_ok(void)
{
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

#define GOOD_FEATURES (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH))
#define STATUS_NEGOTIATED (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK)

/* A driver that got all the way to DRIVER_OK with queue 0 (16 entries) ready. */
static void bring_up(void)
{
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	setup_queue(0, 16, DESC_GPA, AVAIL_GPA, USED_GPA);
	driver_ok();
	assert_true(virtio_mmio_live(&vm));
}

/* ---- Identification ---- */

static void test_identification(void **state)
{
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);   /* "virt" little-endian */
	assert_int_equal(rd(VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	assert_int_equal(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR_MANTLE);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
}

static void test_init_state(void **state)
{
	unsigned i;

	/* Init starts the device reset without telling the device type or toggling the line. */
	assert_int_equal(fdev.resets, 0);
	assert_int_equal(irq.calls, 0);
	assert_int_equal(vm.resets, 0);
	assert_int_equal(vm.notifies, 0);
	assert_int_equal(vm.needs_reset_events, 0);
	assert_int_equal(vm.nr_queues, NR_QUEUES);
	assert_ptr_equal(vm.dev, &fdev);
	for (i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
		assert_false(vm.queues[i].vq.ready);
		assert_int_equal(vm.queues[i].desc_lo, 0);
	}
	assert_int_equal(vm.queues[0].num_max, 16);
	assert_int_equal(vm.queues[1].num_max, 8);
	assert_int_equal(vm.queues[2].num_max, 0);
	assert_int_equal(vm.queues[3].num_max, 0);
}

static void test_init_clamps_bad_queue_sizes(void **state)
{
	const uint16_t sizes[] = { 12, 32768, 1, 0 };
	const uint16_t many[8] = { 4, 4, 4, 4, 4, 4, 4, 4 };

	virtio_mmio_init(&vm, VIRTIO_ID_NET, 0, sizes, 4, 0, &fake_ops, NULL, &memview, NULL, NULL);
	assert_int_equal(vm.queues[0].num_max, 0);         /* not a power of two */
	assert_int_equal(vm.queues[1].num_max, 32768);
	assert_int_equal(vm.queues[2].num_max, 1);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);

	virtio_mmio_init(&vm, VIRTIO_ID_NET, 0, many, 8, 0, &fake_ops, NULL, &memview, NULL, NULL);
	assert_int_equal(vm.nr_queues, VIRTIO_MMIO_MAX_QUEUES);
}

static void test_device_features_by_selector(void **state)
{
	uint64_t expect = DEV_FEATURES | VIRTIO_BIT(VIRTIO_F_VERSION_1) |
			  VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX);

	assert_int_equal(vm.device_features, expect);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), (uint32_t)expect);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1);    /* VERSION_1 is bit 32 */
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0xffffffff);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
}

static void test_queue_num_max_by_selector(void **state)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 16);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 8);
	wr(VIRTIO_MMIO_QUEUE_SEL, 2);                          /* exists in nr_queues, size 0 */
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 3);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0x80000000u);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DESC_LOW), 0);
}

static void test_misc_registers_read(void **state)
{
	/* No shared memory regions: length -1 whatever SHMSel says. */
	wr(VIRTIO_MMIO_SHM_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffffu);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffffu);
	wr(VIRTIO_MMIO_SHM_SEL, 5);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffffu);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_RESET), 0);
	/* Write-only registers and holes read 0. */
	write_driver_features(GOOD_FEATURES);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	assert_int_equal(rd(VIRTIO_MMIO_DRIVER_FEATURES), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NOTIFY), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_ACK), 0);
	assert_int_equal(rd(0x018), 0);
	assert_int_equal(rd(0x0f8), 0);
	/* Writes to read-only registers change nothing. */
	wr(VIRTIO_MMIO_MAGIC_VALUE, 0);
	wr(VIRTIO_MMIO_DEVICE_ID, 99);
	wr(VIRTIO_MMIO_INTERRUPT_STATUS, 3);
	wr(VIRTIO_MMIO_CONFIG_GENERATION, 7);
	wr(VIRTIO_MMIO_QUEUE_RESET, 1);
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
	assert_int_equal(irq.calls, 0);
}

/* ---- Register access sizes ---- */

static void test_register_access_sizes_refused(void **state)
{
	uint64_t v;

	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_MAGIC_VALUE, 2, &v), -1);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_MAGIC_VALUE, 1, &v), -1);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_MAGIC_VALUE, 8, &v), -1);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_MAGIC_VALUE + 2, 2, &v), -1);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_VERSION + 1, 4, &v), -1);
	assert_int_equal(virtio_mmio_read(&vm, 0xfe, 2, &v), -1);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_STATUS, 3, &v), -1);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_STATUS, 0, &v), -1);

	/* A refused write has no effect. */
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_STATUS, 2, VIRTIO_STATUS_ACKNOWLEDGE), -1);
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE), -1);
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_STATUS, 8, VIRTIO_STATUS_ACKNOWLEDGE), -1);
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_QUEUE_SEL + 2, 4, 1), -1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(vm.queue_sel, 0);
}

static void test_write_value_truncated_to_32_bits(void **state)
{
	/* The upper half of a 64-bit value register cannot leak into a 32-bit register. */
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_QUEUE_SEL, 4, 0x100000001ull), 0);
	assert_int_equal(vm.queue_sel, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 8);
}

/* ---- Handshake and notifications ---- */

static void test_full_handshake_and_notify(void **state)
{
	struct virtqueue *vq = &vm.queues[1].vq;
	uint64_t feats = GOOD_FEATURES | VIRTIO_BIT(VIRTIO_F_EVENT_IDX);

	assert_int_equal(negotiate(feats), STATUS_NEGOTIATED);
	assert_int_equal(vm.driver_features, feats);
	assert_true(virtio_mmio_has_feature(&vm, VIRTIO_F_VERSION_1));
	assert_true(virtio_mmio_has_feature(&vm, VIRTIO_F_EVENT_IDX));
	assert_false(virtio_mmio_has_feature(&vm, VIRTIO_F_INDIRECT_DESC));
	assert_false(virtio_mmio_has_feature(&vm, VIRTIO_BLK_F_SEG_MAX));

	/* Queue 1, with rings above 4 GiB halves split the way the driver writes them. */
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	setup_queue(1, 8, DESC_GPA, AVAIL_GPA, USED_GPA);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	assert_true(vq->ready);
	assert_int_equal(vq->num, 8);
	assert_int_equal(vq->desc_gpa, DESC_GPA);
	assert_int_equal(vq->avail_gpa, AVAIL_GPA);
	assert_int_equal(vq->used_gpa, USED_GPA);
	assert_true(vq->event_idx);
	assert_false(vq->indirect);
	assert_ptr_equal(vq->desc, ram + 0x1000);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DESC_LOW), (uint32_t)DESC_GPA);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DRIVER_LOW), (uint32_t)AVAIL_GPA);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DEVICE_LOW), (uint32_t)USED_GPA);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DEVICE_HIGH), 0);

	assert_false(virtio_mmio_live(&vm));
	driver_ok();
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), STATUS_NEGOTIATED | VIRTIO_STATUS_DRIVER_OK);
	assert_true(virtio_mmio_live(&vm));
	assert_int_equal(fdev.driver_oks, 1);
	assert_ptr_equal(fdev.vm_seen, &vm);

	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(fdev.notifies, 1);
	assert_int_equal(fdev.notified[0], 1);
	assert_int_equal(vm.notifies, 1);

	/* Writing the status back unchanged is not a new DRIVER_OK. */
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS));
	assert_int_equal(fdev.driver_oks, 1);
	assert_int_equal(fdev.resets, 1);             /* only negotiate()'s opening reset */
	assert_int_equal(vm.needs_reset_events, 0);
}

static void test_indirect_negotiated_reaches_vq(void **state)
{
	assert_int_equal(negotiate(GOOD_FEATURES | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)), STATUS_NEGOTIATED);
	setup_queue(0, 16, DESC_GPA, AVAIL_GPA, USED_GPA);
	assert_true(vm.queues[0].vq.ready);
	assert_true(vm.queues[0].vq.indirect);
	assert_false(vm.queues[0].vq.event_idx);
}

static void test_features_ok_refused_without_version_1(void **state)
{
	uint32_t st = negotiate(VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));

	assert_int_equal(st, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	/* Nothing after the refusal takes: no queue, no DRIVER_OK. */
	setup_queue(0, 16, DESC_GPA, AVAIL_GPA, USED_GPA);
	assert_false(vm.queues[0].vq.ready);
	driver_ok();
	assert_false(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK);
	assert_false(virtio_mmio_live(&vm));
	assert_int_equal(fdev.driver_oks, 0);
}

static void test_features_ok_refused_with_unoffered_bits(void **state)
{
	/* Bit 0 of the low half, and a bit in the high half the device does not offer. */
	assert_int_equal(negotiate(GOOD_FEATURES | VIRTIO_BIT(0)),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	assert_int_equal(negotiate(GOOD_FEATURES | VIRTIO_BIT(63)),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	assert_int_equal(negotiate(GOOD_FEATURES | VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM)),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	/* Every offered bit at once is fine. */
	assert_int_equal(negotiate(vm.device_features), STATUS_NEGOTIATED);
}

static void test_features_ok_retry_after_refusal(void **state)
{
	assert_int_equal(negotiate(VIRTIO_BIT(VIRTIO_BLK_F_FLUSH)),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	/* FEATURES_OK is still clear, so the features may still be written. */
	write_driver_features(GOOD_FEATURES);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), STATUS_NEGOTIATED);
}

static void test_driver_features_frozen_after_features_ok(void **state)
{
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	write_driver_features(vm.device_features);
	assert_int_equal(vm.driver_features, GOOD_FEATURES);
	assert_false(virtio_mmio_has_feature(&vm, VIRTIO_F_EVENT_IDX));
}

static void test_driver_features_selector(void **state)
{
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_BLK_F_FLUSH);
	assert_int_equal(vm.driver_features, GOOD_FEATURES);
	/* Selectors past the second word are ignored, not wrapped. */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffff);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0xffffffff);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffff);
	assert_int_equal(vm.driver_features, GOOD_FEATURES);
	/* Rewriting one half leaves the other alone. */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	assert_int_equal(vm.driver_features, VIRTIO_BIT(VIRTIO_F_VERSION_1));
}

static void test_has_feature_bounds(void **state)
{
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	assert_false(virtio_mmio_has_feature(&vm, 64));
	assert_false(virtio_mmio_has_feature(&vm, 1000));
	assert_false(virtio_mmio_has_feature(&vm, ~0u));
	/* Written by the driver but not offered: still not a feature (FEATURES_OK not set here). */
	wr(VIRTIO_MMIO_STATUS, 0);
	write_driver_features(VIRTIO_BIT(0) | VIRTIO_BIT(63));
	assert_false(virtio_mmio_has_feature(&vm, 0));
	assert_false(virtio_mmio_has_feature(&vm, 63));
}

static void test_notify_ignored_when_not_ready_or_out_of_range(void **state)
{
	bring_up();
	/* Queue 1 exists but was never made ready; 2 has no size; 3 and beyond do not exist. */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 2);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 3);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_MMIO_MAX_QUEUES);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0x10000);      /* low 16 bits are 0: still not queue 0 */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffff);
	assert_int_equal(fdev.notifies, 0);
	assert_int_equal(vm.notifies, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fdev.notifies, 1);
	assert_int_equal(fdev.notified[0], 0);
}

static void test_notify_ignored_before_driver_ok(void **state)
{
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	setup_queue(0, 16, DESC_GPA, AVAIL_GPA, USED_GPA);
	assert_true(vm.queues[0].vq.ready);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fdev.notifies, 0);
	assert_int_equal(vm.notifies, 0);
	driver_ok();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fdev.notifies, 1);
}

static void test_notify_after_queue_disabled_ignored(void **state)
{
	bring_up();
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fdev.notifies, 0);
}

static void test_notify_without_callback(void **state)
{
	virtio_mmio_init(&vm, VIRTIO_ID_RNG, DEV_FEATURES, queue_sizes, 1, 0, NULL, NULL, &memview,
			 NULL, NULL);
	bring_up();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(vm.notifies, 1);
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(vm.resets, 2);               /* negotiate()'s, then this one */
}

/* VIRTIO_F_NOTIFICATION_DATA (bit 38): the queue index is the low 16 bits, the rest is ring position. */
#define F_NOTIFICATION_DATA 38

static void test_notify_with_notification_data(void **state)
{
	virtio_mmio_init(&vm, VIRTIO_ID_BLOCK, DEV_FEATURES | VIRTIO_BIT(F_NOTIFICATION_DATA), queue_sizes,
			 NR_QUEUES, 0, &fake_ops, &fdev, &memview, NULL, NULL);
	/* Offered but not negotiated: the whole value is still the index. */
	bring_up();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0x80050000u);
	assert_int_equal(fdev.notifies, 0);

	assert_int_equal(negotiate(GOOD_FEATURES | VIRTIO_BIT(F_NOTIFICATION_DATA)), STATUS_NEGOTIATED);
	setup_queue(0, 16, DESC_GPA, AVAIL_GPA, USED_GPA);
	driver_ok();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0x80050000u);
	assert_int_equal(fdev.notifies, 1);
	assert_int_equal(fdev.notified[0], 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0x80050003u);    /* queue 3 does not exist */
	assert_int_equal(fdev.notifies, 1);
}

/* ---- Queue set-up ---- */

static void expect_setup_failed(unsigned q)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_false(vm.queues[q].vq.ready);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_int_equal(vm.needs_reset_events, 1);
}

static void test_queue_size_not_power_of_two(void **state)
{
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	setup_queue(0, 12, DESC_GPA, AVAIL_GPA, USED_GPA);
	expect_setup_failed(0);
	assert_int_equal(map_calls, 0);
}

static void test_queue_size_above_max(void **state)
{
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	setup_queue(1, 16, DESC_GPA, AVAIL_GPA, USED_GPA);     /* queue 1's max is 8 */
	expect_setup_failed(1);
}

static void test_queue_size_huge_or_zero(void **state)
{
	/* 0x10000 would be 0 in 16 bits, 0x10010 would be 16: neither may pass as valid. */
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	setup_queue(0, 0x10010, DESC_GPA, AVAIL_GPA, USED_GPA);
	expect_setup_failed(0);

	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	assert_int_equal(vm.needs_reset_events, 1);
	setup_queue(0, 0, DESC_GPA, AVAIL_GPA, USED_GPA);
	assert_false(vm.queues[0].vq.ready);
	assert_int_equal(vm.needs_reset_events, 2);
}

static void test_queue_size_must_be_written(void **state)
{
	/* After reset QueueNum has no valid value; QueueReady without writing it fails. */
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC_GPA);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL_GPA);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED_GPA);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	expect_setup_failed(0);
}

static void test_queue_size_minimum_and_maximum(void **state)
{
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	setup_queue(0, 1, DESC_GPA, AVAIL_GPA, USED_GPA);
	assert_true(vm.queues[0].vq.ready);
	assert_int_equal(vm.queues[0].vq.num, 1);
	setup_queue(1, 8, DESC_GPA + 0x4000, AVAIL_GPA + 0x4000, USED_GPA + 0x4000);
	assert_true(vm.queues[1].vq.ready);
	assert_int_equal(vm.queues[1].vq.num, 8);
	assert_int_equal(vm.needs_reset_events, 0);
}

static void test_queue_rings_outside_ram(void **state)
{
	bring_up();
	/* The used ring runs past the end of RAM. */
	setup_queue(1, 8, DESC_GPA, AVAIL_GPA, RAM_BASE + RAM_SIZE - 8);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_int_equal(vm.needs_reset_events, 1);
	assert_false(virtio_mmio_live(&vm));
	/* The driver was running: it is told through a config-change interrupt. */
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG_CHANGE);
	assert_int_equal(irq.calls, 1);
	assert_true(irq.levels[0]);
	/* Not live any more: the good queue's notifications are dropped too. */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fdev.notifies, 0);
}

static void test_queue_rings_address_wrap(void **state)
{
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	/* A descriptor table at the top of the address space must not wrap into RAM. */
	setup_queue(0, 16, 0xfffffffffffffff0ull, AVAIL_GPA, USED_GPA);
	expect_setup_failed(0);
	assert_false(virtio_mmio_live(&vm));
	/* Before DRIVER_OK there is no interrupt for it: the driver reads the status. */
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(irq.calls, 0);
}

static void test_queue_rings_misaligned(void **state)
{
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	setup_queue(0, 16, DESC_GPA + 8, AVAIL_GPA, USED_GPA);
	expect_setup_failed(0);
}

static void test_queue_ready_before_features_ok_ignored(void **state)
{
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	setup_queue(0, 16, DESC_GPA, AVAIL_GPA, USED_GPA);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(vm.needs_reset_events, 0);
	/* The registers were kept: once features are negotiated, QueueReady alone is enough. */
	write_driver_features(GOOD_FEATURES);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
}

static void test_queue_registers_ignored_for_missing_queue(void **state)
{
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	setup_queue(2, 8, DESC_GPA, AVAIL_GPA, USED_GPA);
	setup_queue(7, 8, DESC_GPA, AVAIL_GPA, USED_GPA);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_false(vm.queues[2].vq.ready);
	assert_int_equal(vm.queues[2].desc_lo, 0);
	assert_int_equal(vm.queues[3].desc_lo, 0);
	assert_int_equal(vm.needs_reset_events, 0);
}

static void test_queue_registers_locked_while_ready(void **state)
{
	bring_up();
	write_queue(0, 4, RAM_BASE + 0x8000, RAM_BASE + 0x9000, 0x123400000000ull);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DESC_LOW), (uint32_t)DESC_GPA);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DRIVER_LOW), (uint32_t)AVAIL_GPA);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DEVICE_LOW), (uint32_t)USED_GPA);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DEVICE_HIGH), 0);
	assert_int_equal(vm.queues[0].vq.num, 16);
	assert_ptr_equal(vm.queues[0].vq.desc, ram + 0x1000);
	/* A second QueueReady = 1 does not rebuild (and so does not rewind) the queue. */
	vm.queues[0].vq.last_avail = 5;
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(vm.queues[0].vq.last_avail, 5);
	assert_true(virtio_mmio_live(&vm));
}

static void test_queue_disable_keeps_registers(void **state)
{
	bring_up();
	vm.queues[0].vq.last_avail = 3;
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	assert_false(vm.queues[0].vq.ready);
	assert_int_equal(vm.queues[0].vq.last_avail, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DESC_LOW), (uint32_t)DESC_GPA);
	assert_int_equal(vm.queues[0].vq.num, 16);
	/* Registers are writable again, and the queue comes back with the new ones. */
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(DESC_GPA + 0x4000));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_true(vm.queues[0].vq.ready);
	assert_int_equal(vm.queues[0].vq.desc_gpa, DESC_GPA + 0x4000);
	/* Values other than 0 and 1 do nothing. */
	wr(VIRTIO_MMIO_QUEUE_READY, 2);
	assert_true(vm.queues[0].vq.ready);
}

/* ---- Status ---- */

static void test_status_zero_resets_everything(void **state)
{
	bring_up();
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	virtio_mmio_interrupt(&vm, VIRTIO_INT_USED_BUFFER);
	virtio_mmio_config_changed(&vm);
	assert_int_equal(irq.calls, 1);
	/* bring_up() started with a reset of its own. */
	assert_int_equal(fdev.resets, 1);
	assert_int_equal(vm.resets, 1);

	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(fdev.resets, 2);
	assert_ptr_equal(fdev.vm_seen, &vm);
	assert_int_equal(vm.resets, 2);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(vm.driver_features, 0);
	assert_int_equal(vm.device_features_sel, 0);
	assert_int_equal(vm.driver_features_sel, 0);
	assert_int_equal(vm.queue_sel, 0);
	assert_false(vm.queues[0].vq.ready);
	assert_int_equal(vm.queues[0].vq.num, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DESC_LOW), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DRIVER_LOW), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DEVICE_LOW), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(irq.calls, 2);
	assert_false(irq.levels[1]);
	assert_false(virtio_mmio_live(&vm));
	/* The generation is kept (documented choice): the config did not change by resetting. */
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
	/* Device identity and what it offers survive. */
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 16);

	/* And the device can be brought up again from scratch. */
	bring_up();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fdev.notifies, 1);
	assert_int_equal(fdev.driver_oks, 2);
}

static void test_reset_api_and_quiet_line(void **state)
{
	/* Reset with the line low does not touch the line. */
	virtio_mmio_reset(&vm);
	assert_int_equal(fdev.resets, 1);
	assert_int_equal(vm.resets, 1);
	assert_int_equal(irq.calls, 0);
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(fdev.resets, 2);
	assert_int_equal(irq.calls, 0);
}

static void test_status_cannot_clear_bits(void **state)
{
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), STATUS_NEGOTIATED);
	/* Clearing one bit while adding another is ignored as a whole. */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), STATUS_NEGOTIATED);
	assert_int_equal(fdev.driver_oks, 0);
	assert_int_equal(fdev.resets, 1);             /* negotiate()'s only: no write was a reset */
}

static void test_status_driver_ok_needs_features_ok(void **state)
{
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	assert_int_equal(fdev.driver_oks, 0);
	assert_false(virtio_mmio_live(&vm));
	/* FEATURES_OK and DRIVER_OK in one write, with acceptable features, both take. */
	write_driver_features(GOOD_FEATURES);
	wr(VIRTIO_MMIO_STATUS, STATUS_NEGOTIATED | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), STATUS_NEGOTIATED | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(fdev.driver_oks, 1);
}

static void test_status_high_bits_ignored(void **state)
{
	wr(VIRTIO_MMIO_STATUS, 0xffffff00u | VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE);
	/* Non-zero but with no status bits: not a reset. */
	wr(VIRTIO_MMIO_STATUS, 0x100);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(fdev.resets, 0);
}

static void test_status_failed_not_live(void **state)
{
	bring_up();
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FAILED);
	assert_false(virtio_mmio_live(&vm));
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fdev.notifies, 0);
}

static void test_driver_cannot_set_needs_reset(void **state)
{
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE);
	bring_up();
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_true(virtio_mmio_live(&vm));
	assert_int_equal(vm.needs_reset_events, 0);
}

/* ---- Needs reset ---- */

static void test_needs_reset_sticks_until_reset(void **state)
{
	bring_up();
	virtio_mmio_needs_reset(&vm);
	assert_int_equal(vm.needs_reset_events, 1);
	assert_false(virtio_mmio_live(&vm));
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG_CHANGE);
	assert_int_equal(irq.calls, 1);
	assert_true(irq.levels[0]);

	/* The driver writing back its status (with the bit, as read) neither clears it nor fails. */
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS));
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	/* Acknowledging the interrupt does not clear it either. */
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_CONFIG_CHANGE);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fdev.notifies, 0);

	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	bring_up();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fdev.notifies, 1);
}

static void test_needs_reset_before_driver_ok_no_interrupt(void **state)
{
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	virtio_mmio_needs_reset(&vm);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(irq.calls, 0);
	/* DRIVER_OK on a device that needs a reset: stored, but the device is not started. */
	setup_queue(0, 16, DESC_GPA, AVAIL_GPA, USED_GPA);
	driver_ok();
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK);
	assert_false(virtio_mmio_live(&vm));
	assert_int_equal(fdev.driver_oks, 0);
}

/* ---- Interrupts ---- */

static void test_interrupt_line_on_transitions(void **state)
{
	virtio_mmio_interrupt(&vm, VIRTIO_INT_USED_BUFFER);
	assert_int_equal(irq.calls, 1);
	assert_true(irq.levels[0]);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED_BUFFER);

	/* Already high: more reasons do not call set_irq again. */
	virtio_mmio_interrupt(&vm, VIRTIO_INT_USED_BUFFER);
	virtio_mmio_interrupt(&vm, VIRTIO_INT_CONFIG_CHANGE);
	assert_int_equal(irq.calls, 1);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED_BUFFER | VIRTIO_INT_CONFIG_CHANGE);

	/* Partial ack keeps it high; acking nothing does nothing. */
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED_BUFFER);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 0);
	assert_int_equal(irq.calls, 1);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG_CHANGE);

	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_CONFIG_CHANGE);
	assert_int_equal(irq.calls, 2);
	assert_false(irq.levels[1]);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);

	/* Acking again while low does not lower it again. */
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 0xffffffff);
	virtio_mmio_interrupt(&vm, 0);
	assert_int_equal(irq.calls, 2);

	virtio_mmio_interrupt(&vm, VIRTIO_INT_CONFIG_CHANGE);
	assert_int_equal(irq.calls, 3);
	assert_true(irq.levels[2]);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 0xffffffff);
	assert_int_equal(irq.calls, 4);
	assert_false(irq.levels[3]);
}

static void test_interrupt_unknown_reasons_ignored(void **state)
{
	virtio_mmio_interrupt(&vm, 0xfffffffcu);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(irq.calls, 0);
}

static void test_interrupt_without_set_irq(void **state)
{
	virtio_mmio_init(&vm, VIRTIO_ID_BLOCK, 0, queue_sizes, NR_QUEUES, 0, &fake_ops, NULL, &memview,
			 NULL, NULL);
	virtio_mmio_interrupt(&vm, VIRTIO_INT_USED_BUFFER);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED_BUFFER);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED_BUFFER);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	virtio_mmio_interrupt(&vm, VIRTIO_INT_USED_BUFFER);
	virtio_mmio_reset(&vm);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}

/* ---- Config space ---- */

static void test_config_reads_by_size(void **state)
{
	uint64_t v;

	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + 0x4, 4, &v), 0);
	assert_int_equal(v, 0xa5000000u | (0x4 << 8) | 4);
	assert_int_equal(fdev.last_read_off, 4);
	assert_int_equal(fdev.last_read_size, 4);
	assert_ptr_equal(fdev.vm_seen, &vm);

	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + 0x6, 2, &v), 0);
	assert_int_equal(v, ((0x6 << 8) | 2) & 0xffff);
	assert_int_equal(fdev.last_read_off, 6);
	assert_int_equal(fdev.last_read_size, 2);

	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + 0x7, 1, &v), 0);
	assert_int_equal(v, 1);                       /* (0x7 << 8 | 1) cut to a byte */
	assert_int_equal(fdev.last_read_off, 7);
	assert_int_equal(fdev.last_read_size, 1);

	/* The last bytes of the space are in range. */
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + CONFIG_SIZE - 4, 4, &v), 0);
	assert_int_equal(fdev.last_read_off, CONFIG_SIZE - 4);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + CONFIG_SIZE - 1, 1, &v), 0);
	assert_int_equal(fdev.last_read_off, CONFIG_SIZE - 1);
	assert_int_equal(fdev.config_reads, 5);
}

static void test_config_writes_by_size(void **state)
{
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_CONFIG + 0x8, 4, 0x1122334455667788ull), 0);
	assert_int_equal(fdev.last_write_off, 8);
	assert_int_equal(fdev.last_write_size, 4);
	assert_int_equal(fdev.last_write_val, 0x55667788);
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_CONFIG + 0x2, 2, 0xabcdef), 0);
	assert_int_equal(fdev.last_write_off, 2);
	assert_int_equal(fdev.last_write_size, 2);
	assert_int_equal(fdev.last_write_val, 0xcdef);
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_CONFIG + 0x1, 1, 0x1ff), 0);
	assert_int_equal(fdev.last_write_off, 1);
	assert_int_equal(fdev.last_write_size, 1);
	assert_int_equal(fdev.last_write_val, 0xff);
	assert_int_equal(fdev.config_writes, 3);
}

static void test_config_out_of_bounds(void **state)
{
	uint64_t v = 123;

	/* Past the end, straddling the end, and at the far end of the window: 0, not forwarded. */
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + CONFIG_SIZE, 4, &v), 0);
	assert_int_equal(v, 0);
	v = 123;
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + CONFIG_SIZE - 2, 4, &v), -1);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + CONFIG_SIZE - 2, 2, &v), 0);
	assert_int_equal(fdev.config_reads, 1);
	v = 123;
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_WINDOW - 4, 4, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(virtio_mmio_read(&vm, 0xfffffffffffffffcull, 4, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + 0x100000000ull, 4, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(fdev.config_reads, 1);

	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_CONFIG + CONFIG_SIZE, 4, 1), 0);
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_WINDOW - 1, 1, 1), 0);
	assert_int_equal(virtio_mmio_write(&vm, 0xffffffffffffffffull, 1, 1), 0);
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_CONFIG + 0x100000000ull, 4, 1), 0);
	assert_int_equal(fdev.config_writes, 0);
}

static void test_config_straddling_end_not_forwarded(void **state)
{
	uint64_t v = 123;

	/* A config size that is not a multiple of 4: a word access over its end reads 0. */
	virtio_mmio_init(&vm, VIRTIO_ID_NET, 0, queue_sizes, 2, VIRTIO_NET_CFG_BYTES - 2, &fake_ops,
			 &fdev, &memview, fake_set_irq, &irq);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + 4, 4, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(fdev.config_reads, 0);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + 4, 2, &v), 0);
	assert_int_equal(fdev.config_reads, 1);
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_CONFIG + 4, 4, 7), 0);
	assert_int_equal(fdev.config_writes, 0);
}

static void test_config_bad_sizes_refused(void **state)
{
	uint64_t v;

	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG, 8, &v), -1);
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_CONFIG, 8, 1), -1);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG, 3, &v), -1);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG, 0, &v), -1);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG, 16, &v), -1);
	/* Misaligned accesses. */
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + 1, 2, &v), -1);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG + 2, 4, &v), -1);
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_CONFIG + 3, 2, 1), -1);
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_CONFIG + 1, 4, 1), -1);
	assert_int_equal(fdev.config_reads, 0);
	assert_int_equal(fdev.config_writes, 0);
}

static void test_config_without_callbacks(void **state)
{
	uint64_t v = 123;

	virtio_mmio_init(&vm, VIRTIO_ID_RNG, DEV_FEATURES, queue_sizes, 1, CONFIG_SIZE, &bare_ops, NULL,
			 &memview, NULL, NULL);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG, 4, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(virtio_mmio_write(&vm, VIRTIO_MMIO_CONFIG, 4, 5), 0);
	/* Neither reset nor driver_ok is required of a device type. */
	bring_up();
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(vm.resets, 2);               /* negotiate()'s, then this one */
}

static void test_config_empty_space(void **state)
{
	uint64_t v = 123;

	virtio_mmio_init(&vm, VIRTIO_ID_RNG, 0, queue_sizes, 1, 0, &fake_ops, &fdev, &memview, NULL, NULL);
	assert_int_equal(virtio_mmio_read(&vm, VIRTIO_MMIO_CONFIG, 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(fdev.config_reads, 0);
}

static void test_config_changed(void **state)
{
	virtio_mmio_config_changed(&vm);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(irq.calls, 0);

	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	virtio_mmio_config_changed(&vm);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 2);
	assert_int_equal(irq.calls, 0);

	setup_queue(0, 16, DESC_GPA, AVAIL_GPA, USED_GPA);
	driver_ok();
	virtio_mmio_config_changed(&vm);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 3);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG_CHANGE);
	assert_int_equal(irq.calls, 1);
	assert_true(irq.levels[0]);
	/* A config change is not a reason to stop the device. */
	assert_true(virtio_mmio_live(&vm));
}

static void test_memview_missing(void **state)
{
	/* No RAM view given: queues cannot be mapped, so set-up fails safely. */
	virtio_mmio_init(&vm, VIRTIO_ID_RNG, DEV_FEATURES, queue_sizes, 1, 0, &fake_ops, &fdev, NULL,
			 NULL, NULL);
	assert_int_equal(negotiate(GOOD_FEATURES), STATUS_NEGOTIATED);
	setup_queue(0, 16, DESC_GPA, AVAIL_GPA, USED_GPA);
	expect_setup_failed(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_identification, setup),
		cmocka_unit_test_setup(test_init_state, setup),
		cmocka_unit_test_setup(test_init_clamps_bad_queue_sizes, setup),
		cmocka_unit_test_setup(test_device_features_by_selector, setup),
		cmocka_unit_test_setup(test_queue_num_max_by_selector, setup),
		cmocka_unit_test_setup(test_misc_registers_read, setup),
		cmocka_unit_test_setup(test_register_access_sizes_refused, setup),
		cmocka_unit_test_setup(test_write_value_truncated_to_32_bits, setup),
		cmocka_unit_test_setup(test_full_handshake_and_notify, setup),
		cmocka_unit_test_setup(test_indirect_negotiated_reaches_vq, setup),
		cmocka_unit_test_setup(test_features_ok_refused_without_version_1, setup),
		cmocka_unit_test_setup(test_features_ok_refused_with_unoffered_bits, setup),
		cmocka_unit_test_setup(test_features_ok_retry_after_refusal, setup),
		cmocka_unit_test_setup(test_driver_features_frozen_after_features_ok, setup),
		cmocka_unit_test_setup(test_driver_features_selector, setup),
		cmocka_unit_test_setup(test_has_feature_bounds, setup),
		cmocka_unit_test_setup(test_notify_ignored_when_not_ready_or_out_of_range, setup),
		cmocka_unit_test_setup(test_notify_ignored_before_driver_ok, setup),
		cmocka_unit_test_setup(test_notify_after_queue_disabled_ignored, setup),
		cmocka_unit_test_setup(test_notify_without_callback, setup),
		cmocka_unit_test_setup(test_notify_with_notification_data, setup),
		cmocka_unit_test_setup(test_queue_size_not_power_of_two, setup),
		cmocka_unit_test_setup(test_queue_size_above_max, setup),
		cmocka_unit_test_setup(test_queue_size_huge_or_zero, setup),
		cmocka_unit_test_setup(test_queue_size_must_be_written, setup),
		cmocka_unit_test_setup(test_queue_size_minimum_and_maximum, setup),
		cmocka_unit_test_setup(test_queue_rings_outside_ram, setup),
		cmocka_unit_test_setup(test_queue_rings_address_wrap, setup),
		cmocka_unit_test_setup(test_queue_rings_misaligned, setup),
		cmocka_unit_test_setup(test_queue_ready_before_features_ok_ignored, setup),
		cmocka_unit_test_setup(test_queue_registers_ignored_for_missing_queue, setup),
		cmocka_unit_test_setup(test_queue_registers_locked_while_ready, setup),
		cmocka_unit_test_setup(test_queue_disable_keeps_registers, setup),
		cmocka_unit_test_setup(test_status_zero_resets_everything, setup),
		cmocka_unit_test_setup(test_reset_api_and_quiet_line, setup),
		cmocka_unit_test_setup(test_status_cannot_clear_bits, setup),
		cmocka_unit_test_setup(test_status_driver_ok_needs_features_ok, setup),
		cmocka_unit_test_setup(test_status_high_bits_ignored, setup),
		cmocka_unit_test_setup(test_status_failed_not_live, setup),
		cmocka_unit_test_setup(test_driver_cannot_set_needs_reset, setup),
		cmocka_unit_test_setup(test_needs_reset_sticks_until_reset, setup),
		cmocka_unit_test_setup(test_needs_reset_before_driver_ok_no_interrupt, setup),
		cmocka_unit_test_setup(test_interrupt_line_on_transitions, setup),
		cmocka_unit_test_setup(test_interrupt_unknown_reasons_ignored, setup),
		cmocka_unit_test_setup(test_interrupt_without_set_irq, setup),
		cmocka_unit_test_setup(test_config_reads_by_size, setup),
		cmocka_unit_test_setup(test_config_writes_by_size, setup),
		cmocka_unit_test_setup(test_config_out_of_bounds, setup),
		cmocka_unit_test_setup(test_config_straddling_end_not_forwarded, setup),
		cmocka_unit_test_setup(test_config_bad_sizes_refused, setup),
		cmocka_unit_test_setup(test_config_without_callbacks, setup),
		cmocka_unit_test_setup(test_config_empty_space, setup),
		cmocka_unit_test_setup(test_config_changed, setup),
		cmocka_unit_test_setup(test_memview_missing, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
