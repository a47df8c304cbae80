/*
 * virtio-net: a guest's port on one of Mantle's virtual switches. Frames the
 * guest transmits go into the switch on the device's backend thread; frames
 * the switch delivers are copied into a small per-port queue (the switch
 * never waits for a guest) and moved into the guest's receive buffers by the
 * backend thread, which raises one interrupt per batch.
 */
#include <stdio.h>
#include <string.h>
#include <mantle/emulator.h>
#include <mantle/guest.h>
#include <mantle/heap.h>
#include <mantle/vswitch.h>
#include "virtio_emu.h"
#include "virtio_net_frames.h"

#define NET_QUEUE_SIZE      256
#define QUEUE_RX            0
#define QUEUE_TX            1
#define RX_FRAMES           64     /* frames held for a guest that has no receive buffer ready */
#define TX_BUDGET           64

struct rx_frame {
	uint16_t len;
	uint8_t data[VSWITCH_FRAME_MAX];
};

struct vnet {
	struct vswitch_port port;
	struct virtio_emu *ve;
	uint8_t mac[6];
	spinlock_t rx_lock;            /* the frame queue, between the switch and the backend */
	unsigned rx_head, rx_count;
	unsigned rx_epoch;             /* bumped when a reset empties the queue */
	struct rx_frame rx[RX_FRAMES];
	uint64_t tx_bad, rx_too_small;
	uint8_t tx_buf[VSWITCH_FRAME_MAX];
};

/* From the switch, under its lock, on the sending port's thread. */
static int net_deliver(struct vswitch_port *p, const void *frame, size_t len)
{
	struct vnet *n = p->ctx;
	irqflags_t f = spin_lock_irqsave(&n->rx_lock);
	int r = -1;

	if (n->rx_count < RX_FRAMES && len <= VSWITCH_FRAME_MAX) {
		struct rx_frame *slot = &n->rx[(n->rx_head + n->rx_count) % RX_FRAMES];
		memcpy(slot->data, frame, len);
		slot->len = (uint16_t)len;
		n->rx_count++;
		r = 0;
	}
	spin_unlock_irqrestore(&n->rx_lock, f);
	if (r == 0)
		virtio_emu_kick(n->ve, VIRTIO_EMU_WORK_INPUT);
	return r;
}

/* A stable, locally administered unicast address from the guest and device names. */
static void default_mac(uint8_t mac[6], const char *guest, const char *dev)
{
	uint32_t h = 2166136261u;

	for (const char *s = guest; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (const char *s = dev; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	mac[0] = 0x02;
	mac[1] = 0x4d;      /* 'M' */
	mac[2] = (uint8_t)(h >> 24);
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

static int net_setup(struct virtio_emu *ve, const struct guest_dev_config *cfg, char *err, size_t errlen)
{
	struct vnet *n = heap_zalloc(sizeof(*n));

	if (!n) {
		snprintf(err, errlen, "out of hypervisor memory");
		return -1;
	}
	n->ve = ve;
	spin_init(&n->rx_lock);
	if (cfg->has_mac)
		memcpy(n->mac, cfg->mac, 6);
	else
		default_mac(n->mac, ve->guest->name, cfg->name);
	snprintf(n->port.name, sizeof(n->port.name), "%s/%s", ve->guest->name, cfg->name);
	n->port.deliver = net_deliver;
	n->port.ctx = n;
	if (vswitch_attach(cfg->net_switch, &n->port)) {
		snprintf(err, errlen, "cannot join switch %s (no free switch or port)", cfg->net_switch);
		heap_free(n);
		return -1;
	}
	ve->state = n;
	ve->device_features = VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS);
	return 0;
}

static uint32_t net_config_read(struct virtio_emu *ve, uint32_t off, unsigned size)
{
	struct vnet *n = ve->state;
	uint8_t cfg[VIRTIO_NET_CFG_BYTES] = { 0 };

	memcpy(cfg + VIRTIO_NET_CFG_MAC, n->mac, 6);
	cfg[VIRTIO_NET_CFG_STATUS] = VIRTIO_NET_S_LINK_UP;
	return virtio_config_bytes(cfg, sizeof(cfg), off, size);
}

static uint32_t net_tx(struct virtio_emu *ve, struct vq_chain *c)
{
	struct vnet *n = ve->state;
	int len = vnet_tx_frame(c, n->tx_buf, sizeof(n->tx_buf));

	if (len > 0)
		vswitch_send(&n->port, n->tx_buf, (size_t)len);
	else
		n->tx_bad++;
	return 0;
}

/* Queued frames into receive buffers while both last. */
static void net_rx(struct virtio_emu *ve)
{
	struct vnet *n = ve->state;
	bool pushed = false;
	uint32_t gen;

	for (;;) {
		struct rx_frame *slot;
		irqflags_t f = spin_lock_irqsave(&n->rx_lock);
		unsigned count = n->rx_count, epoch = n->rx_epoch;
		int filled;

		spin_unlock_irqrestore(&n->rx_lock, f);
		if (!count || virtio_emu_pop(ve, QUEUE_RX, &gen) != 1)
			break;
		/* Only this thread removes frames: the head slot stays put while we copy it. */
		slot = &n->rx[n->rx_head];
		filled = vnet_rx_fill(&ve->chain, slot->data, slot->len);
		virtio_emu_push(ve, QUEUE_RX, ve->chain.head, filled < 0 ? 0 : (uint32_t)filled, gen);
		if (filled < 0)
			n->rx_too_small++;
		pushed = true;
		f = spin_lock_irqsave(&n->rx_lock);
		if (n->rx_epoch == epoch && n->rx_count) {
			n->rx_head = (n->rx_head + 1) % RX_FRAMES;
			n->rx_count--;
		}
		spin_unlock_irqrestore(&n->rx_lock, f);
	}
	if (pushed)
		virtio_emu_batch_done(ve, QUEUE_RX);
}

static void net_work(struct virtio_emu *ve, unsigned q)
{
	if (q == QUEUE_TX)
		virtio_emu_serve(ve, QUEUE_TX, TX_BUDGET, net_tx);
	else if (q == QUEUE_RX || q == VIRTIO_EMU_WORK_INPUT)
		net_rx(ve);
}

/* The driver reset the device: frames held for its old buffers go. (ve->lock held.) */
static void net_reset(struct virtio_emu *ve)
{
	struct vnet *n = ve->state;
	irqflags_t f = spin_lock_irqsave(&n->rx_lock);

	n->rx_count = 0;
	n->rx_epoch++;
	spin_unlock_irqrestore(&n->rx_lock, f);
}

static void net_teardown(struct virtio_emu *ve)
{
	struct vnet *n = ve->state;

	if (!n)
		return;
	vswitch_detach(&n->port);
	heap_free(n);
}

static void net_describe(struct virtio_emu *ve, char *buf, size_t len)
{
	struct vnet *n = ve->state;

	snprintf(buf, len, "switch %s, mac %02x:%02x:%02x:%02x:%02x:%02x",
		 n->port.sw ? n->port.sw->name : "-", n->mac[0], n->mac[1], n->mac[2], n->mac[3],
		 n->mac[4], n->mac[5]);
}

static const struct virtio_emu_type net_type = {
	.kind = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.nr_queues = 2,
	.queue_size = NET_QUEUE_SIZE,
	.config_size = VIRTIO_NET_CFG_BYTES,
	.setup = net_setup,
	.work = net_work,
	.config_read = net_config_read,
	.reset = net_reset,
	.teardown = net_teardown,
	.describe = net_describe,
};

VIRTIO_EMULATOR_REGISTER(net_type, "mantle,virtio-net");
