/*
 * virtio: Mantle's virtio-mmio devices driven as the specification says
 * (virtio.c: VERSION_1 only, queue 0 of QUEUE_SIZE, polled), then handed
 * malformed rings, which must make the device ask for a reset
 * (DEVICE_NEEDS_RESET, with a configuration-change interrupt) without
 * using the chain, and work again once reset.
 *
 * On request only ("run virtio"). It needs a virtio-rng (device ID 4) and a
 * virtio-blk (2) whose disk has BLK_SECTORS sectors and starts with
 * "MANTLE-RAMDISK"; a test whose device is missing fails with "no
 * virtio-rng in the DTB" (or virtio-blk). Sector 1 of the disk is
 * overwritten. Every test leaves its device reset.
 */
#include <stdio.h>
#include <string.h>
#include "cpu.h"
#include "dsl.h"
#include "dtb.h"
#include "virtio.h"

#define QUEUE_SIZE       8
#define BAD_QUEUE_SIZE   3	/* not a power of two */
#define WAIT_MS          1000
#define RNG_BYTES        64

#define BLK_SECTOR       512
#define BLK_SECTORS      128	/* the RAM disk: 64 KiB */
#define BLK_CFG_CAPACITY 0	/* u64, in 512-byte sectors */
#define BLK_T_IN         0
#define BLK_T_OUT        1
#define BLK_S_OK         0
#define BLK_S_IOERR      1

#define RAMDISK_MAGIC    "MANTLE-RAMDISK"

/* In .bss: firmware RAM, Normal write-back (mmu.h), where Mantle reads it coherently. */
static struct virtq_rings rng_rings __attribute__((aligned(4096)));
static struct virtq_rings blk_rings __attribute__((aligned(4096)));
static uint8_t rng_buf[2][RNG_BYTES] __attribute__((aligned(64)));

struct blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

static struct blk_req_hdr blk_hdr __attribute__((aligned(64)));
static uint8_t blk_data[BLK_SECTOR] __attribute__((aligned(64)));
static uint8_t blk_pattern[BLK_SECTOR];
static volatile uint8_t blk_status __attribute__((aligned(64)));

static const char *device_name(uint32_t id)
{
	return id == VIRTIO_ID_RNG ? "virtio-rng" : id == VIRTIO_ID_BLOCK ? "virtio-blk" : "virtio device";
}

static void set_desc(struct virtio_dev *dev, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	struct virtq_desc *d = &dev->rings->desc[i];

	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

static int all_equal(const uint8_t *p, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		if (p[i] != p[0])
			return 0;
	return 1;
}

/* Finds the device and sets it up; fails the test (and leaves it reset) if it cannot. */
#define OPEN_OR_RETURN(dev, id, rings) do { \
	if (!open_device(dev, id, rings, __FILE__, __LINE__)) \
		return; \
} while (0)

static int open_device(struct virtio_dev *dev, uint32_t id, struct virtq_rings *rings, const char *file,
		       int line)
{
	if (virtio_find(dev, id, rings)) {
		dsl_fail(file, line, "no %s in the DTB", device_name(id));
		return 0;
	}
	if (virtio_init(dev, VIRTIO_FEATURE(VIRTIO_F_VERSION_1), QUEUE_SIZE)) {
		dsl_fail(file, line, "%s set-up: %s", device_name(id), dev->error);
		virtio_reset(dev);
		return 0;
	}
	return 1;
}

/* ---- virtio-rng ---- */

/* One RNG_BYTES buffer filled: 1, or 0 with the test failed. */
#define RNG_READ(dev, buf) rng_read(dev, buf, __FILE__, __LINE__)
static int rng_read(struct virtio_dev *dev, uint8_t *buf, const char *file, int line)
{
	struct virtq_used_elem e;

	memset(buf, 0, RNG_BYTES);
	set_desc(dev, 0, (uintptr_t)buf, RNG_BYTES, VIRTQ_DESC_F_WRITE, 0);
	virtio_post(dev, 0);
	if (virtio_wait_used(dev, WAIT_MS, &e)) {
		dsl_fail(file, line, "virtio-rng: %s", dev->error);
		return 0;
	}
	if (e.id != 0 || e.len != RNG_BYTES) {
		dsl_fail(file, line, "virtio-rng: used element id %u len %u, not 0 and %u", (unsigned int)e.id,
			 (unsigned int)e.len, RNG_BYTES);
		return 0;
	}
	if (all_equal(buf, RNG_BYTES)) {
		dsl_fail(file, line, "virtio-rng: the %u bytes are all 0x%02x", RNG_BYTES, buf[0]);
		return 0;
	}
	return 1;
}

TEST_ON_REQUEST(virtio, rng_read)
{
	struct virtio_dev dev;

	OPEN_OR_RETURN(&dev, VIRTIO_ID_RNG, &rng_rings);
	for (unsigned int i = 0; i < 2; i++) {
		uint32_t isr;

		if (!RNG_READ(&dev, rng_buf[i]))
			break;
		/* The device raises it once the buffer is used, maybe just after used->idx moves. */
		isr = virtio_wait_interrupt(&dev, VIRTIO_INT_USED_BUFFER, WAIT_MS);
		EXPECT_TRUE(isr & VIRTIO_INT_USED_BUFFER);
		virtio_write(&dev, VIRTIO_MMIO_INTERRUPT_ACK, isr);
		EXPECT_EQ(virtio_read(&dev, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_USED_BUFFER, 0);
	}
	if (!dsl_failed()) {
		EXPECT_NE(memcmp(rng_buf[0], rng_buf[1], RNG_BYTES), 0);
		EXPECT_EQ(virtio_used_idx(&dev), 2);
	}
	virtio_reset(&dev);
}

/* ---- virtio-blk ---- */

/*
 * One request on descriptors 0-2: the header (readable), the sector
 * (writable for a read), the status byte (writable). 1 if it completed with
 * status want_status (and for a good read or write, the used length the
 * device wrote: data and status, or status alone); else 0, the test failed.
 */
#define BLK_REQUEST(dev, type, sector, want) blk_request(dev, type, sector, want, __FILE__, __LINE__)
static int blk_request(struct virtio_dev *dev, uint32_t type, uint64_t sector, uint8_t want_status,
		       const char *file, int line)
{
	const char *what = type == BLK_T_IN ? "read" : "write";
	uint32_t want_len = type == BLK_T_IN ? BLK_SECTOR + 1 : 1;
	struct virtq_used_elem e;
	uint8_t status;

	blk_hdr.type = type;
	blk_hdr.reserved = 0;
	blk_hdr.sector = sector;
	blk_status = 0xff;
	set_desc(dev, 0, (uintptr_t)&blk_hdr, sizeof(blk_hdr), VIRTQ_DESC_F_NEXT, 1);
	set_desc(dev, 1, (uintptr_t)blk_data, BLK_SECTOR,
		 VIRTQ_DESC_F_NEXT | (type == BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0), 2);
	set_desc(dev, 2, (uintptr_t)&blk_status, 1, VIRTQ_DESC_F_WRITE, 0);
	virtio_post(dev, 0);
	if (virtio_wait_used(dev, WAIT_MS, &e)) {
		dsl_fail(file, line, "%s of sector %llu: %s", what, (unsigned long long)sector, dev->error);
		return 0;
	}
	status = blk_status;
	if (e.id != 0 || status != want_status) {
		dsl_fail(file, line, "%s of sector %llu: used id %u, status %u, not 0 and %u", what,
			 (unsigned long long)sector, (unsigned int)e.id, status, want_status);
		return 0;
	}
	if (status == BLK_S_OK && e.len != want_len) {
		dsl_fail(file, line, "%s of sector %llu: used len %u, not %u", what, (unsigned long long)sector,
			 (unsigned int)e.len, (unsigned int)want_len);
		return 0;
	}
	return 1;
}

/* The first bytes of p, unprintable ones as '.': for a failure message. */
static const char *printable(const uint8_t *p, unsigned int n, char *out, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < n && i + 1 < size; i++)
		out[i] = p[i] >= ' ' && p[i] < 0x7f ? (char)p[i] : '.';
	out[i] = '\0';
	return out;
}

TEST_ON_REQUEST(virtio, blk_read_sector0)
{
	const unsigned int magic_len = sizeof(RAMDISK_MAGIC) - 1;
	struct virtio_dev dev;
	uint64_t capacity = 0;
	uint8_t seed;
	char seen[sizeof(RAMDISK_MAGIC)];

	OPEN_OR_RETURN(&dev, VIRTIO_ID_BLOCK, &blk_rings);
	if (virtio_config64(&dev, BLK_CFG_CAPACITY, &capacity))
		dsl_fail(__FILE__, __LINE__, "capacity: %s", dev.error);
	else
		EXPECT_EQ(capacity, BLK_SECTORS);

	memset(blk_data, 0, sizeof(blk_data));
	if (BLK_REQUEST(&dev, BLK_T_IN, 0, BLK_S_OK) && memcmp(blk_data, RAMDISK_MAGIC, magic_len) != 0)
		dsl_fail(__FILE__, __LINE__, "sector 0 starts with \"%s\", not \"" RAMDISK_MAGIC "\"",
			 printable(blk_data, magic_len, seen, sizeof(seen)));

	/* A pattern of this run's own, so that what a former run left there cannot pass. */
	seed = (uint8_t)(counter_now() >> 4) | 1;
	for (unsigned int i = 0; i < BLK_SECTOR; i++)
		blk_pattern[i] = (uint8_t)(seed * (i + 1) + (i >> 8));
	memcpy(blk_data, blk_pattern, sizeof(blk_data));
	if (BLK_REQUEST(&dev, BLK_T_OUT, 1, BLK_S_OK)) {
		memset(blk_data, 0, sizeof(blk_data));
		if (BLK_REQUEST(&dev, BLK_T_IN, 1, BLK_S_OK))
			EXPECT_EQ(memcmp(blk_data, blk_pattern, BLK_SECTOR), 0);
	}

	/* The first sector past the end. */
	BLK_REQUEST(&dev, BLK_T_IN, BLK_SECTORS, BLK_S_IOERR);
	virtio_reset(&dev);
}

/* ---- malformed rings on the virtio-rng ---- */

/*
 * After something malformed was made available: DEVICE_NEEDS_RESET within
 * WAIT_MS with a configuration-change interrupt, nothing put in the used
 * ring; then a reset clears status and interrupt, and the device, set up
 * again, fills a buffer. Leaves it reset.
 */
static void expect_needs_reset_then_recovery(struct virtio_dev *dev)
{
	if (virtio_wait_status(dev, VIRTIO_STATUS_NEEDS_RESET, WAIT_MS)) {
		dsl_fail(__FILE__, __LINE__, "status 0x%x: no DEVICE_NEEDS_RESET within %u ms",
			 (unsigned int)virtio_status(dev), WAIT_MS);
	} else {
		uint32_t isr = virtio_wait_interrupt(dev, VIRTIO_INT_CONFIG_CHANGE, WAIT_MS);

		EXPECT_TRUE(isr & VIRTIO_INT_CONFIG_CHANGE);
	}
	EXPECT_EQ(virtio_used_idx(dev), 0);

	if (virtio_reset(dev)) {
		dsl_fail(__FILE__, __LINE__, "reset: %s", dev->error);
		return;
	}
	EXPECT_EQ(virtio_read(dev, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	if (virtio_init(dev, VIRTIO_FEATURE(VIRTIO_F_VERSION_1), QUEUE_SIZE)) {
		dsl_fail(__FILE__, __LINE__, "set-up after the reset: %s", dev->error);
	} else {
		RNG_READ(dev, rng_buf[0]);
	}
	virtio_reset(dev);
}

/* A chain whose second descriptor leads back to the first. */
TEST_ON_REQUEST(virtio, hostile_loop)
{
	struct virtio_dev dev;

	OPEN_OR_RETURN(&dev, VIRTIO_ID_RNG, &rng_rings);
	set_desc(&dev, 0, (uintptr_t)rng_buf[0], RNG_BYTES, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(&dev, 1, (uintptr_t)rng_buf[1], RNG_BYTES, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
	virtio_post(&dev, 0);
	expect_needs_reset_then_recovery(&dev);
}

/* A buffer wholly outside guest RAM: just above its end. */
TEST_ON_REQUEST(virtio, hostile_address)
{
	struct virtio_dev dev;

	ASSERT_NE(platform.ram_end, 0);		/* /memory was found */
	OPEN_OR_RETURN(&dev, VIRTIO_ID_RNG, &rng_rings);
	set_desc(&dev, 0, platform.ram_end, RNG_BYTES, VIRTQ_DESC_F_WRITE, 0);
	virtio_post(&dev, 0);
	expect_needs_reset_then_recovery(&dev);
}

/* A buffer that starts in RAM but runs 4 GiB past it. */
TEST_ON_REQUEST(virtio, hostile_length)
{
	struct virtio_dev dev;

	OPEN_OR_RETURN(&dev, VIRTIO_ID_RNG, &rng_rings);
	set_desc(&dev, 0, (uintptr_t)rng_buf[0], 0xfffffff0u, VIRTQ_DESC_F_WRITE, 0);
	virtio_post(&dev, 0);
	expect_needs_reset_then_recovery(&dev);
}

/* avail->idx claims 1000 more buffers than the queue can hold. */
TEST_ON_REQUEST(virtio, hostile_avail_idx)
{
	struct virtio_dev dev;

	OPEN_OR_RETURN(&dev, VIRTIO_ID_RNG, &rng_rings);
	set_desc(&dev, 0, (uintptr_t)rng_buf[0], RNG_BYTES, VIRTQ_DESC_F_WRITE, 0);
	virtio_publish(&dev, QUEUE_SIZE + 1000);	/* every ring slot names descriptor 0 */
	expect_needs_reset_then_recovery(&dev);
}

/*
 * QueueNum 3, then QueueReady = 1: the device may refuse the queue
 * (QueueReady reads 0) or give up (DEVICE_NEEDS_RESET); it must not use it.
 */
TEST_ON_REQUEST(virtio, bad_queue_size)
{
	struct virtio_dev dev;
	uint32_t ready, status;

	if (virtio_find(&dev, VIRTIO_ID_RNG, &rng_rings)) {
		dsl_fail(__FILE__, __LINE__, "no virtio-rng in the DTB");
		return;
	}
	if (virtio_negotiate(&dev, VIRTIO_FEATURE(VIRTIO_F_VERSION_1))) {
		dsl_fail(__FILE__, __LINE__, "virtio-rng set-up: %s", dev.error);
		virtio_reset(&dev);
		return;
	}
	(void)virtio_queue_setup(&dev, BAD_QUEUE_SIZE);	/* its verdict is read below */
	ready = virtio_read(&dev, VIRTIO_MMIO_QUEUE_READY);
	status = virtio_status(&dev);
	if (ready != 0 && !(status & VIRTIO_STATUS_NEEDS_RESET))
		dsl_fail(__FILE__, __LINE__, "queue size %u taken: QueueReady %u, status 0x%x", BAD_QUEUE_SIZE,
			 (unsigned int)ready, (unsigned int)status);

	if (virtio_reset(&dev)) {
		dsl_fail(__FILE__, __LINE__, "reset: %s", dev.error);
		return;
	}
	if (virtio_init(&dev, VIRTIO_FEATURE(VIRTIO_F_VERSION_1), QUEUE_SIZE))
		dsl_fail(__FILE__, __LINE__, "set-up after the reset: %s", dev.error);
	else
		RNG_READ(&dev, rng_buf[0]);
	virtio_reset(&dev);
}
