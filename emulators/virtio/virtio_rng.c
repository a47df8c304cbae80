/* virtio-rng: every buffer the guest offers comes back full of the host's entropy. */
#include <mantle/emulator.h>
#include <mantle/entropy.h>
#include "virtio_emu.h"

#define RNG_QUEUE_SIZE      64
#define RNG_REQUEST_MAX     65536      /* bytes per request: bounds the time one buffer costs */

static int rng_setup(struct virtio_emu *ve, const struct guest_dev_config *cfg, char *err, size_t errlen)
{
	ve->device_features = 0;
	return 0;
}

static uint32_t rng_fill(struct virtio_emu *ve, struct vq_chain *c)
{
	uint32_t done = 0;

	for (unsigned i = c->nr_out; i < c->nr_out + c->nr_in && done < RNG_REQUEST_MAX; i++) {
		uint32_t n = c->seg[i].len;
		if (n > RNG_REQUEST_MAX - done)
			n = RNG_REQUEST_MAX - done;
		entropy_fill(c->seg[i].ptr, n);
		done += n;
	}
	return done;
}

static void rng_work(struct virtio_emu *ve, unsigned q)
{
	if (q == 0)
		virtio_emu_serve(ve, 0, 16, rng_fill);
}

static const struct virtio_emu_type rng_type = {
	.kind = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.queue_size = RNG_QUEUE_SIZE,
	.config_size = 0,
	.setup = rng_setup,
	.work = rng_work,
};

VIRTIO_EMULATOR_REGISTER(rng_type, "mantle,virtio-rng");
