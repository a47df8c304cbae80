/* vdev list, blk list, net switch, chan list: guests' I/O devices and their backends. */
#include <stdio.h>
#include <string.h>
#include <mantle/blkdev.h>
#include <mantle/channel.h>
#include <mantle/guest.h>
#include <mantle/shell.h>
#include <mantle/vswitch.h>
#include <libs/fmt.h>
#include "shell_util.h"

#define GUESTS_SHOWN_MAX 32

static void print_guest_devices(struct guest *g)
{
	char details[160];

	for (unsigned i = 0; i < g->nr_devs; i++) {
		struct emu_device *d = &g->devs[i];
		if (d->ops && d->ops->describe)
			d->ops->describe(d, details, sizeof(details));
		else
			snprintf(details, sizeof(details), "%llu reads, %llu writes",
				 (unsigned long long)d->reads, (unsigned long long)d->writes);
		printf("%-12s %-10s %-22s %#11llx %4u  %s\n", g->name, d->name, d->compatible,
		       (unsigned long long)d->ipa, d->irq, details);
	}
	for (unsigned i = 0; i < g->cfg.nr_devs; i++) {
		const struct guest_dev_config *dc = &g->cfg.devs[i];
		if (dc->kind == GUEST_DEV_PASSTHROUGH)
			snprintf(details, sizeof(details), "host %#llx+%#llx, host irq %u%s%s%s",
				 (unsigned long long)dc->host_pa, (unsigned long long)dc->size, dc->host_irq,
				 dc->guest_compatible[0] ? ", guest sees " : "", dc->guest_compatible,
				 dc->dma ? ", DMA" : "");
		else if (dc->kind == GUEST_DEV_CHANNEL)
			snprintf(details, sizeof(details), "channel %s with %s, %#llx bytes shared",
				 dc->chan_name, dc->chan_peer, (unsigned long long)dc->size);
		else
			continue;
		printf("%-12s %-10s %-22s %#11llx %4u  %s\n", g->name, dc->name, dc->compatible,
		       (unsigned long long)dc->ipa, dc->irq, details);
	}
}

static int cmd_vdev_list(int argc, char **argv)
{
	struct guest *shown[GUESTS_SHOWN_MAX];
	unsigned n = 0;
	struct list_node *pos;

	if (argc > 2) {
		printf("error: vdev list: unexpected argument '%s'\n", argv[2]);
		return -1;
	}
	if (argc == 2) {
		shown[0] = guest_find(argv[1]);
		if (!shown[0]) {
			printf("error: vdev list: no guest named '%s'\n", argv[1]);
			return -1;
		}
		n = 1;
	} else {
		/* The shell is the one that destroys guests: the list stays valid while it prints. */
		guests_lock();
		list_for_each(pos, guests_list()) {
			if (n < GUESTS_SHOWN_MAX)
				shown[n++] = list_entry(pos, struct guest, node);
		}
		guests_unlock();
	}
	printf("%-12s %-10s %-22s %11s %4s  %s\n", "GUEST", "DEVICE", "TYPE", "ADDRESS", "IRQ", "STATE");
	for (unsigned i = 0; i < n; i++)
		print_guest_devices(shown[i]);
	return 0;
}
SHELL_COMMAND(vdev_list, "vdev", "list", "[GUEST]", "guests' devices: type, address, interrupt, state",
	      cmd_vdev_list);

static void print_blkdev(struct blkdev *bd, void *arg)
{
	char sz[24];

	printf("%-14s %-10s %-12s %10s %9llu %9llu %6llu %6llu %s%s\n", bd->name, bd->kind, bd->where,
	       fmt_size(sz, sizeof(sz), bd->nr_sectors * BLKDEV_SECTOR_SIZE),
	       (unsigned long long)bd->reads, (unsigned long long)bd->writes,
	       (unsigned long long)bd->flushes, (unsigned long long)bd->errors,
	       bd->read_only ? "ro " : "", bd->nr_claims ? "" : "-");
	for (unsigned i = 0; i < bd->nr_claims; i++)
		printf("%-14s   sectors %llu+%llu to %s\n", "", (unsigned long long)bd->claims[i].start,
		       (unsigned long long)bd->claims[i].count, bd->claims[i].owner);
}

static int cmd_blk_list(int argc, char **argv)
{
	if (shell_expect_no_args(argc, argv))
		return -1;
	printf("%-14s %-10s %-12s %10s %9s %9s %6s %6s %s\n", "NAME", "KIND", "WHERE", "SIZE", "READS",
	       "WRITES", "FLUSH", "ERRORS", "USERS");
	blkdev_for_each(print_blkdev, NULL);
	return 0;
}
SHELL_COMMAND(blk_list, "blk", "list", "", "block backends, their users and counters", cmd_blk_list);

static void print_switch(struct vswitch *sw, void *arg)
{
	unsigned *count = arg;
	unsigned learned = 0;

	for (unsigned i = 0; i < VSWITCH_FDB_SIZE; i++)
		learned += sw->fdb[i].used;
	(*count)++;
	printf("switch %s: %u ports, %u addresses learned, %llu forwarded, %llu flooded, %llu dropped\n",
	       sw->name, sw->nr_ports, learned, (unsigned long long)sw->forwarded,
	       (unsigned long long)sw->flooded, (unsigned long long)sw->dropped);
	printf("  %-20s %10s %12s %10s %12s %8s\n", "PORT", "TX-FRAMES", "TX-BYTES", "RX-FRAMES",
	       "RX-BYTES", "RX-DROPS");
	for (unsigned i = 0; i < sw->nr_ports; i++) {
		struct vswitch_port *p = sw->ports[i];
		printf("  %-20s %10llu %12llu %10llu %12llu %8llu\n", p->name,
		       (unsigned long long)p->tx_frames, (unsigned long long)p->tx_bytes,
		       (unsigned long long)p->rx_frames, (unsigned long long)p->rx_bytes,
		       (unsigned long long)p->rx_drops);
	}
	for (unsigned i = 0; i < VSWITCH_FDB_SIZE; i++) {
		const struct vswitch_fdb_entry *e = &sw->fdb[i];
		if (e->used)
			printf("  %02x:%02x:%02x:%02x:%02x:%02x on %s\n", e->mac[0], e->mac[1], e->mac[2],
			       e->mac[3], e->mac[4], e->mac[5], e->port ? e->port->name : "?");
	}
}

static int cmd_net_switch(int argc, char **argv)
{
	unsigned count = 0;

	if (shell_expect_no_args(argc, argv))
		return -1;
	vswitch_for_each(print_switch, &count);
	if (!count)
		printf("no switches (a guest's virtio-net makes its switch)\n");
	return 0;
}
SHELL_COMMAND(net_switch, "net", "switch", "", "virtual switches: ports, counters, learned addresses",
	      cmd_net_switch);

static void print_channel(const struct channel_info *ci, void *arg)
{
	unsigned *count = arg;

	(*count)++;
	printf("%-16s %#10llx  %-12s %10llu  %-12s %10llu\n", ci->name, (unsigned long long)ci->size,
	       ci->ends[0][0] ? ci->ends[0] : "-", (unsigned long long)ci->doorbells[0],
	       ci->ends[1][0] ? ci->ends[1] : "-", (unsigned long long)ci->doorbells[1]);
}

static int cmd_chan_list(int argc, char **argv)
{
	unsigned count = 0;

	if (shell_expect_no_args(argc, argv))
		return -1;
	printf("%-16s %10s  %-12s %10s  %-12s %10s\n", "CHANNEL", "SIZE", "END", "RINGS", "END", "RINGS");
	channel_for_each(print_channel, &count);
	return 0;
}
SHELL_COMMAND(chan_list, "chan", "list", "", "inter-guest channels: ends and doorbells rung", cmd_chan_list);
