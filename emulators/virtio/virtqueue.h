/*
 * A split virtqueue as the device side walks it. Nothing the guest wrote is
 * trusted: every index, descriptor, address and length is checked against
 * the queue size and the guest's RAM (through a memview), chains are bounded
 * by the queue size, and anything malformed marks the queue broken, after
 * which it yields nothing (the transport then sets DEVICE_NEEDS_RESET).
 * No locking here: the caller serialises access to one queue.
 */
#ifndef EMULATORS_VIRTQUEUE_H
#define EMULATORS_VIRTQUEUE_H
#include <stdbool.h>
#include <stdint.h>
#include "virtio_spec.h"

/* Guest RAM as the device sees it. */
struct vq_memview {
	/* Host address of guest-physical [gpa, gpa + len), or NULL unless it lies wholly in guest RAM. */
	void *(*map)(void *ctx, uint64_t gpa, uint64_t len);
	void *ctx;
};

/* Segments one chain may have; a longer chain breaks the queue (devices advertise less). */
#define VQ_MAX_SEGS 128

struct vq_seg {
	uint8_t *ptr;             /* host address of the buffer */
	uint32_t len;
};

/* One request: its readable segments first, then its writable ones, as the spec orders them. */
struct vq_chain {
	uint16_t head;            /* what vq_push() returns to the driver */
	unsigned nr_out;          /* seg[0 .. nr_out): device-readable */
	unsigned nr_in;           /* seg[nr_out .. nr_out + nr_in): device-writable */
	uint64_t out_bytes, in_bytes;
	struct vq_seg seg[VQ_MAX_SEGS];
};

struct virtqueue {
	/* Set by the transport from the driver's registers before vq_init(). */
	uint16_t num;             /* queue size: a power of two, 1..VIRTQ_MAX_SIZE */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool event_idx;           /* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;            /* VIRTIO_F_INDIRECT_DESC negotiated */

	/* Walker state. */
	bool ready;               /* vq_init() succeeded */
	bool broken;              /* the driver broke the ring: nothing more is taken from it */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t last_avail;      /* next available-ring entry to take */
	uint16_t used_idx;        /* next used-ring entry to fill */
	uint16_t signalled_used;  /* used_idx when the driver was last interrupted */
	bool signalled_valid;

	/* Counters, for the shell. */
	uint64_t popped, pushed, interrupts;
};

/* Forget everything (device reset): the queue is not ready until vq_init() again. */
void vq_reset(struct virtqueue *vq);

/*
 * Check the ring addresses (alignment, inside guest RAM for num entries) and
 * map them. 0, or -1 with the queue left not ready.
 */
int vq_init(struct virtqueue *vq, const struct vq_memview *mem);

/* The driver made buffers available that have not been taken yet. */
bool vq_has_avail(const struct virtqueue *vq);

/*
 * Take the next available chain into c. 1: c holds a chain; 0: nothing
 * available; -1: the ring or the chain is malformed, the queue is now broken.
 */
int vq_pop(struct virtqueue *vq, const struct vq_memview *mem, struct vq_chain *c);

/* Return a chain to the driver with the bytes written into its writable part. -1 if head is bad. */
int vq_push(struct virtqueue *vq, uint16_t head, uint32_t written);

/*
 * After a batch of vq_push(): whether the driver wants an interrupt now
 * (VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event with EVENT_IDX). Records the
 * decision, so the next batch is measured from here.
 */
bool vq_should_interrupt(struct virtqueue *vq);

/*
 * Ask the driver to notify when it adds the next buffer (avail_event =
 * last_avail with EVENT_IDX; otherwise clears VIRTQ_USED_F_NO_NOTIFY).
 * Call before the final vq_has_avail() check of a processing pass.
 */
void vq_enable_notify(struct virtqueue *vq);
/* Tell the driver notifications are not needed while the device is busy with the queue. */
void vq_disable_notify(struct virtqueue *vq);

/* Copy helpers over a chain's segments. Return bytes copied (stops at the end of the part). */
uint64_t vq_chain_read(const struct vq_chain *c, uint64_t offset, void *dst, uint64_t len);
uint64_t vq_chain_write(const struct vq_chain *c, uint64_t offset, const void *src, uint64_t len);

#endif
