/*
 * Fuzzes what the virtio devices make of one request chain: virtio-blk
 * requests (emulators/virtio/virtio_blk_req.c) against a RAM disk
 * (core/blkdev.c, core/blk_ramdisk.c), and virtio-net frames in and out
 * (emulators/virtio/virtio_net_frames.c). The guest cuts the chain into
 * segments of any size and fills them with anything; every segment is its
 * own heap block of exactly its length, so a byte past one is an ASan
 * report. Results are checked against what the request asked for: a refused
 * request leaves the disk alone, a read gives the disk's bytes, a write puts
 * exactly its data at exactly its sector.
 *
 * Input: the device (blk, net transmit, net receive), the chain's readable
 * and writable segments (a length each, readable ones with their bytes),
 * then the device's parameters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <mantle/blk_ramdisk.h>
#include "virtio/virtio_blk_req.h"
#include "virtio/virtio_net_frames.h"
#include "fuzz.h"

#define MAX_SEGS      12
#define SECTOR        512
#define MAX_SECTORS   16
#define MAX_FRAME     2048

static struct vq_chain chain;

static void build_chain(struct fuzz_input *in)
{
	unsigned nr_out = fuzz_u8(in) % (MAX_SEGS + 1), nr_in = fuzz_u8(in) % (MAX_SEGS + 1);

	memset(&chain, 0, sizeof(chain));
	chain.nr_out = nr_out;
	chain.nr_in = nr_in;
	for (unsigned i = 0; i < nr_out + nr_in; i++) {
		/* vq_pop never yields an empty segment. */
		uint32_t len = 1 + fuzz_u16(in) % 1100;
		uint8_t *p = malloc(len);

		FUZZ_CHECK(p);
		if (i < nr_out)
			fuzz_bytes(in, p, len);
		else
			memset(p, 0xee, len);
		chain.seg[i].ptr = p;
		chain.seg[i].len = len;
		if (i < nr_out)
			chain.out_bytes += len;
		else
			chain.in_bytes += len;
	}
}

static void free_chain(void)
{
	for (unsigned i = 0; i < chain.nr_out + chain.nr_in; i++)
		free(chain.seg[i].ptr);
}

/* One part of the chain (readable or writable) as one buffer, for comparing. */
static uint8_t *part_bytes(bool writable, uint64_t *len)
{
	unsigned first = writable ? chain.nr_out : 0, nr = writable ? chain.nr_in : chain.nr_out;
	uint8_t *buf = malloc((writable ? chain.in_bytes : chain.out_bytes) + 1);
	uint64_t n = 0;

	FUZZ_CHECK(buf);
	for (unsigned i = first; i < first + nr; i++) {
		memcpy(buf + n, chain.seg[i].ptr, chain.seg[i].len);
		n += chain.seg[i].len;
	}
	*len = n;
	return buf;
}

/* ---- virtio-blk ---- */

static void fuzz_blk(struct fuzz_input *in)
{
	uint64_t nr_sectors = 1 + fuzz_u8(in) % MAX_SECTORS, disk_bytes = nr_sectors * SECTOR;
	uint8_t *disk = malloc(disk_bytes), *before = malloc(disk_bytes), *out, *got;
	uint8_t flags = fuzz_u8(in), status;
	struct blkdev bd;
	struct vblk_target t = { .bd = &bd };
	struct virtio_blk_req_hdr hdr = { 0 };
	uint64_t out_len, in_len, at;
	uint32_t ret;

	FUZZ_CHECK(disk && before);
	for (uint64_t i = 0; i < disk_bytes; i++)
		disk[i] = (uint8_t)(i * 7 + i / SECTOR);
	FUZZ_CHECK(blk_ramdisk_init(&bd, "disk0", disk, disk_bytes, flags & 1, NULL) == 0);
	if (flags & 2) {
		/* Any range, even one past the disk, which the request path must refuse. */
		t.start = fuzz_u64(in);
		t.count = fuzz_u64(in);
	} else {
		t.start = fuzz_u8(in) % (nr_sectors + 1);
		t.count = fuzz_u8(in) % (nr_sectors - t.start + 1);
	}
	t.read_only = flags & 4;
	if (flags & 8)
		t.bd = NULL;
	memcpy(t.id, "fuzz-disk", 9);
	memcpy(before, disk, disk_bytes);

	ret = vblk_handle(&t, &chain);
	FUZZ_CHECK(fake_spin_held == 0);
	out = part_bytes(false, &out_len);
	got = part_bytes(true, &in_len);
	if (out_len >= sizeof(hdr))
		memcpy(&hdr, out, sizeof(hdr));
	if (in_len == 0) {
		FUZZ_CHECK(ret == 0 && memcmp(disk, before, disk_bytes) == 0);
		goto done;
	}
	FUZZ_CHECK(ret >= 1 && ret <= in_len);
	status = got[in_len - 1];
	FUZZ_CHECK(status == VIRTIO_BLK_S_OK || status == VIRTIO_BLK_S_IOERR ||
		   status == VIRTIO_BLK_S_UNSUPP);
	if (status != VIRTIO_BLK_S_OK)
		FUZZ_CHECK(ret == 1);
	/* Only a successful write or discard changes the disk, and never through a read-only path. */
	if (status != VIRTIO_BLK_S_OK || t.read_only || bd.read_only ||
	    (hdr.type != VIRTIO_BLK_T_OUT && hdr.type != VIRTIO_BLK_T_DISCARD))
		FUZZ_CHECK(memcmp(disk, before, disk_bytes) == 0);
	if (status != VIRTIO_BLK_S_OK)
		goto done;

	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
		FUZZ_CHECK(ret == in_len && (in_len - 1) % SECTOR == 0);
		FUZZ_CHECK(hdr.sector <= t.count && (in_len - 1) / SECTOR <= t.count - hdr.sector);
		at = (t.start + hdr.sector) * SECTOR;
		FUZZ_CHECK(memcmp(got, disk + at, in_len - 1) == 0);
		break;
	case VIRTIO_BLK_T_OUT:
		FUZZ_CHECK(ret == 1 && (out_len - sizeof(hdr)) % SECTOR == 0);
		FUZZ_CHECK(hdr.sector <= t.count && (out_len - sizeof(hdr)) / SECTOR <= t.count - hdr.sector);
		at = (t.start + hdr.sector) * SECTOR;
		FUZZ_CHECK(memcmp(disk + at, out + sizeof(hdr), out_len - sizeof(hdr)) == 0);
		FUZZ_CHECK(memcmp(disk, before, at) == 0);
		at += out_len - sizeof(hdr);
		FUZZ_CHECK(memcmp(disk + at, before + at, disk_bytes - at) == 0);
		break;
	case VIRTIO_BLK_T_GET_ID:
		FUZZ_CHECK(ret == 1 + (in_len - 1 < VIRTIO_BLK_ID_BYTES ? in_len - 1 : VIRTIO_BLK_ID_BYTES));
		FUZZ_CHECK(memcmp(got, t.id, ret - 1) == 0);
		break;
	case VIRTIO_BLK_T_FLUSH:
	case VIRTIO_BLK_T_DISCARD:
		FUZZ_CHECK(ret == 1);
		break;
	default:
		FUZZ_CHECK(!"an unknown request type succeeded");
	}
done:
	free(out);
	free(got);
	free(disk);
	free(before);
}

/* ---- virtio-net ---- */

static void fuzz_net_tx(struct fuzz_input *in)
{
	size_t bufsize = fuzz_u16(in) % MAX_FRAME;
	uint8_t *buf = malloc(bufsize ? bufsize : 1), *out;
	uint64_t out_len;
	int n;

	FUZZ_CHECK(buf);
	n = vnet_tx_frame(&chain, buf, bufsize);
	out = part_bytes(false, &out_len);
	if (n < 0) {
		FUZZ_CHECK(out_len <= VIRTIO_NET_HDR_BYTES || out_len - VIRTIO_NET_HDR_BYTES > bufsize);
	} else {
		/* The frame is the readable part less its header, whole. */
		FUZZ_CHECK((uint64_t)n == out_len - VIRTIO_NET_HDR_BYTES && n > 0);
		FUZZ_CHECK(memcmp(buf, out + VIRTIO_NET_HDR_BYTES, (size_t)n) == 0);
	}
	free(out);
	free(buf);
}

static void fuzz_net_rx(struct fuzz_input *in)
{
	size_t len = fuzz_u16(in) % MAX_FRAME;
	uint8_t *frame = malloc(len ? len : 1), *got;
	struct virtio_net_hdr hdr;
	uint64_t in_len;
	int n;

	FUZZ_CHECK(frame);
	fuzz_bytes(in, frame, len);
	n = vnet_rx_fill(&chain, frame, len);
	got = part_bytes(true, &in_len);
	if (n < 0) {
		FUZZ_CHECK(in_len < VIRTIO_NET_HDR_BYTES + len);
		/* Nothing written: the writable part still holds what the harness put there. */
		for (uint64_t i = 0; i < in_len; i++)
			FUZZ_CHECK(got[i] == 0xee);
	} else {
		FUZZ_CHECK((size_t)n == VIRTIO_NET_HDR_BYTES + len && in_len >= (uint64_t)n);
		memcpy(&hdr, got, sizeof(hdr));
		FUZZ_CHECK(hdr.num_buffers == 1 && hdr.flags == 0 && hdr.gso_type == 0 && hdr.hdr_len == 0);
		FUZZ_CHECK(memcmp(got + VIRTIO_NET_HDR_BYTES, frame, len) == 0);
	}
	free(got);
	free(frame);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = fuzz_input(data, size);
	uint8_t device = fuzz_u8(&in) % 3;

	build_chain(&in);
	switch (device) {
	case 0:
		fuzz_blk(&in);
		break;
	case 1:
		fuzz_net_tx(&in);
		break;
	case 2:
		fuzz_net_rx(&in);
		break;
	}
	free_chain();
	return 0;
}
