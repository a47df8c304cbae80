/*
 * virtio-blk requests, independent of the transport: one chain in, the
 * status byte and any read data out, through a block backend. The chain's
 * contents come from the guest and are checked before anything reaches the
 * backend; the guest sees only its own sector range of it.
 */
#ifndef EMULATORS_VIRTIO_BLK_REQ_H
#define EMULATORS_VIRTIO_BLK_REQ_H
#include <stdbool.h>
#include <stdint.h>
#include <mantle/blkdev.h>
#include "virtqueue.h"

/* At most this many discard ranges in one request (the device's max_discard_seg). */
#define VBLK_MAX_DISCARD_SEGS 16

struct vblk_target {
	struct blkdev *bd;
	uint64_t start, count;               /* the guest's range on bd, in sectors */
	bool read_only;
	char id[VIRTIO_BLK_ID_BYTES];        /* GET_ID answer, NUL-padded */
};

/*
 * Carry out the request in c and write its status into the last writable
 * byte. Returns the bytes to report in the used ring (read data + the
 * status byte; 1 for any failed request), or 0 when the chain has no
 * writable byte for the status, in which case nothing was done.
 */
uint32_t vblk_handle(const struct vblk_target *t, const struct vq_chain *c);

#endif
