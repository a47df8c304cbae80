/*
 * Inter-guest channels: a region of memory shared by two named guests plus
 * a doorbell each way. Both guests' descriptions declare the channel by the
 * same name, each naming the other as its peer and giving the guest-physical
 * window and the interrupt its doorbell raises. The memory is allocated when
 * the first end is created and freed with the last; the doorbell is
 * MANTLE_HC_CHANNEL_NOTIFY (docs/guest-abi.md).
 */
#ifndef MANTLE_CHANNEL_H
#define MANTLE_CHANNEL_H
#include <stddef.h>
#include <stdint.h>

#define CHANNELS_MAX        16

struct guest;
struct guest_dev_config;

/* Create this guest's end of dc's channel: shared memory mapped into its stage 2. 0 or -1 with err. */
int channel_attach(struct guest *g, const struct guest_dev_config *dc, char *err, size_t errlen);
/* Drop every end g holds (the guest is going). */
void channel_detach_all(struct guest *g);
/*
 * g rings the peer of its channel number index (the order of its channel
 * nodes). 0; -2 no such channel; -3 the peer guest does not exist now.
 */
int channel_ring(struct guest *g, uint64_t index);

struct channel_info {
	char name[32];
	uint64_t size;
	char ends[2][32];         /* guest names; "" = that end is not there */
	uint64_t doorbells[2];    /* rung by that end */
};
/* Visit every channel (for the shell). */
void channel_for_each(void (*fn)(const struct channel_info *ci, void *arg), void *arg);

#endif
