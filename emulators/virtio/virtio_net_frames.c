/* virtio-net frames: strip the header on transmit, prepend one on receive. */
#include <string.h>
#include "virtio_net_frames.h"

_Static_assert(sizeof(struct virtio_net_hdr) == VIRTIO_NET_HDR_BYTES, "virtio-net header is 12 bytes");

/* Bytes held by segments [first, first + nr) of c, or 0 if c's segment counts are impossible. */
static uint64_t vnet_part_bytes(const struct vq_chain *c, bool writable)
{
	unsigned first = writable ? c->nr_out : 0;
	unsigned nr = writable ? c->nr_in : c->nr_out;
	uint64_t total = 0;

	if (c->nr_out > VQ_MAX_SEGS || c->nr_in > VQ_MAX_SEGS - c->nr_out)
		return 0;
	for (unsigned i = first; i < first + nr; i++)
		total += c->seg[i].len;
	return total;
}

int vnet_tx_frame(const struct vq_chain *c, uint8_t *buf, size_t bufsize)
{
	uint64_t out_bytes = vnet_part_bytes(c, false);
	uint64_t len;

	if (out_bytes <= VIRTIO_NET_HDR_BYTES)
		return -1;
	len = out_bytes - VIRTIO_NET_HDR_BYTES;
	/* The length comes back as an int. */
	if (len > bufsize || len > INT32_MAX)
		return -1;
	if (vq_chain_read(c, VIRTIO_NET_HDR_BYTES, buf, len) != len)
		return -1;
	return (int)len;
}

int vnet_rx_fill(const struct vq_chain *c, const uint8_t *frame, size_t len)
{
	uint64_t in_bytes = vnet_part_bytes(c, true);
	struct virtio_net_hdr hdr;

	if (len > INT32_MAX - VIRTIO_NET_HDR_BYTES || in_bytes < VIRTIO_NET_HDR_BYTES ||
	    len > in_bytes - VIRTIO_NET_HDR_BYTES)
		return -1;
	memset(&hdr, 0, sizeof(hdr));
	/* Without VIRTIO_NET_F_MRG_RXBUF every frame fits one buffer. */
	hdr.num_buffers = 1;
	if (vq_chain_write(c, 0, &hdr, sizeof(hdr)) != sizeof(hdr) ||
	    vq_chain_write(c, VIRTIO_NET_HDR_BYTES, frame, len) != len)
		return -1;
	return (int)(VIRTIO_NET_HDR_BYTES + len);
}
