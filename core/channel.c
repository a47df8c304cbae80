/* Inter-guest channels: shared memory and doorbells between two guests (see channel.h). */
#include <stdio.h>
#include <string.h>
#include <arch/spinlock.h>
#include <arch/stage2.h>
#include <mantle/channel.h>
#include <mantle/guest.h>
#include <mantle/log.h>
#include <mantle/page_alloc.h>
#include <vgic/vgic_emu.h>

#define RING_NO_CHANNEL     (-2)
#define RING_NO_PEER        (-3)

struct channel_end {
	struct guest *guest;           /* NULL: this end is not there */
	char guest_name[GUEST_NAME_MAX];
	char peer_name[GUEST_NAME_MAX];
	uint32_t irq;                  /* what a ring from the other end raises here */
	uint64_t doorbells;
};

struct channel {
	char name[GUEST_CHANNEL_NAME_MAX];    /* "" = free slot */
	uint64_t size, pa;
	struct channel_end ends[2];
};

static struct channel channels[CHANNELS_MAX];
static spinlock_t channels_lock = SPINLOCK_INIT;

static struct channel *find_locked(const char *name)
{
	for (unsigned i = 0; i < CHANNELS_MAX; i++)
		if (channels[i].name[0] && !strcmp(channels[i].name, name))
			return &channels[i];
	return NULL;
}

int channel_attach(struct guest *g, const struct guest_dev_config *dc, char *err, size_t errlen)
{
	irqflags_t f = spin_lock_irqsave(&channels_lock);
	struct channel *c = find_locked(dc->chan_name);
	struct channel_end *end = NULL;
	bool fresh = false;

	if (c) {
		/* The other end is there: it must name us, and we it, and the sizes must agree. */
		struct channel_end *other = c->ends[0].guest_name[0] ? &c->ends[0] : &c->ends[1];
		if (strcmp(other->peer_name, g->name) || strcmp(dc->chan_peer, other->guest_name)) {
			snprintf(err, errlen, "%s: %s: channel %s joins %s and %s, not %s and %s", g->source,
				 dc->name, c->name, other->guest_name, other->peer_name, g->name, dc->chan_peer);
			goto fail;
		}
		if (c->size != dc->size) {
			snprintf(err, errlen, "%s: %s: channel %s is %#llx bytes at %s, %#llx here", g->source,
				 dc->name, c->name, (unsigned long long)c->size, other->guest_name,
				 (unsigned long long)dc->size);
			goto fail;
		}
		end = c->ends[0].guest_name[0] ? &c->ends[1] : &c->ends[0];
		if (end->guest_name[0]) {
			snprintf(err, errlen, "%s: %s: channel %s has both its ends already", g->source,
				 dc->name, c->name);
			goto fail;
		}
	} else {
		for (unsigned i = 0; i < CHANNELS_MAX && !c; i++)
			if (!channels[i].name[0])
				c = &channels[i];
		if (!c) {
			snprintf(err, errlen, "%s: %s: no free channel (at most %d)", g->source, dc->name,
				 CHANNELS_MAX);
			goto fail;
		}
		c->pa = page_alloc(dc->size >> PAGE_SHIFT, guest_region_align_pages(dc->ipa, dc->size));
		if (!c->pa) {
			snprintf(err, errlen, "%s: %s: no memory for channel %s", g->source, dc->name,
				 dc->chan_name);
			c = NULL;
			goto fail;
		}
		memset((void *)(uintptr_t)c->pa, 0, dc->size);
		memset(c->ends, 0, sizeof(c->ends));
		snprintf(c->name, sizeof(c->name), "%s", dc->chan_name);
		c->size = dc->size;
		end = &c->ends[0];
		fresh = true;
	}
	if (stage2_map(&g->s2, dc->ipa, c->pa, dc->size, S2_RAM)) {
		snprintf(err, errlen, "%s: %s: cannot map channel %s in stage 2", g->source, dc->name, c->name);
		if (fresh) {
			page_free(c->pa, c->size >> PAGE_SHIFT);
			c->name[0] = '\0';
		}
		goto fail;
	}
	end->guest = g;
	snprintf(end->guest_name, sizeof(end->guest_name), "%s", g->name);
	snprintf(end->peer_name, sizeof(end->peer_name), "%s", dc->chan_peer);
	end->irq = dc->irq;
	end->doorbells = 0;
	spin_unlock_irqrestore(&channels_lock, f);
	return 0;
fail:
	spin_unlock_irqrestore(&channels_lock, f);
	return -1;
}

void channel_detach_all(struct guest *g)
{
	irqflags_t f = spin_lock_irqsave(&channels_lock);

	for (unsigned i = 0; i < CHANNELS_MAX; i++) {
		struct channel *c = &channels[i];
		if (!c->name[0])
			continue;
		for (unsigned e = 0; e < 2; e++)
			if (c->ends[e].guest == g)
				memset(&c->ends[e], 0, sizeof(c->ends[e]));
		if (!c->ends[0].guest_name[0] && !c->ends[1].guest_name[0]) {
			page_free(c->pa, c->size >> PAGE_SHIFT);
			c->name[0] = '\0';
		}
	}
	spin_unlock_irqrestore(&channels_lock, f);
}

int channel_ring(struct guest *g, uint64_t index)
{
	const struct guest_dev_config *dc = NULL;
	uint64_t n = 0;
	irqflags_t f;
	struct channel *c;
	int r = RING_NO_PEER;

	for (unsigned i = 0; i < g->cfg.nr_devs && !dc; i++)
		if (g->cfg.devs[i].kind == GUEST_DEV_CHANNEL && n++ == index)
			dc = &g->cfg.devs[i];
	if (!dc)
		return RING_NO_CHANNEL;
	f = spin_lock_irqsave(&channels_lock);
	c = find_locked(dc->chan_name);
	if (c) {
		unsigned me = c->ends[0].guest == g ? 0 : 1;
		struct channel_end *peer = &c->ends[!me];
		c->ends[me].doorbells++;
		if (peer->guest && peer->irq) {
			/* A message, not a level: pending until the peer takes it, however it configured the SPI. */
			guest_vgic_raise_edge(peer->guest, 0, peer->irq);
			r = 0;
		}
	}
	spin_unlock_irqrestore(&channels_lock, f);
	return r;
}

void channel_for_each(void (*fn)(const struct channel_info *ci, void *arg), void *arg)
{
	struct channel_info info[CHANNELS_MAX];
	unsigned n = 0;
	irqflags_t f = spin_lock_irqsave(&channels_lock);

	for (unsigned i = 0; i < CHANNELS_MAX; i++) {
		struct channel *c = &channels[i];
		if (!c->name[0])
			continue;
		snprintf(info[n].name, sizeof(info[n].name), "%s", c->name);
		info[n].size = c->size;
		for (unsigned e = 0; e < 2; e++) {
			snprintf(info[n].ends[e], sizeof(info[n].ends[e]), "%s", c->ends[e].guest_name);
			info[n].doorbells[e] = c->ends[e].doorbells;
		}
		n++;
	}
	spin_unlock_irqrestore(&channels_lock, f);
	for (unsigned i = 0; i < n; i++)
		fn(&info[i], arg);
}
