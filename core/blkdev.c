/*
 * The registry of block backends, the sector claims that keep two guests
 * off the same sectors, and the counted entry points to a backend's ops.
 *
 * Locking: blkdev_list_lock guards the list only; each backend's own lock
 * guards its claims and counters. The two are never held together, and no
 * backend op runs under either (rw may block the calling thread).
 *
 * Counters: reads/writes/flushes/discards count calls, read_bytes and
 * write_bytes the bytes of successful transfers, errors every call that
 * returned -1 (refused or failed).
 */
#include <string.h>
#include <mantle/blkdev.h>

static struct list_node blkdev_list = LIST_HEAD_INIT(blkdev_list);
static spinlock_t blkdev_list_lock = SPINLOCK_INIT;

/* With blkdev_list_lock held. */
static bool blkdev_listed(const struct blkdev *bd)
{
	struct list_node *pos;

	list_for_each(pos, &blkdev_list)
		if (list_entry(pos, struct blkdev, node) == bd)
			return true;
	return false;
}

void blkdev_register(struct blkdev *bd)
{
	irqflags_t f;

	spin_init(&bd->lock);
	bd->nr_claims = 0;
	f = spin_lock_irqsave(&blkdev_list_lock);
	/* Adding a node twice would knot the list; the walk is short. */
	if (!blkdev_listed(bd))
		list_add_tail(&blkdev_list, &bd->node);
	spin_unlock_irqrestore(&blkdev_list_lock, f);
}

void blkdev_unregister(struct blkdev *bd)
{
	irqflags_t f = spin_lock_irqsave(&blkdev_list_lock);

	if (blkdev_listed(bd))
		list_del(&bd->node);
	spin_unlock_irqrestore(&blkdev_list_lock, f);
}

struct blkdev *blkdev_find(const char *name)
{
	struct blkdev *found = NULL;
	struct list_node *pos;
	irqflags_t f;

	if (!name)
		return NULL;
	f = spin_lock_irqsave(&blkdev_list_lock);
	list_for_each(pos, &blkdev_list) {
		struct blkdev *bd = list_entry(pos, struct blkdev, node);

		if (strncmp(bd->name, name, BLKDEV_NAME_MAX) == 0) {
			found = bd;
			break;
		}
	}
	spin_unlock_irqrestore(&blkdev_list_lock, f);
	return found;
}

/* fn runs with the list lock held: it must not register, unregister or find. */
void blkdev_for_each(void (*fn)(struct blkdev *bd, void *arg), void *arg)
{
	struct list_node *pos;
	irqflags_t f = spin_lock_irqsave(&blkdev_list_lock);

	list_for_each(pos, &blkdev_list)
		fn(list_entry(pos, struct blkdev, node), arg);
	spin_unlock_irqrestore(&blkdev_list_lock, f);
}

/* An owner name that fits a claim whole, so release compares it exactly. */
static bool owner_fits(const char *owner)
{
	return owner && owner[0] && memchr(owner, '\0', BLKDEV_NAME_MAX) != NULL;
}

int blkdev_claim(struct blkdev *bd, uint64_t start, uint64_t count, const char *owner,
		 const char **holder)
{
	struct blkdev_claim *slot;
	const char *dummy;
	irqflags_t f;

	if (!holder)
		holder = &dummy;
	*holder = NULL;
	if (!owner_fits(owner) || count == 0 || start > bd->nr_sectors || count > bd->nr_sectors - start)
		return -1;

	f = spin_lock_irqsave(&bd->lock);
	for (unsigned i = 0; i < bd->nr_claims; i++) {
		const struct blkdev_claim *c = &bd->claims[i];
		/* Both ranges are within nr_sectors, so the ends cannot overflow. */
		bool overlap = start < c->start + c->count && c->start < start + count;

		/* One range per owner: release can then name it by owner alone. */
		if (overlap || strcmp(c->owner, owner) == 0) {
			*holder = c->owner;
			spin_unlock_irqrestore(&bd->lock, f);
			return -1;
		}
	}
	if (bd->nr_claims >= BLKDEV_MAX_CLAIMS) {
		*holder = "(no room for more claims)";
		spin_unlock_irqrestore(&bd->lock, f);
		return -1;
	}
	slot = &bd->claims[bd->nr_claims++];
	memcpy(slot->owner, owner, strlen(owner) + 1);
	slot->start = start;
	slot->count = count;
	spin_unlock_irqrestore(&bd->lock, f);
	return 0;
}

void blkdev_release(struct blkdev *bd, const char *owner)
{
	irqflags_t f;

	if (!owner)
		return;
	f = spin_lock_irqsave(&bd->lock);
	for (unsigned i = 0; i < bd->nr_claims; i++) {
		if (strncmp(bd->claims[i].owner, owner, BLKDEV_NAME_MAX) != 0)
			continue;
		/* Keep the table dense: the last claim fills the hole. */
		bd->claims[i] = bd->claims[--bd->nr_claims];
		memset(&bd->claims[bd->nr_claims], 0, sizeof(bd->claims[0]));
		break;
	}
	spin_unlock_irqrestore(&bd->lock, f);
}

/* Add to a counter pair under the backend's lock. */
static void blkdev_count(struct blkdev *bd, uint64_t *calls, uint64_t *bytes, uint64_t nbytes, bool failed)
{
	irqflags_t f = spin_lock_irqsave(&bd->lock);

	(*calls)++;
	if (failed)
		bd->errors++;
	else if (bytes)
		*bytes += nbytes;
	spin_unlock_irqrestore(&bd->lock, f);
}

int blkdev_rw(struct blkdev *bd, bool write, uint64_t sector, const struct blk_iov *iov, unsigned nr_iov)
{
	uint64_t total = 0;
	int ret = -1;

	for (unsigned i = 0; i < nr_iov; i++)
		total += iov[i].len;
	if (!(write && bd->read_only) && bd->ops && bd->ops->rw)
		ret = bd->ops->rw(bd, write, sector, iov, nr_iov) == 0 ? 0 : -1;
	if (write)
		blkdev_count(bd, &bd->writes, &bd->write_bytes, total, ret != 0);
	else
		blkdev_count(bd, &bd->reads, &bd->read_bytes, total, ret != 0);
	return ret;
}

int blkdev_flush(struct blkdev *bd)
{
	int ret = 0;

	/* Without a flush op, writes are durable when rw() returns. */
	if (bd->ops && bd->ops->flush)
		ret = bd->ops->flush(bd) == 0 ? 0 : -1;
	blkdev_count(bd, &bd->flushes, NULL, 0, ret != 0);
	return ret;
}

int blkdev_discard(struct blkdev *bd, uint64_t sector, uint64_t count)
{
	int ret = -1;

	/* Discarding changes what later reads return, so it is a write. */
	if (!bd->read_only && bd->ops && bd->ops->discard)
		ret = bd->ops->discard(bd, sector, count) == 0 ? 0 : -1;
	blkdev_count(bd, &bd->discards, NULL, 0, ret != 0);
	return ret;
}
