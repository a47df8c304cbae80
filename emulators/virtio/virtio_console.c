/*
 * virtio-console with one port: a guest console beside (or instead of) the
 * PL011, reached from the shell as "GUEST/NODE" with `vserial bind` like any
 * other serial port.
 */
#include <stdio.h>
#include <mantle/emulator.h>
#include <mantle/guest.h>
#include <mantle/heap.h>
#include <mantle/vserial.h>
#include "virtio_emu.h"

#define CONSOLE_QUEUE_SIZE  64
#define QUEUE_RX            0      /* receiveq(port0): host to guest */
#define QUEUE_TX            1      /* transmitq(port0): guest to host */
#define TX_REQUEST_MAX      4096   /* bytes taken from one buffer */

struct vconsole {
	struct vserial *port;
	uint64_t rx_bytes, tx_bytes;
};

static void input_arrived(void *ctx)
{
	virtio_emu_kick(ctx, VIRTIO_EMU_WORK_INPUT);
}

static int console_setup(struct virtio_emu *ve, const struct guest_dev_config *cfg, char *err, size_t errlen)
{
	struct vconsole *vc = heap_zalloc(sizeof(*vc));
	char name[VSERIAL_NAME_MAX];

	if (!vc) {
		snprintf(err, errlen, "out of hypervisor memory");
		return -1;
	}
	snprintf(name, sizeof(name), "%s/%s", ve->guest->name, cfg->name);
	vc->port = vserial_create(name);
	if (!vc->port) {
		snprintf(err, errlen, "cannot create serial port %s", name);
		heap_free(vc);
		return -1;
	}
	vserial_set_rx_notify(vc->port, input_arrived, ve);
	ve->state = vc;
	ve->device_features = 0;
	return 0;
}

static uint32_t console_tx(struct virtio_emu *ve, struct vq_chain *c)
{
	struct vconsole *vc = ve->state;
	uint32_t left = TX_REQUEST_MAX;

	for (unsigned i = 0; i < c->nr_out && left; i++) {
		uint32_t n = c->seg[i].len < left ? c->seg[i].len : left;
		for (uint32_t k = 0; k < n; k++)
			vserial_write(vc->port, (char)c->seg[i].ptr[k]);
		vc->tx_bytes += n;
		left -= n;
	}
	return 0;
}

/* Host input into the guest's receive buffers, as long as both last. */
static void console_rx(struct virtio_emu *ve)
{
	struct vconsole *vc = ve->state;
	bool pushed = false;
	uint32_t gen;

	while (vserial_input_pending(vc->port) && virtio_emu_pop(ve, QUEUE_RX, &gen) == 1) {
		struct vq_chain *c = &ve->chain;
		uint32_t written = 0;

		for (unsigned i = c->nr_out; i < c->nr_out + c->nr_in; i++) {
			uint32_t k = 0;
			int ch;
			while (k < c->seg[i].len && (ch = vserial_read(vc->port)) >= 0)
				c->seg[i].ptr[k++] = (uint8_t)ch;
			written += k;
			if (k < c->seg[i].len)
				break;
		}
		vc->rx_bytes += written;
		virtio_emu_push(ve, QUEUE_RX, c->head, written, gen);
		pushed = true;
	}
	if (pushed)
		virtio_emu_batch_done(ve, QUEUE_RX);
}

static void console_work(struct virtio_emu *ve, unsigned q)
{
	if (q == QUEUE_TX)
		virtio_emu_serve(ve, QUEUE_TX, 32, console_tx);
	else if (q == QUEUE_RX || q == VIRTIO_EMU_WORK_INPUT)
		console_rx(ve);
}

static void console_teardown(struct virtio_emu *ve)
{
	struct vconsole *vc = ve->state;

	if (!vc)
		return;
	if (ve->guest->console == vc->port)
		ve->guest->console = NULL;
	vserial_destroy(vc->port);
	heap_free(vc);
}

static void console_describe(struct virtio_emu *ve, char *buf, size_t len)
{
	struct vconsole *vc = ve->state;

	snprintf(buf, len, "port %s, %llu bytes in, %llu out", vserial_name(vc->port),
		 (unsigned long long)vc->rx_bytes, (unsigned long long)vc->tx_bytes);
}

static const struct virtio_emu_type console_type = {
	.kind = "virtio-console",
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.queue_size = CONSOLE_QUEUE_SIZE,
	.config_size = VIRTIO_CONSOLE_CFG_BYTES,
	.setup = console_setup,
	.work = console_work,
	.teardown = console_teardown,
	.describe = console_describe,
};

VIRTIO_EMULATOR_REGISTER(console_type, "mantle,virtio-console");
