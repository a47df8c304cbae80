/* The firmware's virtio-mmio driver (see virtio.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cpu.h"
#include "dtb.h"
#include "fault.h"
#include "mmio.h"
#include "virtio.h"

#define MMIO_VERSION_MODERN 2
#define DEVICE_LIMIT        (1ull << 30)	/* mmu.h: the first GiB is mapped Device */
#define REGS_BYTES          VIRTIO_MMIO_CONFIG
#define RESET_MS            1000
#define CONFIG_TRIES        4

/*
 * Ring and buffer stores must reach memory, in order, before the device may
 * look (a Device-memory write, QueueNotify, tells it to): the index after
 * what it publishes (dmb), everything before the notify (dsb). The device is
 * another CPU in the inner-shareable domain, through a cacheable mapping.
 */
static inline void ring_barrier(void)
{
	__asm__ volatile("dmb ish" : : : "memory");
}

static inline void notify_barrier(void)
{
	__asm__ volatile("dsb sy" : : : "memory");
}

static int fail(struct virtio_dev *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct virtio_dev *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->error, sizeof(dev->error), fmt, ap);
	va_end(ap);
	return -1;
}

uint32_t virtio_read(const struct virtio_dev *dev, unsigned int off)
{
	return rd32(dev->base + off);
}

void virtio_write(const struct virtio_dev *dev, unsigned int off, uint32_t val)
{
	wr32(dev->base + off, val);
}

/* A window the identity map makes Device memory, with room for the registers. */
static int window_ok(const struct dtb_virtio *v)
{
	return v->base < DEVICE_LIMIT && v->size >= REGS_BYTES && v->size <= DEVICE_LIMIT - v->base &&
	       !(v->base & 3);
}

int virtio_find(struct virtio_dev *dev, uint32_t device_id, struct virtq_rings *rings)
{
	memset(dev, 0, sizeof(*dev));
	dev->rings = rings;
	for (unsigned int i = 0; i < platform.nr_virtio; i++) {
		const struct dtb_virtio *v = &platform.virtio[i];
		uint32_t magic, id;

		if (!window_ok(v))
			continue;
		/* Natively (QEMU virt) most transports have no device behind them: ID 0. */
		if (fault_read32(v->base + VIRTIO_MMIO_MAGIC_VALUE, &magic) || magic != VIRTIO_MMIO_MAGIC ||
		    fault_read32(v->base + VIRTIO_MMIO_DEVICE_ID, &id) || id != device_id)
			continue;
		dev->base = v->base;
		dev->size = v->size;
		dev->intid = v->intid;
		dev->device_id = id;
		return 0;
	}
	return fail(dev, "no device with ID %u in the DTB", (unsigned int)device_id);
}

int virtio_reset(struct virtio_dev *dev)
{
	uint64_t deadline = counter_deadline_ms(RESET_MS);
	uint32_t status;

	dev->num = 0;
	dev->avail_idx = 0;
	dev->used_seen = 0;
	virtio_write(dev, VIRTIO_MMIO_STATUS, 0);
	/* The specification has the driver wait for the reset to be done. */
	while ((status = virtio_status(dev)) != 0)
		if (counter_now() >= deadline)
			return fail(dev, "status 0x%x, not 0, %u ms after the reset", (unsigned int)status,
				    RESET_MS);
	return 0;
}

int virtio_negotiate(struct virtio_dev *dev, uint64_t want)
{
	uint32_t magic = virtio_read(dev, VIRTIO_MMIO_MAGIC_VALUE);
	uint32_t version = virtio_read(dev, VIRTIO_MMIO_VERSION);
	uint32_t driver = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER, status;
	uint64_t offered, accepted;

	if (magic != VIRTIO_MMIO_MAGIC)
		return fail(dev, "magic 0x%08x at 0x%llx", (unsigned int)magic, (unsigned long long)dev->base);
	if (version != MMIO_VERSION_MODERN)
		return fail(dev, "transport version %u, not 2 (virtio 1.x)", (unsigned int)version);
	if ((uintptr_t)dev->rings < DEVICE_LIMIT)
		return fail(dev, "rings at %p: not in Normal (RAM) memory", (void *)dev->rings);
	if (virtio_reset(dev))
		return -1;
	virtio_write(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_write(dev, VIRTIO_MMIO_STATUS, driver);

	virtio_write(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered = virtio_read(dev, VIRTIO_MMIO_DEVICE_FEATURES);
	virtio_write(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)virtio_read(dev, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	if (!(offered & VIRTIO_FEATURE(VIRTIO_F_VERSION_1)))
		return fail(dev, "VERSION_1 not offered (features 0x%llx)", (unsigned long long)offered);
	accepted = want & offered;
	if (!(accepted & VIRTIO_FEATURE(VIRTIO_F_VERSION_1)))
		return fail(dev, "the driver must accept VERSION_1");
	virtio_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	virtio_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)accepted);
	virtio_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	virtio_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(accepted >> 32));

	virtio_write(dev, VIRTIO_MMIO_STATUS, driver | VIRTIO_STATUS_FEATURES_OK);
	status = virtio_status(dev);
	if (!(status & VIRTIO_STATUS_FEATURES_OK))
		return fail(dev, "FEATURES_OK refused for features 0x%llx (status 0x%x)",
			    (unsigned long long)accepted, (unsigned int)status);
	dev->features = accepted;
	return 0;
}

static void write_addr(struct virtio_dev *dev, unsigned int low_reg, const void *p)
{
	uint64_t addr = (uintptr_t)p;	/* identity map: the guest-physical address */

	virtio_write(dev, low_reg, (uint32_t)addr);
	virtio_write(dev, low_reg + 4, (uint32_t)(addr >> 32));
}

int virtio_queue_setup(struct virtio_dev *dev, unsigned int num)
{
	struct virtq_rings *r = dev->rings;
	uint32_t max;

	virtio_write(dev, VIRTIO_MMIO_QUEUE_SEL, 0);
	if (virtio_read(dev, VIRTIO_MMIO_QUEUE_READY))
		return fail(dev, "queue 0 is ready before its set-up");
	max = virtio_read(dev, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (max == 0)
		return fail(dev, "no queue 0 (QueueNumMax 0)");
	if (num == 0 || num > max || num > VIRTQ_NUM_MAX)
		return fail(dev, "queue size %u: QueueNumMax is %u, the rings hold %u", num,
			    (unsigned int)max, VIRTQ_NUM_MAX);

	memset(r, 0, sizeof(*r));
	/* The cleared rings must be in memory before the device can know where they are. */
	notify_barrier();
	virtio_write(dev, VIRTIO_MMIO_QUEUE_NUM, num);
	write_addr(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, r->desc);
	write_addr(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, &r->avail);
	write_addr(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, &r->used);
	virtio_write(dev, VIRTIO_MMIO_QUEUE_READY, 1);
	dev->num = num;
	dev->avail_idx = 0;
	dev->used_seen = 0;
	if (virtio_read(dev, VIRTIO_MMIO_QUEUE_READY) != 1)
		return fail(dev, "QueueReady reads 0 after writing 1 (status 0x%x)",
			    (unsigned int)virtio_status(dev));
	return 0;
}

int virtio_driver_ok(struct virtio_dev *dev)
{
	uint32_t status;

	virtio_write(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
					      VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	status = virtio_status(dev);
	if (!(status & VIRTIO_STATUS_DRIVER_OK) || (status & VIRTIO_STATUS_NEEDS_RESET))
		return fail(dev, "status 0x%x after DRIVER_OK", (unsigned int)status);
	return 0;
}

int virtio_init(struct virtio_dev *dev, uint64_t want, unsigned int num)
{
	if (virtio_negotiate(dev, want) || virtio_queue_setup(dev, num) || virtio_driver_ok(dev))
		return -1;
	return 0;
}

int virtio_config64(struct virtio_dev *dev, unsigned int off, uint64_t *val)
{
	if (off > dev->size - REGS_BYTES || dev->size - REGS_BYTES - off < 8)
		return fail(dev, "config offset %u: past the window", off);
	for (unsigned int i = 0; i < CONFIG_TRIES; i++) {
		uint32_t gen = virtio_read(dev, VIRTIO_MMIO_CONFIG_GENERATION), lo, hi;

		/* 32-bit halves: the transport refuses 64-bit accesses. */
		lo = virtio_read(dev, VIRTIO_MMIO_CONFIG + off);
		hi = virtio_read(dev, VIRTIO_MMIO_CONFIG + off + 4);
		if (virtio_read(dev, VIRTIO_MMIO_CONFIG_GENERATION) == gen) {
			*val = (uint64_t)hi << 32 | lo;
			return 0;
		}
	}
	return fail(dev, "ConfigGeneration changed across %u tries", CONFIG_TRIES);
}

void virtio_publish(struct virtio_dev *dev, uint16_t idx)
{
	ring_barrier();
	*(volatile uint16_t *)&dev->rings->avail.idx = idx;
	dev->avail_idx = idx;
	notify_barrier();
	virtio_write(dev, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

void virtio_post(struct virtio_dev *dev, uint16_t head)
{
	unsigned int num = dev->num ? dev->num : 1;

	*(volatile uint16_t *)&dev->rings->avail.ring[dev->avail_idx % num] = head;
	virtio_publish(dev, (uint16_t)(dev->avail_idx + 1));
}

uint16_t virtio_used_idx(const struct virtio_dev *dev)
{
	return *(volatile uint16_t *)&dev->rings->used.idx;
}

int virtio_wait_used(struct virtio_dev *dev, unsigned int ms, struct virtq_used_elem *elem)
{
	volatile struct virtq_used_elem *e;
	uint64_t deadline = counter_deadline_ms(ms);
	uint32_t status = 0;

	/*
	 * The status read each time round is a trap: besides catching a
	 * device that gave up, it lets Mantle run its backend thread, which
	 * shares this vCPU's CPU, without waiting for a preemption.
	 */
	while (virtio_used_idx(dev) == dev->used_seen) {
		status = virtio_status(dev);
		if (status & VIRTIO_STATUS_NEEDS_RESET)
			return fail(dev, "no used buffer: the device needs a reset (status 0x%x)",
				    (unsigned int)status);
		if (counter_now() >= deadline)
			return fail(dev, "no used buffer within %u ms (status 0x%x, used idx %u)", ms,
				    (unsigned int)status, (unsigned int)virtio_used_idx(dev));
	}
	/* The element, and what the device wrote into the buffers, after the index. */
	ring_barrier();
	e = &dev->rings->used.ring[dev->used_seen % (dev->num ? dev->num : 1)];
	elem->id = e->id;
	elem->len = e->len;
	dev->used_seen++;
	return 0;
}

int virtio_wait_status(const struct virtio_dev *dev, uint32_t mask, unsigned int ms)
{
	uint64_t deadline = counter_deadline_ms(ms);

	while (!(virtio_status(dev) & mask))
		if (counter_now() >= deadline)
			return -1;
	return 0;
}

uint32_t virtio_wait_interrupt(const struct virtio_dev *dev, uint32_t mask, unsigned int ms)
{
	uint64_t deadline = counter_deadline_ms(ms);
	uint32_t isr;

	while (!((isr = virtio_read(dev, VIRTIO_MMIO_INTERRUPT_STATUS)) & mask))
		if (counter_now() >= deadline)
			break;
	return isr;
}
