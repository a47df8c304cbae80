/*
 * Fuzzes the virtio-mmio transport (emulators/virtio/virtio_mmio.c) through
 * its register window, with a fake device type behind it that serves its
 * queues as virtio_emu.c does (pop, write the writable part, push, interrupt
 * once per batch). The driver writes any register with any value and
 * rewrites guest RAM between steps; the transport must keep its promises
 * (virtio_mmio.h): the line follows InterruptStatus, DRIVER_OK needs
 * FEATURES_OK, features stay within what was offered, the device type is
 * called only for live, ready queues and for config bytes it has.
 *
 * Input: device id, queue count and sizes, config size, offered features,
 * the RAM image length and image, then operations until the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "virtio/virtio_mmio.h"
#include "guest_ram.h"
#include "fuzz.h"

#define DEVICE_PAGE 0x1000        /* the device's guest-physical window: one page */
#define BATCH       8             /* chains per serve, like the backend's budget */

enum op { OP_READ, OP_WRITE, OP_PUBLISH, OP_GUEST_WRITE, OP_SERVE, OP_DEVICE_EVENT, OP_RESET, NR_OPS };

static struct virtio_mmio vm;
static struct vq_chain chain;
static int dev_cookie;
static uint8_t *config;           /* exactly config_size bytes, so a stray access is an ASan report */
static bool line;
static unsigned driver_oks, resets;

static void set_irq(void *ctx, bool level)
{
	FUZZ_CHECK(ctx == &vm);
	FUZZ_CHECK(level != line);          /* only changes are reported */
	line = level;
}

static uint32_t config_read(struct virtio_mmio *m, uint32_t off, unsigned size)
{
	uint32_t v = 0;

	FUZZ_CHECK(m == &vm && (size == 1 || size == 2 || size == 4) && off % size == 0);
	FUZZ_CHECK(size <= m->config_size && off <= m->config_size - size);
	memcpy(&v, config + off, size);
	return v;
}

static void config_write(struct virtio_mmio *m, uint32_t off, unsigned size, uint32_t val)
{
	FUZZ_CHECK(m == &vm && (size == 1 || size == 2 || size == 4) && off % size == 0);
	FUZZ_CHECK(size <= m->config_size && off <= m->config_size - size);
	FUZZ_CHECK(size == 4 || val >> (8 * size) == 0);
	memcpy(config + off, &val, size);
}

/* The backend: serve what is available, as virtio_emu_serve does. */
static void serve(unsigned q)
{
	struct virtqueue *vq;
	unsigned served = 0;
	uint8_t reply[64];

	if (q >= vm.nr_queues || !virtio_mmio_live(&vm) || !vm.queues[q].vq.ready)
		return;
	vq = &vm.queues[q].vq;
	memset(reply, 0xc3, sizeof(reply));
	while (served < BATCH) {
		int r = vq_pop(vq, &vm.mem, &chain);

		if (r == 0) {
			vq_enable_notify(vq);
			r = vq_pop(vq, &vm.mem, &chain);
		}
		if (r < 0) {
			virtio_mmio_needs_reset(&vm);
			FUZZ_CHECK(!virtio_mmio_live(&vm));
			break;
		}
		if (r == 0)
			break;
		if (served++ == 0)
			vq_disable_notify(vq);
		FUZZ_CHECK(vq_push(vq, chain.head,
				   (uint32_t)vq_chain_write(&chain, 0, reply, sizeof(reply))) == 0);
	}
	if (served && vq_should_interrupt(vq))
		virtio_mmio_interrupt(&vm, VIRTIO_INT_USED_BUFFER);
}

static void queue_notify(struct virtio_mmio *m, unsigned q)
{
	FUZZ_CHECK(m == &vm && q < m->nr_queues && m->queues[q].vq.ready && virtio_mmio_live(m));
	serve(q);
}

static void reset(struct virtio_mmio *m)
{
	FUZZ_CHECK(m == &vm && m->status == 0 && m->interrupt_status == 0);
	for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
		FUZZ_CHECK(!m->queues[q].vq.ready);
	/* The queues are gone: nothing the device mapped is its to touch any more. */
	guest_ram_forget_maps();
	resets++;
}

static void driver_ok(struct virtio_mmio *m)
{
	FUZZ_CHECK(m == &vm && virtio_mmio_live(m));
	driver_oks++;
}

static const struct virtio_device_ops dev_ops = {
	.config_read = config_read,
	.config_write = config_write,
	.queue_notify = queue_notify,
	.reset = reset,
	.driver_ok = driver_ok,
};

/* What must hold between any two steps. */
static void check_transport(void)
{
	uint32_t st = vm.status;

	FUZZ_CHECK(line == (vm.interrupt_status != 0));
	FUZZ_CHECK((vm.interrupt_status & ~(VIRTIO_INT_USED_BUFFER | VIRTIO_INT_CONFIG_CHANGE)) == 0);
	if (st & VIRTIO_STATUS_DRIVER_OK)
		FUZZ_CHECK(st & VIRTIO_STATUS_FEATURES_OK);
	if (st & VIRTIO_STATUS_FEATURES_OK) {
		FUZZ_CHECK((vm.driver_features & ~vm.device_features) == 0);
		FUZZ_CHECK(vm.driver_features & VIRTIO_BIT(VIRTIO_F_VERSION_1));
	}
	for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++) {
		const struct virtio_mmio_queue *mq = &vm.queues[q];

		if (!mq->vq.ready)
			continue;
		FUZZ_CHECK(q < vm.nr_queues && (st & VIRTIO_STATUS_FEATURES_OK));
		FUZZ_CHECK(mq->vq.num && (mq->vq.num & (mq->vq.num - 1)) == 0 && mq->vq.num <= mq->num_max);
		FUZZ_CHECK(mq->vq.desc_gpa == (((uint64_t)mq->desc_hi << 32) | mq->desc_lo));
	}
}

static void guest_read(uint64_t off, unsigned size)
{
	uint64_t val = 0x1234;
	int r = virtio_mmio_read(&vm, off, size, &val);

	if (r < 0) {
		FUZZ_CHECK(val == 0);
		return;
	}
	FUZZ_CHECK(r == 0 && size != 8);
	FUZZ_CHECK(val >> (8 * size) == 0);
	if (off < VIRTIO_MMIO_CONFIG)
		FUZZ_CHECK(size == 4 && off % 4 == 0);
	if (off == VIRTIO_MMIO_MAGIC_VALUE)
		FUZZ_CHECK(val == VIRTIO_MMIO_MAGIC);
	if (off == VIRTIO_MMIO_STATUS)
		FUZZ_CHECK(val == vm.status);
}

/* The driver publishes a head on queue q: ring slot, then avail->idx. */
static void publish(struct fuzz_input *in)
{
	const struct virtio_mmio_queue *mq = &vm.queues[fuzz_u8(in) % VIRTIO_MMIO_MAX_QUEUES];
	uint64_t avail = ((uint64_t)mq->driver_hi << 32) | mq->driver_lo;
	uint16_t head = fuzz_u16(in), idx;
	unsigned nslots = mq->vq.num ? mq->vq.num : 1;

	if (avail < GUEST_RAM_BASE)
		return;
	avail -= GUEST_RAM_BASE;
	idx = (uint16_t)guest_ram_read(avail + 2, 2);
	guest_ram_write(avail + 4 + 2 * (idx % nslots), head, 2);
	guest_ram_write(avail + 2, (uint16_t)(idx + 1), 2);
}

static void step(struct fuzz_input *in)
{
	uint64_t off;
	unsigned size;

	switch (fuzz_u8(in) % NR_OPS) {
	case OP_READ:
		off = fuzz_u16(in) % DEVICE_PAGE;
		guest_read(off, fuzz_access_size(in));
		break;
	case OP_WRITE:
		off = fuzz_u16(in) % DEVICE_PAGE;
		size = fuzz_access_size(in);
		if (virtio_mmio_write(&vm, off, size, fuzz_u32(in)) < 0)
			FUZZ_CHECK(size != 4 || off % 4 || off >= VIRTIO_MMIO_CONFIG);
		break;
	case OP_PUBLISH:
		publish(in);
		break;
	case OP_GUEST_WRITE:
		off = fuzz_u16(in);
		size = fuzz_access_size(in);
		guest_ram_write(off, fuzz_u64(in), size);
		break;
	case OP_SERVE:
		serve(fuzz_u8(in) % (VIRTIO_MMIO_MAX_QUEUES + 1));
		break;
	case OP_DEVICE_EVENT:
		switch (fuzz_u8(in) % 3) {
		case 0: virtio_mmio_interrupt(&vm, fuzz_u32(in)); break;
		case 1: virtio_mmio_config_changed(&vm); break;
		case 2: virtio_mmio_needs_reset(&vm); break;
		}
		break;
	case OP_RESET:
		virtio_mmio_reset(&vm);
		break;
	}
	check_transport();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = fuzz_input(data, size);
	uint16_t queue_sizes[VIRTIO_MMIO_MAX_QUEUES + 1];
	uint32_t device_id = fuzz_u8(&in), config_size;
	unsigned nr_queues = fuzz_u8(&in) % (VIRTIO_MMIO_MAX_QUEUES + 2);
	uint64_t features;
	uint16_t image_len;

	for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES + 1; q++)
		queue_sizes[q] = fuzz_u16(&in);
	config_size = fuzz_u16(&in) % 0x200;
	features = fuzz_u64(&in);
	image_len = fuzz_u16(&in);
	if (image_len > in.left)
		image_len = (uint16_t)in.left;
	guest_ram_init(in.data, image_len);
	in.data += image_len;
	in.left -= image_len;
	config = malloc(config_size ? config_size : 1);
	FUZZ_CHECK(config);
	memset(config, 0x3c, config_size);

	line = false;
	driver_oks = resets = 0;
	virtio_mmio_init(&vm, device_id, features, queue_sizes, nr_queues, config_size, &dev_ops, &dev_cookie,
			 &guest_ram_view, set_irq, &vm);
	FUZZ_CHECK(vm.nr_queues <= VIRTIO_MMIO_MAX_QUEUES && vm.status == 0 && resets == 0);
	check_transport();
	while (!fuzz_done(&in))
		step(&in);
	free(config);
	guest_ram_free();
	return 0;
}
