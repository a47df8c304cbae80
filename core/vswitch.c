/*
 * Virtual Ethernet switch: a learning bridge between ports, in static slots.
 *
 * Lock order: registry_lock, then a switch's lock. registry_lock guards which
 * slots are in use and their names; a switch's lock guards its ports, fdb and
 * counters, and the counters of the ports attached to it. Sending takes only
 * the switch's lock, so switches do not contend with each other.
 *
 * A port's owner must not send on it while detaching it from another CPU:
 * send reads p->sw before it takes any lock, and the switch a port points to
 * stays in use only for as long as the port is attached.
 */
#include <string.h>
#include <arch/spinlock.h>
#include <mantle/vswitch.h>

static struct vswitch switches[VSWITCH_MAX];
static spinlock_t registry_lock = SPINLOCK_INIT;

#define MAC_LEN      6
#define MAC_DST_OFF  0
#define MAC_SRC_OFF  6

/* 1..VSWITCH_NAME_MAX-1 characters of [A-Za-z0-9_-]; the scan never reads past that bound. */
static bool name_valid(const char *name)
{
	size_t i;

	if (!name)
		return false;
	for (i = 0; i < VSWITCH_NAME_MAX && name[i]; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '-';

		if (!ok)
			return false;
	}
	return i > 0 && i < VSWITCH_NAME_MAX;
}

static bool slot_in_use(const struct vswitch *sw)
{
	return sw->name[0] != '\0';
}

/* Caller holds registry_lock and has checked the name. */
static struct vswitch *lookup_locked(const char *name)
{
	for (int i = 0; i < VSWITCH_MAX; i++) {
		if (slot_in_use(&switches[i]) && !strncmp(switches[i].name, name, VSWITCH_NAME_MAX))
			return &switches[i];
	}
	return NULL;
}

/* Caller holds registry_lock. A port's sw is trusted only if it is one of ours and in use. */
static bool switch_known_locked(const struct vswitch *sw)
{
	for (int i = 0; i < VSWITCH_MAX; i++) {
		if (sw == &switches[i])
			return slot_in_use(sw);
	}
	return false;
}

/* Caller holds registry_lock; the slot is free, so nobody else touches it. */
static struct vswitch *take_free_slot_locked(const char *name)
{
	for (int i = 0; i < VSWITCH_MAX; i++) {
		struct vswitch *sw = &switches[i];

		if (slot_in_use(sw))
			continue;
		memset(sw, 0, sizeof(*sw));
		spin_init(&sw->lock);
		/* name_valid() bounded it below VSWITCH_NAME_MAX; the memset left the terminator. */
		for (size_t j = 0; name[j]; j++)
			sw->name[j] = name[j];
		return sw;
	}
	return NULL;
}

int vswitch_attach(const char *name, struct vswitch_port *p)
{
	struct vswitch *sw;
	irqflags_t flags;
	int ret = -1;

	if (!p || !name_valid(name))
		return -1;

	flags = spin_lock_irqsave(&registry_lock);
	/* Checked under the registry lock so that two attaches of one port cannot both succeed. */
	if (p->sw)
		goto out;
	sw = lookup_locked(name);
	if (!sw)
		sw = take_free_slot_locked(name);
	if (!sw)
		goto out;

	spin_lock(&sw->lock);
	if (sw->nr_ports < VSWITCH_MAX_PORTS) {
		sw->ports[sw->nr_ports++] = p;
		p->tx_frames = p->tx_bytes = 0;
		p->rx_frames = p->rx_bytes = p->rx_drops = 0;
		p->sw = sw;
		ret = 0;
	}
	spin_unlock(&sw->lock);
out:
	spin_unlock_irqrestore(&registry_lock, flags);
	return ret;
}

/* Caller holds sw->lock. */
static void forget_port_locked(struct vswitch *sw, const struct vswitch_port *p)
{
	for (int i = 0; i < VSWITCH_FDB_SIZE; i++) {
		if (sw->fdb[i].used && sw->fdb[i].port == p)
			memset(&sw->fdb[i], 0, sizeof(sw->fdb[i]));
	}
}

void vswitch_detach(struct vswitch_port *p)
{
	struct vswitch *sw;
	irqflags_t flags;
	unsigned i;

	if (!p)
		return;
	flags = spin_lock_irqsave(&registry_lock);
	sw = p->sw;
	if (!sw || !switch_known_locked(sw))
		goto out;

	spin_lock(&sw->lock);
	for (i = 0; i < sw->nr_ports && sw->ports[i] != p; i++)
		;
	if (i < sw->nr_ports) {
		/* Keep ports[] dense and in attach order: floods visit ports in that order. */
		memmove(&sw->ports[i], &sw->ports[i + 1], (sw->nr_ports - i - 1) * sizeof(sw->ports[0]));
		sw->ports[--sw->nr_ports] = NULL;
		forget_port_locked(sw, p);
	}
	if (!sw->nr_ports) {
		/* The switch goes with its last port; the lock itself is left alone while held. */
		memset(sw->name, 0, sizeof(sw->name));
		memset(sw->fdb, 0, sizeof(sw->fdb));
		sw->frames = sw->forwarded = sw->flooded = sw->dropped = 0;
	}
	spin_unlock(&sw->lock);
out:
	/* Even a stale pointer (a switch that never listed p) is dropped, so p can attach again. */
	p->sw = NULL;
	spin_unlock_irqrestore(&registry_lock, flags);
}

static bool mac_is_group(const uint8_t *mac)
{
	return mac[0] & 1;
}

static bool mac_is_zero(const uint8_t *mac)
{
	for (int i = 0; i < MAC_LEN; i++) {
		if (mac[i])
			return false;
	}
	return true;
}

/* Caller holds sw->lock. */
static struct vswitch_fdb_entry *fdb_lookup_locked(struct vswitch *sw, const uint8_t *mac)
{
	for (int i = 0; i < VSWITCH_FDB_SIZE; i++) {
		if (sw->fdb[i].used && !memcmp(sw->fdb[i].mac, mac, MAC_LEN))
			return &sw->fdb[i];
	}
	return NULL;
}

/* Caller holds sw->lock. mac lives behind p as of now; a full table gives up its stalest entry. */
static void fdb_learn_locked(struct vswitch *sw, const uint8_t *mac, struct vswitch_port *p)
{
	struct vswitch_fdb_entry *e = fdb_lookup_locked(sw, mac);

	if (!e) {
		struct vswitch_fdb_entry *stalest = &sw->fdb[0];

		for (int i = 0; i < VSWITCH_FDB_SIZE; i++) {
			if (!sw->fdb[i].used) {
				e = &sw->fdb[i];
				break;
			}
			if (sw->fdb[i].last_seen < stalest->last_seen)
				stalest = &sw->fdb[i];
		}
		if (!e)
			e = stalest;
		memcpy(e->mac, mac, MAC_LEN);
		e->used = true;
	}
	e->port = p;
	e->last_seen = sw->frames;
}

/* Caller holds sw->lock (deliver runs under it, as the header promises). */
static void deliver_to(struct vswitch_port *q, const void *frame, size_t len)
{
	if (q->deliver && q->deliver(q, frame, len) == 0) {
		q->rx_frames++;
		q->rx_bytes += len;
	} else {
		q->rx_drops++;
	}
}

void vswitch_send(struct vswitch_port *p, const void *frame, size_t len)
{
	struct vswitch *sw;
	struct vswitch_fdb_entry *dst_entry = NULL;
	const uint8_t *f = frame;
	irqflags_t flags;

	if (!p || !p->sw)
		return;
	sw = p->sw;
	flags = spin_lock_irqsave(&sw->lock);
	sw->frames++;
	if (!frame || len < VSWITCH_FRAME_MIN || len > VSWITCH_FRAME_MAX) {
		sw->dropped++;
		goto out;
	}
	p->tx_frames++;
	p->tx_bytes += len;

	/* Group and all-zero sources are not addresses a station can own. */
	if (!mac_is_group(f + MAC_SRC_OFF) && !mac_is_zero(f + MAC_SRC_OFF))
		fdb_learn_locked(sw, f + MAC_SRC_OFF, p);

	if (!mac_is_group(f + MAC_DST_OFF))
		dst_entry = fdb_lookup_locked(sw, f + MAC_DST_OFF);

	if (!dst_entry) {
		for (unsigned i = 0; i < sw->nr_ports; i++) {
			if (sw->ports[i] != p)
				deliver_to(sw->ports[i], frame, len);
		}
		sw->flooded++;
	} else if (dst_entry->port == p) {
		/* The destination sits behind the sender: the frame is already where it is going. */
		sw->dropped++;
	} else {
		deliver_to(dst_entry->port, frame, len);
		sw->forwarded++;
	}
out:
	spin_unlock_irqrestore(&sw->lock, flags);
}

struct vswitch *vswitch_find(const char *name)
{
	struct vswitch *sw;
	irqflags_t flags;

	if (!name_valid(name))
		return NULL;
	flags = spin_lock_irqsave(&registry_lock);
	sw = lookup_locked(name);
	spin_unlock_irqrestore(&registry_lock, flags);
	return sw;
}

void vswitch_for_each(void (*fn)(struct vswitch *sw, void *arg), void *arg)
{
	if (!fn)
		return;
	for (int i = 0; i < VSWITCH_MAX; i++) {
		irqflags_t flags = spin_lock_irqsave(&registry_lock);
		bool in_use = slot_in_use(&switches[i]);

		spin_unlock_irqrestore(&registry_lock, flags);
		/* No lock held, so fn may take the switch's lock to copy what it shows. */
		if (in_use)
			fn(&switches[i], arg);
	}
}
