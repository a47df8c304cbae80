/*
 * A minimal virtio-mmio driver (transport version 2, virtio 1.x, split
 * virtqueues) for the virtio tests: one queue (queue 0) per device, polled.
 * It does only what the tests ask, in the order the specification gives
 * (reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queue, DRIVER_OK), and
 * lets a test reach under it (the rings, raw register accesses) to hand the
 * device something malformed on purpose.
 *
 * The transport window must lie in the Device-mapped first GiB (mmu.h); the
 * rings and every buffer in firmware RAM, which is Normal write-back like
 * Mantle's own mapping of guest RAM, so no cache maintenance is needed.
 */
#ifndef FW_VIRTIO_H
#define FW_VIRTIO_H

#include <stdint.h>

#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_RNG   4

/* Transport registers (offsets in the window). */
#define VIRTIO_MMIO_MAGIC_VALUE       0x000
#define VIRTIO_MMIO_VERSION           0x004
#define VIRTIO_MMIO_DEVICE_ID         0x008
#define VIRTIO_MMIO_DEVICE_FEATURES   0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES   0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL         0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX     0x034
#define VIRTIO_MMIO_QUEUE_NUM         0x038
#define VIRTIO_MMIO_QUEUE_READY       0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY      0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS  0x060
#define VIRTIO_MMIO_INTERRUPT_ACK     0x064
#define VIRTIO_MMIO_STATUS            0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW    0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH   0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW  0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW  0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG            0x100

#define VIRTIO_MMIO_MAGIC             0x74726976u	/* "virt" */

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE     1u
#define VIRTIO_STATUS_DRIVER          2u
#define VIRTIO_STATUS_DRIVER_OK       4u
#define VIRTIO_STATUS_FEATURES_OK     8u
#define VIRTIO_STATUS_NEEDS_RESET     64u
#define VIRTIO_STATUS_FAILED          128u

/* InterruptStatus bits. */
#define VIRTIO_INT_USED_BUFFER        1u
#define VIRTIO_INT_CONFIG_CHANGE      2u

#define VIRTIO_F_VERSION_1            32
#define VIRTIO_FEATURE(bit)           (1ull << (bit))

#define VIRTQ_DESC_F_NEXT             1u
#define VIRTQ_DESC_F_WRITE            2u

/* The largest queue the rings below have room for. */
#define VIRTQ_NUM_MAX                 16

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[VIRTQ_NUM_MAX];
	uint16_t used_event;	/* at ring[num] for the device: unused (no EVENT_IDX) */
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[VIRTQ_NUM_MAX];
	uint16_t avail_event;	/* likewise */
};

/* One queue's rings, each aligned as the specification requires. */
struct virtq_rings {
	struct virtq_desc desc[VIRTQ_NUM_MAX] __attribute__((aligned(16)));
	struct virtq_avail avail __attribute__((aligned(2)));
	struct virtq_used used __attribute__((aligned(4)));
};

struct virtio_dev {
	uintptr_t base;
	uint64_t size;			/* of the window */
	unsigned int intid;		/* from the DTB, 0 if none */
	uint32_t device_id;
	uint64_t features;		/* what FEATURES_OK was set with */
	unsigned int num;		/* queue 0's size once set up */
	struct virtq_rings *rings;	/* queue 0's, in firmware RAM */
	uint16_t avail_idx;		/* the avail->idx last published */
	uint16_t used_seen;		/* used entries taken by virtio_wait_used */
	char error[120];		/* why the last call failed */
};

/*
 * The first DTB virtio,mmio node whose transport answers with this device
 * ID (probed under the fault catcher); dev is set up to use rings for its
 * queue. 0, or -1 if there is none.
 */
int virtio_find(struct virtio_dev *dev, uint32_t device_id, struct virtq_rings *rings);

uint32_t virtio_read(const struct virtio_dev *dev, unsigned int off);
void virtio_write(const struct virtio_dev *dev, unsigned int off, uint32_t val);
static inline uint32_t virtio_status(const struct virtio_dev *dev)
{
	return virtio_read(dev, VIRTIO_MMIO_STATUS);
}

/* Status 0, then waits (1 s) for it to read 0. 0, or -1 with dev->error. */
int virtio_reset(struct virtio_dev *dev);
/*
 * Reset, ACKNOWLEDGE, DRIVER, then features: want & offered (VERSION_1 must
 * be offered and wanted), FEATURES_OK set and read back. 0, or -1.
 */
int virtio_negotiate(struct virtio_dev *dev, uint64_t want);
/*
 * Queue 0 with num entries on dev's rings (cleared first): QueueNum, the
 * three ring addresses, QueueReady = 1 read back. num is checked only
 * against QueueNumMax and VIRTQ_NUM_MAX: the device judges the rest.
 * 0, or -1 (QueueReady read back 0, or num does not fit).
 */
int virtio_queue_setup(struct virtio_dev *dev, unsigned int num);
/* DRIVER_OK, read back without DEVICE_NEEDS_RESET. 0, or -1. */
int virtio_driver_ok(struct virtio_dev *dev);
/* All three: the device is ready for requests on queue 0. */
int virtio_init(struct virtio_dev *dev, uint64_t want, unsigned int num);

/* A u64 of the device's configuration space, consistent (ConfigGeneration). 0, or -1. */
int virtio_config64(struct virtio_dev *dev, unsigned int off, uint64_t *val);

/*
 * Makes the chain at descriptor head available: the next avail ring slot,
 * then avail->idx + 1, then QueueNotify (with the barriers between).
 */
void virtio_post(struct virtio_dev *dev, uint16_t head);
/* Sets avail->idx to idx, whatever the ring holds, and notifies. */
void virtio_publish(struct virtio_dev *dev, uint16_t idx);
/*
 * Waits up to ms (virtual counter) for the next used ring entry: 0 with it
 * in *elem, or -1. Buffers the device wrote may be read after it returns 0.
 */
int virtio_wait_used(struct virtio_dev *dev, unsigned int ms, struct virtq_used_elem *elem);
/* used->idx as the device left it. */
uint16_t virtio_used_idx(const struct virtio_dev *dev);
/* Waits up to ms for status & mask: 0, or -1. */
int virtio_wait_status(const struct virtio_dev *dev, uint32_t mask, unsigned int ms);
/* Waits up to ms for InterruptStatus & mask; returns the last InterruptStatus read. */
uint32_t virtio_wait_interrupt(const struct virtio_dev *dev, uint32_t mask, unsigned int ms);

#endif
