/*
 * A block backend kept in memory: a guest disk image loaded from the bundle,
 * or scratch space. Reads and writes are copies; discard zeroes.
 */
#ifndef MANTLE_BLK_RAMDISK_H
#define MANTLE_BLK_RAMDISK_H
#include <stdbool.h>
#include <stdint.h>
#include <mantle/blkdev.h>

/*
 * Make bd a RAM disk over mem[0, bytes), a non-zero multiple of the sector
 * size; name and where are copied (truncated to fit; where may be NULL).
 * The caller owns mem, keeps it while bd is in use, and registers bd.
 * 0, or -1 with bd untouched.
 */
int blk_ramdisk_init(struct blkdev *bd, const char *name, void *mem, uint64_t bytes, bool read_only,
		     const char *where);

#endif
