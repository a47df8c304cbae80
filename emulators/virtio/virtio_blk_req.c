/*
 * virtio-blk request handling. A request is a header (type, sector) at the
 * start of the readable part, then the data of a write or the ranges of a
 * discard; the writable part holds the data of a read or an ID, and ends
 * with the status byte. The guest may cut any of this into segments of any
 * size, so nothing assumes where a segment boundary falls.
 */
#include <string.h>
#include "virtio_blk_req.h"

#define VBLK_HDR_BYTES   sizeof(struct virtio_blk_req_hdr)
#define VBLK_RANGE_BYTES sizeof(struct virtio_blk_discard)

_Static_assert(sizeof(struct virtio_blk_req_hdr) == 16, "virtio-blk header is 16 bytes");
_Static_assert(sizeof(struct virtio_blk_discard) == 16, "virtio-blk discard range is 16 bytes");

/* Bytes held by segments [first, first + nr) of c. */
static uint64_t vblk_segs_bytes(const struct vq_chain *c, unsigned first, unsigned nr)
{
	uint64_t total = 0;

	for (unsigned i = first; i < first + nr; i++)
		total += c->seg[i].len;
	return total;
}

/*
 * Describe len bytes of segments [first, first + nr), beginning skip bytes
 * into them, as an iov over the guest's buffers themselves. Each segment
 * gives at most one entry, so iov needs room for nr. Entries, or -1 when the
 * segments end first.
 */
static int vblk_build_iov(const struct vq_chain *c, unsigned first, unsigned nr, uint64_t skip, uint64_t len,
			  struct blk_iov *iov)
{
	unsigned n = 0;

	for (unsigned i = first; i < first + nr && len; i++) {
		const struct vq_seg *s = &c->seg[i];
		uint64_t take;

		/* Also drops empty segments, which the backend has no use for. */
		if (skip >= s->len) {
			skip -= s->len;
			continue;
		}
		take = s->len - skip;
		if (take > len)
			take = len;
		iov[n].ptr = s->ptr + skip;
		iov[n].len = (uint32_t)take;
		n++;
		len -= take;
		skip = 0;
	}
	return len ? -1 : (int)n;
}

/*
 * Whether sectors [sector, sector + nr) of the guest's range exist, and the
 * range itself lies on the backend (so start + sector cannot overflow).
 */
static bool vblk_range_ok(const struct vblk_target *t, uint64_t sector, uint64_t nr)
{
	const struct blkdev *bd = t->bd;

	if (!bd || t->start > bd->nr_sectors || t->count > bd->nr_sectors - t->start)
		return false;
	return sector <= t->count && nr <= t->count - sector;
}

/*
 * A read into the writable part (all of it but the status byte) or a write
 * from the readable part after the header, at the guest's sector.
 */
static uint8_t vblk_rw(const struct vblk_target *t, const struct vq_chain *c, bool write, uint64_t sector,
		       uint64_t data_len)
{
	struct blk_iov iov[VQ_MAX_SEGS];
	int nr_iov;

	/* The read length goes back in a 32-bit used-ring entry, with the status byte. */
	if (data_len == 0 || data_len % VIRTIO_BLK_SECTOR_SIZE || data_len > UINT32_MAX - 1)
		return VIRTIO_BLK_S_IOERR;
	if (!vblk_range_ok(t, sector, data_len / VIRTIO_BLK_SECTOR_SIZE))
		return VIRTIO_BLK_S_IOERR;
	if (write && t->read_only)
		return VIRTIO_BLK_S_IOERR;

	if (write)
		nr_iov = vblk_build_iov(c, 0, c->nr_out, VBLK_HDR_BYTES, data_len, iov);
	else
		nr_iov = vblk_build_iov(c, c->nr_out, c->nr_in, 0, data_len, iov);
	if (nr_iov <= 0)
		return VIRTIO_BLK_S_IOERR;
	if (blkdev_rw(t->bd, write, t->start + sector, iov, (unsigned)nr_iov))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

/* The ranges after the header, all checked before any is discarded. */
static uint8_t vblk_discard(const struct vblk_target *t, const struct vq_chain *c, uint64_t ranges_len)
{
	struct virtio_blk_discard r[VBLK_MAX_DISCARD_SEGS];
	unsigned nr;

	if (!t->bd || !t->bd->ops || !t->bd->ops->discard)
		return VIRTIO_BLK_S_UNSUPP;
	if (ranges_len == 0 || ranges_len % VBLK_RANGE_BYTES || ranges_len > sizeof(r))
		return VIRTIO_BLK_S_IOERR;
	if (t->read_only || t->bd->read_only)
		return VIRTIO_BLK_S_IOERR;
	if (vq_chain_read(c, VBLK_HDR_BYTES, r, ranges_len) != ranges_len)
		return VIRTIO_BLK_S_IOERR;

	nr = (unsigned)(ranges_len / VBLK_RANGE_BYTES);
	for (unsigned i = 0; i < nr; i++) {
		/* The spec has discard refuse the unmap flag and any unknown one. */
		if (r[i].flags)
			return VIRTIO_BLK_S_UNSUPP;
		if (!vblk_range_ok(t, r[i].sector, r[i].num_sectors))
			return VIRTIO_BLK_S_IOERR;
	}
	for (unsigned i = 0; i < nr; i++) {
		if (r[i].num_sectors == 0)
			continue;
		if (blkdev_discard(t->bd, t->start + r[i].sector, r[i].num_sectors))
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

uint32_t vblk_handle(const struct vblk_target *t, const struct vq_chain *c)
{
	struct virtio_blk_req_hdr hdr;
	uint64_t out_bytes, in_bytes;
	uint32_t reply_len = 1;
	uint8_t status;

	if (c->nr_out > VQ_MAX_SEGS || c->nr_in > VQ_MAX_SEGS - c->nr_out)
		return 0;
	out_bytes = vblk_segs_bytes(c, 0, c->nr_out);
	in_bytes = vblk_segs_bytes(c, c->nr_out, c->nr_in);
	if (in_bytes == 0)
		return 0;

	if (out_bytes < VBLK_HDR_BYTES || vq_chain_read(c, 0, &hdr, VBLK_HDR_BYTES) != VBLK_HDR_BYTES) {
		status = VIRTIO_BLK_S_IOERR;
	} else {
		switch (hdr.type) {
		case VIRTIO_BLK_T_IN:
			status = vblk_rw(t, c, false, hdr.sector, in_bytes - 1);
			/* vblk_rw() refuses reads whose length and status byte overflow 32 bits. */
			if (status == VIRTIO_BLK_S_OK)
				reply_len = (uint32_t)in_bytes;
			break;
		case VIRTIO_BLK_T_OUT:
			status = vblk_rw(t, c, true, hdr.sector, out_bytes - VBLK_HDR_BYTES);
			break;
		case VIRTIO_BLK_T_FLUSH:
			status = t->bd && blkdev_flush(t->bd) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
			break;
		case VIRTIO_BLK_T_GET_ID: {
			uint64_t room = in_bytes - 1;
			uint32_t n = room < VIRTIO_BLK_ID_BYTES ? (uint32_t)room : VIRTIO_BLK_ID_BYTES;

			vq_chain_write(c, 0, t->id, n);
			status = VIRTIO_BLK_S_OK;
			reply_len = n + 1;
			break;
		}
		case VIRTIO_BLK_T_DISCARD:
			status = vblk_discard(t, c, out_bytes - VBLK_HDR_BYTES);
			break;
		default:
			status = VIRTIO_BLK_S_UNSUPP;
			break;
		}
	}
	vq_chain_write(c, in_bytes - 1, &status, 1);
	return reply_len;
}
