/*
 * The shared half of Mantle's virtio-mmio devices: transport under a lock,
 * guest RAM as a memview, interrupt line, and the backend thread that
 * serves the queues (see virtio_emu.h).
 */
#include <stdio.h>
#include <string.h>
#include <mantle/emulator.h>
#include <mantle/guest.h>
#include <mantle/heap.h>
#include <mantle/log.h>
#include <mantle/sched.h>
#include <mantle/timer.h>
#include <mantle/vcpu.h>
#include <vgic/vgic_emu.h>
#include "virtio_emu.h"

#define BACKEND_SLICE_NS     1000000ULL
#define STOP_TIMEOUT_NS      5000000000ULL
#define MALFORMED_LOG_LIMIT  4

/* Guest RAM only: a device never reads or writes the guest's ROM, devices or another guest. */
static void *map_guest_ram(void *ctx, uint64_t gpa, uint64_t len)
{
	return guest_ram_to_host(ctx, gpa, len);
}

static void set_irq_line(void *ctx, bool level)
{
	struct virtio_emu *ve = ctx;

	guest_vgic_set_line(ve->guest, 0, ve->dev->irq, level);
}

uint32_t virtio_config_bytes(const uint8_t *cfg, size_t len, uint32_t off, unsigned size)
{
	uint32_t v = 0;

	if (off >= len || size > len - off)
		return 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

void virtio_emu_kick(struct virtio_emu *ve, unsigned bit)
{
	__atomic_or_fetch(&ve->work, 1u << bit, __ATOMIC_RELEASE);
	sched_wake(ve->backend);
}

/* ---- transport callbacks (ve->lock held) ---- */

static struct virtio_emu *ve_of(struct virtio_mmio *vm)
{
	return (struct virtio_emu *)vm->dev;
}

static uint32_t cb_config_read(struct virtio_mmio *vm, uint32_t off, unsigned size)
{
	struct virtio_emu *ve = ve_of(vm);

	return ve->type->config_read ? ve->type->config_read(ve, off, size) : 0;
}

static void cb_config_write(struct virtio_mmio *vm, uint32_t off, unsigned size, uint32_t val)
{
	struct virtio_emu *ve = ve_of(vm);

	if (ve->type->config_write)
		ve->type->config_write(ve, off, size, val);
}

static void cb_queue_notify(struct virtio_mmio *vm, unsigned q)
{
	virtio_emu_kick(ve_of(vm), q);
}

static void cb_reset(struct virtio_mmio *vm)
{
	struct virtio_emu *ve = ve_of(vm);

	ve->generation++;
	if (ve->type->reset)
		ve->type->reset(ve);
}

static void cb_driver_ok(struct virtio_mmio *vm)
{
	/* Receive queues may have waited for the driver: let the backend look. */
	virtio_emu_kick(ve_of(vm), VIRTIO_EMU_WORK_INPUT);
}

static const struct virtio_device_ops transport_ops = {
	.config_read = cb_config_read,
	.config_write = cb_config_write,
	.queue_notify = cb_queue_notify,
	.reset = cb_reset,
	.driver_ok = cb_driver_ok,
};

/* ---- requests ---- */

static void queue_broken(struct virtio_emu *ve, unsigned q)
{
	ve->malformed++;
	virtio_mmio_needs_reset(&ve->vm);
	if (ve->malformed <= MALFORMED_LOG_LIMIT)
		pr_warn("guest %s: %s: malformed virtqueue %u: the device needs a reset%s",
			ve->guest->name, ve->dev->name, q,
			ve->malformed == MALFORMED_LOG_LIMIT ? " (further messages suppressed)" : "");
}

int virtio_emu_pop(struct virtio_emu *ve, unsigned q, uint32_t *gen)
{
	irqflags_t f = spin_lock_irqsave(&ve->lock);
	struct virtqueue *vq = &ve->vm.queues[q].vq;
	int r = 0;

	if (q < ve->vm.nr_queues && virtio_mmio_live(&ve->vm) && vq->ready) {
		r = vq_pop(vq, &ve->vm.mem, &ve->chain);
		if (r == 0) {
			/* Out of buffers: ask for a notification when the driver adds some, then look again. */
			vq_enable_notify(vq);
			r = vq_pop(vq, &ve->vm.mem, &ve->chain);
		}
		if (r < 0)
			queue_broken(ve, q);
		*gen = ve->generation;
	}
	spin_unlock_irqrestore(&ve->lock, f);
	return r;
}

void virtio_emu_push(struct virtio_emu *ve, unsigned q, uint16_t head, uint32_t len, uint32_t gen)
{
	irqflags_t f = spin_lock_irqsave(&ve->lock);

	/* A reset since the chain was taken makes its head meaningless. */
	if (gen == ve->generation && ve->vm.queues[q].vq.ready) {
		vq_push(&ve->vm.queues[q].vq, head, len);
		ve->requests++;
	}
	spin_unlock_irqrestore(&ve->lock, f);
}

void virtio_emu_batch_done(struct virtio_emu *ve, unsigned q)
{
	irqflags_t f = spin_lock_irqsave(&ve->lock);
	struct virtqueue *vq = &ve->vm.queues[q].vq;

	if (vq->ready && virtio_mmio_live(&ve->vm) && vq_should_interrupt(vq)) {
		virtio_mmio_interrupt(&ve->vm, VIRTIO_INT_USED_BUFFER);
		ve->batches++;
	}
	spin_unlock_irqrestore(&ve->lock, f);
}

void virtio_emu_serve(struct virtio_emu *ve, unsigned q, unsigned budget,
		      uint32_t (*handle)(struct virtio_emu *ve, struct vq_chain *c))
{
	unsigned served = 0;
	uint32_t gen;

	for (;;) {
		int r = virtio_emu_pop(ve, q, &gen);

		/* Empty (pop has re-armed notifications and looked once more) or broken. */
		if (r <= 0)
			break;
		if (served == 0) {
			irqflags_t f = spin_lock_irqsave(&ve->lock);
			vq_disable_notify(&ve->vm.queues[q].vq);
			spin_unlock_irqrestore(&ve->lock, f);
		}
		virtio_emu_push(ve, q, ve->chain.head, handle(ve, &ve->chain), gen);
		if (++served >= budget) {
			virtio_emu_kick(ve, q);     /* the rest in the next round, after other work */
			break;
		}
	}
	if (served)
		virtio_emu_batch_done(ve, q);
}

/* ---- the backend thread ---- */

static void backend_main(void *arg)
{
	struct virtio_emu *ve = arg;

	while (!ve->stopping) {
		uint32_t work = __atomic_exchange_n(&ve->work, 0, __ATOMIC_ACQ_REL);

		if (!work) {
			sched_block();
			continue;
		}
		for (unsigned bit = 0; bit < 32 && !ve->stopping; bit++)
			if (work & (1u << bit))
				ve->type->work(ve, bit);
	}
}

/* ---- emu_device ops ---- */

static int ve_read(struct emu_device *d, uint64_t off, unsigned size, uint64_t *val)
{
	struct virtio_emu *ve = d->priv;
	irqflags_t f = spin_lock_irqsave(&ve->lock);
	int r = virtio_mmio_read(&ve->vm, off, size, val);

	spin_unlock_irqrestore(&ve->lock, f);
	return r;
}

static int ve_write(struct emu_device *d, uint64_t off, unsigned size, uint64_t val)
{
	struct virtio_emu *ve = d->priv;
	irqflags_t f = spin_lock_irqsave(&ve->lock);
	int r = virtio_mmio_write(&ve->vm, off, size, val);

	spin_unlock_irqrestore(&ve->lock, f);
	return r;
}

static void ve_reset(struct emu_device *d)
{
	struct virtio_emu *ve = d->priv;
	irqflags_t f = spin_lock_irqsave(&ve->lock);

	virtio_mmio_reset(&ve->vm);
	spin_unlock_irqrestore(&ve->lock, f);
}

static void stop_backend(struct virtio_emu *ve)
{
	uint64_t deadline = timer_now_ns() + STOP_TIMEOUT_NS;

	ve->stopping = 1;
	for (;;) {
		sched_wake(ve->backend);
		if (vcpu_exited(ve->backend))
			break;
		if (timer_now_ns() > deadline) {
			/* Leaking it is safer than freeing a stack that may still run. */
			pr_err("guest %s: %s: backend did not stop", ve->guest->name, ve->dev->name);
			ve->backend = NULL;
			return;
		}
		sched_sleep_ns(1000000);
	}
	vcpu_free(ve->backend);
	ve->backend = NULL;
}

static void ve_destroy(struct emu_device *d)
{
	struct virtio_emu *ve = d->priv;

	if (ve->backend)
		stop_backend(ve);
	if (ve->type->teardown)
		ve->type->teardown(ve);
	heap_free(ve);
	d->priv = NULL;
}

const char *virtio_emu_status_name(const struct virtio_emu *ve)
{
	uint32_t s = ve->vm.status;

	if (s & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		return "needs-reset";
	if (s & VIRTIO_STATUS_FAILED)
		return "failed";
	if (s & VIRTIO_STATUS_DRIVER_OK)
		return "live";
	if (s & VIRTIO_STATUS_FEATURES_OK)
		return "features-ok";
	if (s & (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER))
		return "probing";
	return "reset";
}

static void ve_describe(struct emu_device *d, char *buf, unsigned long len)
{
	struct virtio_emu *ve = d->priv;
	int n = snprintf(buf, len, "%s %s, %llu requests, %llu interrupts", ve->type->kind,
			 virtio_emu_status_name(ve), (unsigned long long)ve->requests,
			 (unsigned long long)ve->batches);

	if (n > 0 && (unsigned long)n < len && ve->type->describe) {
		buf[n++] = ',';
		if ((unsigned long)n < len - 1) {
			buf[n++] = ' ';
			buf[n] = '\0';
			ve->type->describe(ve, buf + n, len - n);
		}
	}
}

static const struct emu_ops virtio_emu_ops = {
	.read = ve_read,
	.write = ve_write,
	.reset = ve_reset,
	.destroy = ve_destroy,
	.describe = ve_describe,
};

struct virtio_emu *virtio_emu_of(struct emu_device *d)
{
	return d->ops == &virtio_emu_ops ? d->priv : NULL;
}

int virtio_emu_create(struct guest *g, struct emu_device *d, const struct guest_dev_config *cfg,
		      const struct virtio_emu_type *type, char *err, unsigned long errlen)
{
	struct virtio_emu *ve = heap_zalloc(sizeof(*ve));
	uint16_t sizes[VIRTIO_MMIO_MAX_QUEUES];
	struct vq_memview mem = { map_guest_ram, g };
	char name[32];

	if (!ve) {
		snprintf(err, errlen, "out of hypervisor memory");
		return -1;
	}
	if (!d->irq) {
		snprintf(err, errlen, "a virtio device needs an interrupt");
		heap_free(ve);
		return -1;
	}
	spin_init(&ve->lock);
	ve->type = type;
	ve->dev = d;
	ve->guest = g;
	if (type->setup(ve, cfg, err, errlen)) {
		heap_free(ve);
		return -1;
	}
	for (unsigned i = 0; i < type->nr_queues; i++)
		sizes[i] = type->queue_size;
	virtio_mmio_init(&ve->vm, type->device_id, ve->device_features, sizes, type->nr_queues,
			 type->config_size, &transport_ops, ve, &mem, set_irq_line, ve);
	/* Beside the guest's boot vCPU, above guest vCPUs: a kick runs it at the next exit. */
	snprintf(name, sizeof(name), "%s/%s", g->name, cfg->name);
	ve->backend = vcpu_create_orphan(name, g->cfg.vcpus[0].pcpu, SCHED_PRIO_DEFAULT + 1,
					 BACKEND_SLICE_NS, backend_main, ve);
	if (!ve->backend) {
		snprintf(err, errlen, "cannot start its backend thread on CPU %u", g->cfg.vcpus[0].pcpu);
		if (type->teardown)
			type->teardown(ve);
		heap_free(ve);
		return -1;
	}
	d->ops = &virtio_emu_ops;
	d->priv = ve;
	return 0;
}
