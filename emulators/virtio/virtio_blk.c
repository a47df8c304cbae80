/*
 * virtio-blk: a guest disk on a block backend. The description gives a host
 * disk by name (whole, or a sector range of it) or a bundle file that
 * becomes the guest's own RAM disk. Requests are served on the device's
 * backend thread (virtio_blk_req.c does the request format).
 */
#include <stdio.h>
#include <string.h>
#include <libs/bundle.h>
#include <mantle/blk_ramdisk.h>
#include <mantle/blkdev.h>
#include <mantle/emulator.h>
#include <mantle/guest.h>
#include <mantle/guest_loader.h>
#include <mantle/heap.h>
#include <mantle/page_alloc.h>
#include "virtio_blk_req.h"
#include "virtio_emu.h"

#define BLK_QUEUE_SIZE      128
#define BLK_BUDGET          32     /* requests per round before other work gets a turn */
#define DISCARD_MAX_SECTORS 0x400000u

struct vblk {
	struct vblk_target target;
	char owner[BLKDEV_NAME_MAX];   /* "GUEST/DEV": the claim's owner */
	struct blkdev ramdisk;         /* when the disk is a RAM disk */
	uint64_t ram_pa, ram_pages;
	bool own_ramdisk;
};

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int setup_ramdisk(struct virtio_emu *ve, struct vblk *b, const struct guest_dev_config *cfg,
			 char *err, size_t errlen)
{
	const struct bundle *bundle = host_bundle();
	struct bundle_file f;
	uint64_t bytes;

	if (!bundle || !bundle_find(bundle, cfg->blk_ramdisk, &f)) {
		snprintf(err, errlen, "ramdisk %s is not in the guest bundle", cfg->blk_ramdisk);
		return -1;
	}
	bytes = ((uint64_t)f.size + BLKDEV_SECTOR_SIZE - 1) & ~(uint64_t)(BLKDEV_SECTOR_SIZE - 1);
	if (!bytes) {
		snprintf(err, errlen, "ramdisk %s is empty", cfg->blk_ramdisk);
		return -1;
	}
	b->ram_pages = PAGE_ALIGN_UP(bytes) >> PAGE_SHIFT;
	b->ram_pa = page_alloc(b->ram_pages, 1);
	if (!b->ram_pa) {
		snprintf(err, errlen, "no memory for the %llu-byte ramdisk", (unsigned long long)bytes);
		return -1;
	}
	memcpy((void *)(uintptr_t)b->ram_pa, f.data, f.size);
	memset((uint8_t *)(uintptr_t)b->ram_pa + f.size, 0, b->ram_pages * PAGE_SIZE - f.size);
	if (blk_ramdisk_init(&b->ramdisk, b->owner, (void *)(uintptr_t)b->ram_pa, bytes,
			     cfg->read_only, cfg->blk_ramdisk)) {
		page_free(b->ram_pa, b->ram_pages);
		snprintf(err, errlen, "cannot make a ramdisk of %s", cfg->blk_ramdisk);
		return -1;
	}
	blkdev_register(&b->ramdisk);
	b->own_ramdisk = true;
	b->target.bd = &b->ramdisk;
	b->target.start = 0;
	b->target.count = b->ramdisk.nr_sectors;
	return 0;
}

static int setup_backend(struct vblk *b, const struct guest_dev_config *cfg, char *err, size_t errlen)
{
	struct blkdev *bd = blkdev_find(cfg->blk_backend);
	const char *holder = NULL;
	uint64_t start = 0, count;

	if (!bd) {
		snprintf(err, errlen, "no block backend named %s (see blk list)", cfg->blk_backend);
		return -1;
	}
	count = bd->nr_sectors;
	if (cfg->blk_has_range) {
		start = cfg->blk_start;
		count = cfg->blk_count;
	}
	if (blkdev_claim(bd, start, count, b->owner, &holder)) {
		if (holder)
			snprintf(err, errlen, "%s sectors %llu+%llu overlap %s's", bd->name,
				 (unsigned long long)start, (unsigned long long)count, holder);
		else
			snprintf(err, errlen, "%s has %llu sectors: %llu+%llu does not fit", bd->name,
				 (unsigned long long)bd->nr_sectors, (unsigned long long)start,
				 (unsigned long long)count);
		return -1;
	}
	b->target.bd = bd;
	b->target.start = start;
	b->target.count = count;
	return 0;
}

static int blk_setup(struct virtio_emu *ve, const struct guest_dev_config *cfg, char *err, size_t errlen)
{
	struct vblk *b = heap_zalloc(sizeof(*b));
	int r;

	if (!b) {
		snprintf(err, errlen, "out of hypervisor memory");
		return -1;
	}
	snprintf(b->owner, sizeof(b->owner), "%s/%s", ve->guest->name, cfg->name);
	r = cfg->blk_ramdisk[0] ? setup_ramdisk(ve, b, cfg, err, errlen) : setup_backend(b, cfg, err, errlen);
	if (r) {
		heap_free(b);
		return -1;
	}
	b->target.read_only = cfg->read_only || b->target.bd->read_only;
	snprintf(b->target.id, sizeof(b->target.id), "%.20s", b->owner);
	ve->state = b;
	ve->device_features = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
			      VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	if (b->target.read_only)
		ve->device_features |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
	else if (b->target.bd->ops->discard)
		ve->device_features |= VIRTIO_BIT(VIRTIO_BLK_F_DISCARD);
	return 0;
}

static uint32_t blk_config_read(struct virtio_emu *ve, uint32_t off, unsigned size)
{
	struct vblk *b = ve->state;
	uint8_t cfg[VIRTIO_BLK_CFG_BYTES] = { 0 };

	put_le32(cfg + VIRTIO_BLK_CFG_CAPACITY, (uint32_t)b->target.count);
	put_le32(cfg + VIRTIO_BLK_CFG_CAPACITY + 4, (uint32_t)(b->target.count >> 32));
	put_le32(cfg + VIRTIO_BLK_CFG_SEG_MAX, VQ_MAX_SEGS - 2);
	put_le32(cfg + VIRTIO_BLK_CFG_BLK_SIZE, BLKDEV_SECTOR_SIZE);
	put_le32(cfg + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, DISCARD_MAX_SECTORS);
	put_le32(cfg + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 16);
	put_le32(cfg + VIRTIO_BLK_CFG_DISCARD_ALIGN, 8);
	return virtio_config_bytes(cfg, sizeof(cfg), off, size);
}

static uint32_t blk_handle(struct virtio_emu *ve, struct vq_chain *c)
{
	struct vblk *b = ve->state;

	return vblk_handle(&b->target, c);
}

static void blk_work(struct virtio_emu *ve, unsigned q)
{
	if (q == 0)
		virtio_emu_serve(ve, 0, BLK_BUDGET, blk_handle);
}

static void blk_teardown(struct virtio_emu *ve)
{
	struct vblk *b = ve->state;

	if (!b)
		return;
	if (b->own_ramdisk) {
		blkdev_unregister(&b->ramdisk);
		page_free(b->ram_pa, b->ram_pages);
	} else {
		blkdev_release(b->target.bd, b->owner);
	}
	heap_free(b);
}

static void blk_describe(struct virtio_emu *ve, char *buf, size_t len)
{
	struct vblk *b = ve->state;

	snprintf(buf, len, "%s sectors %llu+%llu%s", b->target.bd->name,
		 (unsigned long long)b->target.start, (unsigned long long)b->target.count,
		 b->target.read_only ? " read-only" : "");
}

static const struct virtio_emu_type blk_type = {
	.kind = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.queue_size = BLK_QUEUE_SIZE,
	.config_size = VIRTIO_BLK_CFG_BYTES,
	.setup = blk_setup,
	.work = blk_work,
	.config_read = blk_config_read,
	.teardown = blk_teardown,
	.describe = blk_describe,
};

VIRTIO_EMULATOR_REGISTER(blk_type, "mantle,virtio-blk");
