/*
 * Block backends: what a guest's virtio-blk reads and writes. A host disk
 * (a host virtio-blk device) or a RAM disk, in 512-byte sectors. A guest
 * device is given a whole backend or a sector range of one; ranges are
 * claimed so that two guests never share sectors.
 */
#ifndef MANTLE_BLKDEV_H
#define MANTLE_BLKDEV_H
#include <stdbool.h>
#include <stdint.h>
#include <libs/list.h>
#include <arch/spinlock.h>

#define BLKDEV_SECTOR_SIZE   512
#define BLKDEV_NAME_MAX      48
#define BLKDEV_MAX_CLAIMS    8

struct blkdev;

/* A piece of a request's data buffer (host addresses; guest RAM is identity-mapped at EL2). */
struct blk_iov {
	void *ptr;
	uint32_t len;
};

struct blkdev_ops {
	/*
	 * Read or write total(iov) bytes (a multiple of the sector size) at
	 * sector, synchronously: may block the calling thread, which is an
	 * orphan vCPU. 0, or -1 on an I/O error.
	 */
	int (*rw)(struct blkdev *bd, bool write, uint64_t sector, const struct blk_iov *iov, unsigned nr_iov);
	/* Make completed writes durable. NULL: they are once rw() returns. */
	int (*flush)(struct blkdev *bd);
	/* Forget sectors' contents. NULL: not supported. */
	int (*discard)(struct blkdev *bd, uint64_t sector, uint64_t count);
};

struct blkdev_claim {
	char owner[BLKDEV_NAME_MAX];     /* "linux0/vda" */
	uint64_t start, count;
};

struct blkdev {
	char name[BLKDEV_NAME_MAX];      /* "disk0", or "GUEST/DEV" for a RAM disk */
	const char *kind;                /* "virtio-blk", "ramdisk" */
	char where[32];                  /* host address or bundle file, for the shell */
	uint64_t nr_sectors;
	bool read_only;
	const struct blkdev_ops *ops;
	void *priv;
	spinlock_t lock;                 /* claims and counters */
	unsigned nr_claims;
	struct blkdev_claim claims[BLKDEV_MAX_CLAIMS];
	uint64_t reads, writes, read_bytes, write_bytes, flushes, discards, errors;
	struct list_node node;
};

void blkdev_register(struct blkdev *bd);
void blkdev_unregister(struct blkdev *bd);
struct blkdev *blkdev_find(const char *name);
void blkdev_for_each(void (*fn)(struct blkdev *bd, void *arg), void *arg);

/*
 * Claim sectors [start, start + count) for owner. 0, or -1 when the range
 * runs past the end or overlaps another claim (then *holder names it).
 */
int blkdev_claim(struct blkdev *bd, uint64_t start, uint64_t count, const char *owner,
		 const char **holder);
void blkdev_release(struct blkdev *bd, const char *owner);

/* rw/flush/discard with the counters kept; the range is checked by the caller. */
int blkdev_rw(struct blkdev *bd, bool write, uint64_t sector, const struct blk_iov *iov, unsigned nr_iov);
int blkdev_flush(struct blkdev *bd);
int blkdev_discard(struct blkdev *bd, uint64_t sector, uint64_t count);

#endif
