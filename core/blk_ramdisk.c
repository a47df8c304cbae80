/* A block backend over a buffer in hypervisor memory. */
#include <stdio.h>
#include <string.h>
#include <mantle/blk_ramdisk.h>

/* Whether [sector, sector + bytes / 512) lies within the disk; bytes must be whole sectors. */
static bool ramdisk_range_ok(const struct blkdev *bd, uint64_t sector, uint64_t bytes)
{
	if (bytes % BLKDEV_SECTOR_SIZE)
		return false;
	return sector <= bd->nr_sectors && bytes / BLKDEV_SECTOR_SIZE <= bd->nr_sectors - sector;
}

static int ramdisk_rw(struct blkdev *bd, bool write, uint64_t sector, const struct blk_iov *iov,
		      unsigned nr_iov)
{
	uint8_t *disk = bd->priv;
	uint64_t disk_bytes = bd->nr_sectors * BLKDEV_SECTOR_SIZE;
	uint64_t total = 0;
	uint64_t off;

	/* Check the whole request before copying anything, so a refused one changes nothing. */
	for (unsigned i = 0; i < nr_iov; i++) {
		if (iov[i].len && !iov[i].ptr)
			return -1;
		total += iov[i].len;
		/* Stop early: no sum of uint32 lengths can then overflow. */
		if (total > disk_bytes)
			return -1;
	}
	if (!ramdisk_range_ok(bd, sector, total))
		return -1;

	off = sector * BLKDEV_SECTOR_SIZE;
	for (unsigned i = 0; i < nr_iov; i++) {
		if (write)
			memcpy(disk + off, iov[i].ptr, iov[i].len);
		else
			memcpy(iov[i].ptr, disk + off, iov[i].len);
		off += iov[i].len;
	}
	return 0;
}

static int ramdisk_discard(struct blkdev *bd, uint64_t sector, uint64_t count)
{
	uint8_t *disk = bd->priv;

	if (sector > bd->nr_sectors || count > bd->nr_sectors - sector)
		return -1;
	memset(disk + sector * BLKDEV_SECTOR_SIZE, 0, count * BLKDEV_SECTOR_SIZE);
	return 0;
}

/* Memory needs no flush: a write is done when memcpy returns. */
static const struct blkdev_ops ramdisk_ops = {
	.rw = ramdisk_rw,
	.flush = NULL,
	.discard = ramdisk_discard,
};

int blk_ramdisk_init(struct blkdev *bd, const char *name, void *mem, uint64_t bytes, bool read_only,
		     const char *where)
{
	if (!bd || !name || !mem || bytes == 0 || bytes % BLKDEV_SECTOR_SIZE)
		return -1;
	memset(bd, 0, sizeof(*bd));
	snprintf(bd->name, sizeof(bd->name), "%s", name);
	snprintf(bd->where, sizeof(bd->where), "%s", where ? where : "");
	bd->kind = "ramdisk";
	bd->nr_sectors = bytes / BLKDEV_SECTOR_SIZE;
	bd->read_only = read_only;
	bd->ops = &ramdisk_ops;
	bd->priv = mem;
	spin_init(&bd->lock);
	list_init(&bd->node);
	return 0;
}
