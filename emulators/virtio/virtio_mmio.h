/*
 * The virtio-mmio transport, version 2 (virtio 1.x), as a register model:
 * feature negotiation, device status, queue set-up, interrupt status,
 * configuration generation and reset. It holds no lock and touches no
 * hardware: the emulator glue (virtio_emu.c) serialises calls and turns
 * set_irq into the guest's interrupt line; the device type supplies its
 * features, configuration space and what a queue notification does.
 */
#ifndef EMULATORS_VIRTIO_MMIO_H
#define EMULATORS_VIRTIO_MMIO_H
#include <stdbool.h>
#include <stdint.h>
#include "virtqueue.h"

#define VIRTIO_MMIO_MAX_QUEUES   4
#define VIRTIO_MMIO_VENDOR_MANTLE 0x4d4e544cu     /* "LTNM": any value; Linux ignores it */

struct virtio_mmio;

struct virtio_device_ops {
	/* Device-specific config space: off within it, size 1, 2 or 4. Reads past its end give 0. */
	uint32_t (*config_read)(struct virtio_mmio *vm, uint32_t off, unsigned size);
	void (*config_write)(struct virtio_mmio *vm, uint32_t off, unsigned size, uint32_t val);
	/* The driver wrote QueueNotify for queue q (q < nr_queues, queue ready). */
	void (*queue_notify)(struct virtio_mmio *vm, unsigned q);
	/* The driver reset the device (status 0), or the device is being reset by Mantle. */
	void (*reset)(struct virtio_mmio *vm);
	/* DRIVER_OK was just set: the device may start using its queues. Optional. */
	void (*driver_ok)(struct virtio_mmio *vm);
};

struct virtio_mmio_queue {
	uint16_t num_max;         /* the device's limit, a power of two; 0 = no such queue */
	uint32_t desc_lo, desc_hi, driver_lo, driver_hi, device_lo, device_hi;
	struct virtqueue vq;      /* vq.num holds QueueNum; vq.ready is QueueReady */
};

struct virtio_mmio {
	uint32_t device_id;
	uint64_t device_features;        /* offered; VERSION_1 always included */
	uint64_t driver_features;        /* what the driver wrote */
	uint32_t device_features_sel, driver_features_sel;
	uint32_t status;
	uint32_t queue_sel;
	unsigned nr_queues;              /* <= VIRTIO_MMIO_MAX_QUEUES */
	struct virtio_mmio_queue queues[VIRTIO_MMIO_MAX_QUEUES];
	uint32_t interrupt_status;
	uint32_t config_generation;
	uint32_t config_size;            /* bytes of config space the device has */

	const struct virtio_device_ops *ops;
	void *dev;                       /* the device type's state */
	struct vq_memview mem;           /* the guest's RAM, for vq_init() */
	void (*set_irq)(void *ctx, bool level);   /* the interrupt line: level = interrupt_status != 0 */
	void *irq_ctx;

	/* Counters, for the shell. */
	uint64_t notifies, resets, needs_reset_events;
};

/*
 * Set up the transport for one device. queue_sizes[i] is queue i's maximum
 * size (a power of two, at most VIRTQ_MAX_SIZE). Features get VERSION_1,
 * INDIRECT_DESC and EVENT_IDX added. The device starts reset.
 */
void virtio_mmio_init(struct virtio_mmio *vm, uint32_t device_id, uint64_t device_features,
		      const uint16_t *queue_sizes, unsigned nr_queues, uint32_t config_size,
		      const struct virtio_device_ops *ops, void *dev, const struct vq_memview *mem,
		      void (*set_irq)(void *ctx, bool level), void *irq_ctx);

/*
 * A guest access to the device window, offset from its base, size 1, 2, 4
 * (8 is refused). Returns 0, or -1 for an access the guest must get an abort
 * for (a wrong size on a 32-bit register). Accesses the spec makes undefined
 * (writes to read-only registers, queue set-up while ready) are ignored.
 */
int virtio_mmio_read(struct virtio_mmio *vm, uint64_t off, unsigned size, uint64_t *val);
int virtio_mmio_write(struct virtio_mmio *vm, uint64_t off, unsigned size, uint64_t val);

/* Reset as if the driver wrote status 0 (also used when the guest resets). */
void virtio_mmio_reset(struct virtio_mmio *vm);

/* Raise interrupt reasons (VIRTIO_INT_*), updating the line. */
void virtio_mmio_interrupt(struct virtio_mmio *vm, uint32_t reasons);

/* The device's config space changed: bump the generation and tell the driver. */
void virtio_mmio_config_changed(struct virtio_mmio *vm);

/* The driver broke something: DEVICE_NEEDS_RESET, and a config-change interrupt if DRIVER_OK. */
void virtio_mmio_needs_reset(struct virtio_mmio *vm);

/* Whether the driver negotiated feature bit (valid once FEATURES_OK is set). */
bool virtio_mmio_has_feature(const struct virtio_mmio *vm, unsigned bit);

/* DRIVER_OK is set and DEVICE_NEEDS_RESET is not: the queues may be used. */
bool virtio_mmio_live(const struct virtio_mmio *vm);

#endif
