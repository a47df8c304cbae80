/*
 * The virtio-mmio transport register model, version 2 (virtio 1.x).
 *
 * Choices the specification leaves to the device, made here:
 * - QueueNum: a size that is not a power of two, is 0 or exceeds QueueNumMax
 *   is stored as "no valid size" (vq.num = 0) rather than ignored, so that the
 *   following QueueReady = 1 fails (DEVICE_NEEDS_RESET) instead of the device
 *   silently walking rings of a size the driver did not lay out. After reset
 *   vq.num is 0 too: the driver must write QueueNum before QueueReady.
 * - QueueReady = 1 is only taken once FEATURES_OK is set (the ring format
 *   depends on the negotiated features); before that it is ignored.
 * - DRIVER_OK is only accepted together with, or after, FEATURES_OK.
 *   ops->driver_ok is called when DRIVER_OK is newly set and the device is
 *   live (no DEVICE_NEEDS_RESET, no FAILED).
 * - A status write that would clear a bit (other than writing 0) is ignored
 *   as a whole; DEVICE_NEEDS_RESET in the written value is disregarded, since
 *   drivers write back what they read with a bit added.
 * - Reset keeps ConfigGeneration: the configuration did not change by itself;
 *   a device whose ops->reset changes it calls virtio_mmio_config_changed().
 * - The transport state is cleared before ops->reset runs, so what the device
 *   does from its reset hook (e.g. raise an interrupt) is not undone.
 */
#include <stddef.h>
#include <string.h>
#include "virtio_mmio.h"
#include "virtio_spec.h"

/* Not in virtio_spec.h: with it the notify value carries more than the queue index. */
#define VIRTIO_MMIO_F_NOTIFICATION_DATA 38

#define VIRTIO_INT_ALL (VIRTIO_INT_USED_BUFFER | VIRTIO_INT_CONFIG_CHANGE)

/* Status bits a driver may set; DEVICE_NEEDS_RESET belongs to the device. */
#define VIRTIO_STATUS_DRIVER_BITS (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | \
				   VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK | \
				   VIRTIO_STATUS_FAILED)

static bool is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* The queue QueueSel names, or NULL when it names none the device has. */
static struct virtio_mmio_queue *selected_queue(struct virtio_mmio *vm)
{
	if (vm->queue_sel >= vm->nr_queues)
		return NULL;
	if (vm->queues[vm->queue_sel].num_max == 0)
		return NULL;
	return &vm->queues[vm->queue_sel];
}

/* The line follows interrupt_status != 0; set_irq only hears about changes. */
static void set_interrupt_status(struct virtio_mmio *vm, uint32_t new_status)
{
	bool was = vm->interrupt_status != 0;
	bool now = new_status != 0;

	vm->interrupt_status = new_status;
	if (was != now && vm->set_irq)
		vm->set_irq(vm->irq_ctx, now);
}

/* Stop the walker but keep the driver's QueueNum (vq_reset may clear it). */
static void queue_stop(struct virtio_mmio_queue *q)
{
	uint16_t num = q->vq.num;

	vq_reset(&q->vq);
	q->vq.num = num;
}

static void queue_clear(struct virtio_mmio_queue *q)
{
	vq_reset(&q->vq);
	q->vq.num = 0;
	q->desc_lo = q->desc_hi = 0;
	q->driver_lo = q->driver_hi = 0;
	q->device_lo = q->device_hi = 0;
}

/* Back to the reset state without telling the device type (init uses this). */
static void transport_reset(struct virtio_mmio *vm)
{
	unsigned i;

	for (i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		queue_clear(&vm->queues[i]);
	vm->driver_features = 0;
	vm->device_features_sel = 0;
	vm->driver_features_sel = 0;
	vm->queue_sel = 0;
	vm->status = 0;
	set_interrupt_status(vm, 0);
}

void virtio_mmio_init(struct virtio_mmio *vm, uint32_t device_id, uint64_t device_features,
		      const uint16_t *queue_sizes, unsigned nr_queues, uint32_t config_size,
		      const struct virtio_device_ops *ops, void *dev, const struct vq_memview *mem,
		      void (*set_irq)(void *ctx, bool level), void *irq_ctx)
{
	unsigned i;

	memset(vm, 0, sizeof(*vm));
	if (nr_queues > VIRTIO_MMIO_MAX_QUEUES)
		nr_queues = VIRTIO_MMIO_MAX_QUEUES;
	if (!queue_sizes)
		nr_queues = 0;

	vm->device_id = device_id;
	vm->device_features = device_features | VIRTIO_BIT(VIRTIO_F_VERSION_1) |
			      VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	vm->nr_queues = nr_queues;
	for (i = 0; i < nr_queues; i++) {
		/* A size the ring code cannot take means the queue does not exist. */
		if (is_pow2(queue_sizes[i]) && queue_sizes[i] <= VIRTQ_MAX_SIZE)
			vm->queues[i].num_max = queue_sizes[i];
	}
	vm->config_size = config_size;
	vm->ops = ops;
	vm->dev = dev;
	if (mem)
		vm->mem = *mem;
	vm->set_irq = set_irq;
	vm->irq_ctx = irq_ctx;

	transport_reset(vm);
}

void virtio_mmio_reset(struct virtio_mmio *vm)
{
	vm->resets++;
	transport_reset(vm);
	if (vm->ops && vm->ops->reset)
		vm->ops->reset(vm);
}

void virtio_mmio_interrupt(struct virtio_mmio *vm, uint32_t reasons)
{
	set_interrupt_status(vm, vm->interrupt_status | (reasons & VIRTIO_INT_ALL));
}

void virtio_mmio_config_changed(struct virtio_mmio *vm)
{
	vm->config_generation++;
	if (vm->status & VIRTIO_STATUS_DRIVER_OK)
		virtio_mmio_interrupt(vm, VIRTIO_INT_CONFIG_CHANGE);
}

void virtio_mmio_needs_reset(struct virtio_mmio *vm)
{
	vm->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	vm->needs_reset_events++;
	/* The spec's way to make a running driver look at the status. */
	if (vm->status & VIRTIO_STATUS_DRIVER_OK)
		virtio_mmio_interrupt(vm, VIRTIO_INT_CONFIG_CHANGE);
}

bool virtio_mmio_has_feature(const struct virtio_mmio *vm, unsigned bit)
{
	if (bit >= 64)
		return false;
	return (vm->driver_features & vm->device_features & VIRTIO_BIT(bit)) != 0;
}

bool virtio_mmio_live(const struct virtio_mmio *vm)
{
	return (vm->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(vm->status & (VIRTIO_STATUS_DEVICE_NEEDS_RESET | VIRTIO_STATUS_FAILED));
}

/* ---- Configuration space ---- */

static bool config_access_ok(unsigned size, uint64_t cfg_off)
{
	if (size != 1 && size != 2 && size != 4)
		return false;
	return (cfg_off & (size - 1)) == 0;
}

/* Whether [cfg_off, cfg_off + size) lies wholly in the device's config space. */
static bool config_in_range(const struct virtio_mmio *vm, uint64_t cfg_off, unsigned size)
{
	return size <= vm->config_size && cfg_off <= vm->config_size - size;
}

static uint32_t size_mask(unsigned size)
{
	return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static int config_read(struct virtio_mmio *vm, uint64_t cfg_off, unsigned size, uint64_t *val)
{
	if (!config_access_ok(size, cfg_off))
		return -1;
	if (config_in_range(vm, cfg_off, size) && vm->ops && vm->ops->config_read)
		*val = vm->ops->config_read(vm, (uint32_t)cfg_off, size) & size_mask(size);
	return 0;
}

static int config_write(struct virtio_mmio *vm, uint64_t cfg_off, unsigned size, uint64_t val)
{
	if (!config_access_ok(size, cfg_off))
		return -1;
	if (config_in_range(vm, cfg_off, size) && vm->ops && vm->ops->config_write)
		vm->ops->config_write(vm, (uint32_t)cfg_off, size, (uint32_t)val & size_mask(size));
	return 0;
}

/* ---- Registers ---- */

static uint32_t read_reg(struct virtio_mmio *vm, uint32_t off)
{
	struct virtio_mmio_queue *q = selected_queue(vm);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_MODERN;
	case VIRTIO_MMIO_DEVICE_ID:
		return vm->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR_MANTLE;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (vm->device_features_sel == 0)
			return (uint32_t)vm->device_features;
		if (vm->device_features_sel == 1)
			return (uint32_t)(vm->device_features >> 32);
		return 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? q->num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q && q->vq.ready ? 1 : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return vm->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return vm->status;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		return q ? q->desc_lo : 0;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		return q ? q->desc_hi : 0;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		return q ? q->driver_lo : 0;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		return q ? q->driver_hi : 0;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		return q ? q->device_lo : 0;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		return q ? q->device_hi : 0;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
		/* A length of -1: the selected shared memory region does not exist (none do). */
		return 0xffffffffu;
	case VIRTIO_MMIO_QUEUE_RESET:
		return 0;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return vm->config_generation;
	default:
		/* Write-only and reserved registers. */
		return 0;
	}
}

/* The driver wants features: only what was offered, and never the legacy interface. */
static bool features_acceptable(const struct virtio_mmio *vm)
{
	if (vm->driver_features & ~vm->device_features)
		return false;
	return (vm->driver_features & VIRTIO_BIT(VIRTIO_F_VERSION_1)) != 0;
}

static void write_status(struct virtio_mmio *vm, uint32_t val)
{
	uint32_t old = vm->status & VIRTIO_STATUS_DRIVER_BITS;
	uint32_t new;

	if (val == 0) {
		virtio_mmio_reset(vm);
		return;
	}
	/* Bits outside the status byte, or outside what a driver may set, are ignored. */
	new = val & VIRTIO_STATUS_DRIVER_BITS;
	if ((new & old) != old)
		return;

	if ((new & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
	    !features_acceptable(vm))
		new &= ~VIRTIO_STATUS_FEATURES_OK;   /* the driver reads it back to see the refusal */
	if (!(new & VIRTIO_STATUS_FEATURES_OK))
		new &= ~VIRTIO_STATUS_DRIVER_OK;

	vm->status = new | (vm->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);

	if ((new & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK) &&
	    virtio_mmio_live(vm) && vm->ops && vm->ops->driver_ok)
		vm->ops->driver_ok(vm);
}

static void write_driver_features(struct virtio_mmio *vm, uint32_t val)
{
	/* Once accepted, the negotiated set is fixed until reset. */
	if (vm->status & VIRTIO_STATUS_FEATURES_OK)
		return;
	if (vm->driver_features_sel == 0)
		vm->driver_features = (vm->driver_features & 0xffffffff00000000ull) | val;
	else if (vm->driver_features_sel == 1)
		vm->driver_features = (vm->driver_features & 0xffffffffull) | ((uint64_t)val << 32);
}

static void queue_enable(struct virtio_mmio *vm, struct virtio_mmio_queue *q)
{
	struct virtqueue *vq = &q->vq;
	uint16_t num = vq->num;

	if (vq->ready)
		return;
	if (!(vm->status & VIRTIO_STATUS_FEATURES_OK))
		return;

	vq_reset(vq);
	vq->num = num;
	vq->desc_gpa = ((uint64_t)q->desc_hi << 32) | q->desc_lo;
	vq->avail_gpa = ((uint64_t)q->driver_hi << 32) | q->driver_lo;
	vq->used_gpa = ((uint64_t)q->device_hi << 32) | q->device_lo;
	vq->event_idx = virtio_mmio_has_feature(vm, VIRTIO_F_EVENT_IDX);
	vq->indirect = virtio_mmio_has_feature(vm, VIRTIO_F_INDIRECT_DESC);

	/* num == 0: the driver never gave a valid QueueNum; no map: Mantle gave no RAM view. */
	if (num == 0 || !vm->mem.map || vq_init(vq, &vm->mem) != 0) {
		vq->ready = false;
		virtio_mmio_needs_reset(vm);
	}
}

static void write_queue_ready(struct virtio_mmio *vm, struct virtio_mmio_queue *q, uint32_t val)
{
	if (val == 1)
		queue_enable(vm, q);
	else if (val == 0)
		queue_stop(q);
}

static void write_queue_num(struct virtio_mmio_queue *q, uint32_t val)
{
	if (q->vq.ready)
		return;
	q->vq.num = is_pow2(val) && val <= q->num_max ? (uint16_t)val : 0;
}

/* The driver may only move the rings of a queue that is not in use. */
static void write_queue_addr(struct virtio_mmio_queue *q, uint32_t *reg, uint32_t val)
{
	if (!q->vq.ready)
		*reg = val;
}

static void write_queue_notify(struct virtio_mmio *vm, uint32_t val)
{
	unsigned index = val;

	if (virtio_mmio_has_feature(vm, VIRTIO_MMIO_F_NOTIFICATION_DATA))
		index = val & 0xffff;
	if (index >= vm->nr_queues || !vm->queues[index].vq.ready || !virtio_mmio_live(vm))
		return;
	vm->notifies++;
	if (vm->ops && vm->ops->queue_notify)
		vm->ops->queue_notify(vm, index);
}

static void write_reg(struct virtio_mmio *vm, uint32_t off, uint32_t val)
{
	struct virtio_mmio_queue *q = selected_queue(vm);

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		vm->device_features_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		write_driver_features(vm, val);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		vm->driver_features_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		vm->queue_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (q)
			write_queue_num(q, val);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (q)
			write_queue_ready(vm, q, val);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		write_queue_notify(vm, val);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		set_interrupt_status(vm, vm->interrupt_status & ~val);
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(vm, val);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		if (q)
			write_queue_addr(q, &q->desc_lo, val);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (q)
			write_queue_addr(q, &q->desc_hi, val);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		if (q)
			write_queue_addr(q, &q->driver_lo, val);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		if (q)
			write_queue_addr(q, &q->driver_hi, val);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		if (q)
			write_queue_addr(q, &q->device_lo, val);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		if (q)
			write_queue_addr(q, &q->device_hi, val);
		break;
	default:
		/*
		 * Read-only registers, SHMSel (no regions) and QueueReset
		 * (VIRTIO_F_RING_RESET is not offered): nothing to do.
		 */
		break;
	}
}

static bool reg_access_ok(uint64_t off, unsigned size)
{
	return size == 4 && (off & 3) == 0;
}

int virtio_mmio_read(struct virtio_mmio *vm, uint64_t off, unsigned size, uint64_t *val)
{
	*val = 0;
	if (off >= VIRTIO_MMIO_CONFIG)
		return config_read(vm, off - VIRTIO_MMIO_CONFIG, size, val);
	if (!reg_access_ok(off, size))
		return -1;
	*val = read_reg(vm, (uint32_t)off);
	return 0;
}

int virtio_mmio_write(struct virtio_mmio *vm, uint64_t off, unsigned size, uint64_t val)
{
	if (off >= VIRTIO_MMIO_CONFIG)
		return config_write(vm, off - VIRTIO_MMIO_CONFIG, size, val);
	if (!reg_access_ok(off, size))
		return -1;
	write_reg(vm, (uint32_t)off, (uint32_t)val);
	return 0;
}
