/*
 * What every emulated virtio-mmio device shares: the transport model under
 * one lock, the guest's RAM as a memview, the interrupt line, and a backend
 * thread. Queue notifications only mark work and wake the backend, an
 * orphan vCPU of the device's own; the trapping vCPU returns to its guest at
 * once. The backend takes requests, serves them with the lock dropped, and
 * raises the guest's interrupt once per batch.
 */
#ifndef EMULATORS_VIRTIO_EMU_H
#define EMULATORS_VIRTIO_EMU_H
#include <stddef.h>
#include <stdint.h>
#include <arch/spinlock.h>
#include "virtio_mmio.h"

struct guest;
struct vcpu;
struct emu_device;
struct guest_dev_config;
struct virtio_emu;

/* Work bit for something other than a queue notification (input arrived, frames queued). */
#define VIRTIO_EMU_WORK_INPUT   31

struct virtio_emu_type {
	const char *kind;              /* "virtio-blk", for the shell */
	uint32_t device_id;
	unsigned nr_queues;
	uint16_t queue_size;
	uint32_t config_size;
	/*
	 * Build the device's state (ve->state) from its description and give
	 * ve->device_features. 0, or -1 with a message in err.
	 */
	int (*setup)(struct virtio_emu *ve, const struct guest_dev_config *cfg, char *err, size_t errlen);
	/* On the backend thread: serve queue q, or VIRTIO_EMU_WORK_INPUT. */
	void (*work)(struct virtio_emu *ve, unsigned q);
	uint32_t (*config_read)(struct virtio_emu *ve, uint32_t off, unsigned size);
	void (*config_write)(struct virtio_emu *ve, uint32_t off, unsigned size, uint32_t val);
	/* The device was reset (called with ve->lock held: no blocking). */
	void (*reset)(struct virtio_emu *ve);
	/* After the backend stopped: free ve->state. */
	void (*teardown)(struct virtio_emu *ve);
	/* One line of details for `vdev list` (backend, counters). */
	void (*describe)(struct virtio_emu *ve, char *buf, size_t len);
};

struct virtio_emu {
	struct virtio_mmio vm;
	spinlock_t lock;               /* vm and its queues */
	const struct virtio_emu_type *type;
	struct emu_device *dev;
	struct guest *guest;
	uint64_t device_features;
	struct vcpu *backend;
	volatile uint32_t work;        /* bit per queue, plus VIRTIO_EMU_WORK_INPUT */
	volatile int stopping;
	uint32_t generation;           /* bumped on reset: requests taken before it are dropped */
	struct vq_chain chain;         /* the backend's request being served */
	void *state;
	uint64_t requests, batches, malformed;
};

/* The backend thread has work: mark it and wake the thread. Any context. */
void virtio_emu_kick(struct virtio_emu *ve, unsigned bit);

/*
 * Serve queue q: take each available chain, call handle (lock dropped) for
 * the bytes it wrote, return it, and interrupt the guest once at the end if
 * the driver wants it. At most budget chains; more left means a new kick.
 */
void virtio_emu_serve(struct virtio_emu *ve, unsigned q, unsigned budget,
		      uint32_t (*handle)(struct virtio_emu *ve, struct vq_chain *c));

/*
 * Lower level, for queues filled only when the device has something (receive
 * queues). pop: 1 with ve->chain filled and *gen set, 0 empty or not live, -1 broken.
 */
int virtio_emu_pop(struct virtio_emu *ve, unsigned q, uint32_t *gen);
void virtio_emu_push(struct virtio_emu *ve, unsigned q, uint16_t head, uint32_t len, uint32_t gen);
/* End of a batch on queue q: interrupt the guest if it asked for it. */
void virtio_emu_batch_done(struct virtio_emu *ve, unsigned q);

/* Find the virtio device of a guest's emu_device, or NULL (for the shell). */
struct virtio_emu *virtio_emu_of(struct emu_device *d);
const char *virtio_emu_status_name(const struct virtio_emu *ve);

/* The common create step, for each type's struct emulator. */
int virtio_emu_create(struct guest *g, struct emu_device *d, const struct guest_dev_config *cfg,
		      const struct virtio_emu_type *type, char *err, unsigned long errlen);

/* Register virtio device type `type` (a struct virtio_emu_type) as the emulator of compat. */
#define VIRTIO_EMULATOR_REGISTER(type, compat) \
	static int type##_create(struct guest *g, struct emu_device *d, \
				 const struct guest_dev_config *cfg, char *err, unsigned long errlen) \
	{ \
		return virtio_emu_create(g, d, cfg, &type, err, errlen); \
	} \
	static const struct emulator type##_emulator = { .compatible = compat, .create = type##_create }; \
	EMULATOR_REGISTER(type##_emulator)

/* size bytes (1, 2 or 4, little-endian) at off of a config space laid out in cfg[len]; 0 past its end. */
uint32_t virtio_config_bytes(const uint8_t *cfg, size_t len, uint32_t off, unsigned size);

#endif
