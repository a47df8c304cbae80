/*
 * Mantle's virtual Ethernet switch. Guests' virtio-net devices (and,
 * later, host NICs) are ports; a switch learns which MAC address lives
 * behind which port from the frames it forwards, sends unicast to the port
 * that owns the destination and floods broadcast, multicast and unknown
 * destinations to every other port. Switches are made on first use, by name.
 */
#ifndef MANTLE_VSWITCH_H
#define MANTLE_VSWITCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <arch/spinlock.h>

#define VSWITCH_MAX             4       /* switches */
#define VSWITCH_NAME_MAX        16
#define VSWITCH_MAX_PORTS       16
#define VSWITCH_FDB_SIZE        64      /* learned addresses per switch; the least recently seen goes */
#define VSWITCH_PORT_NAME_MAX   48
#define VSWITCH_FRAME_MIN       14      /* an Ethernet header */
#define VSWITCH_FRAME_MAX       1522    /* 1500 bytes of payload, header, one VLAN tag; no FCS */

struct vswitch;

struct vswitch_port {
	char name[VSWITCH_PORT_NAME_MAX];    /* "linux0/net0" */
	/*
	 * A frame for this port. Called with the switch's lock held, from the
	 * sending port's thread: copy the frame and return; never block.
	 * 0 if taken, -1 if dropped (no room).
	 */
	int (*deliver)(struct vswitch_port *p, const void *frame, size_t len);
	void *ctx;
	/* Set by the switch. */
	struct vswitch *sw;
	/* Frames and bytes the port sent into the switch (tx) and was given (rx); drops on delivery. */
	uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes, rx_drops;
};

struct vswitch_fdb_entry {
	uint8_t mac[6];
	bool used;
	struct vswitch_port *port;
	uint64_t last_seen;       /* the switch's frame counter when last seen as a source */
};

struct vswitch {
	char name[VSWITCH_NAME_MAX];          /* "" = free slot */
	spinlock_t lock;
	unsigned nr_ports;
	struct vswitch_port *ports[VSWITCH_MAX_PORTS];
	struct vswitch_fdb_entry fdb[VSWITCH_FDB_SIZE];
	uint64_t frames;                      /* frames sent into the switch; the fdb's clock */
	uint64_t forwarded, flooded, dropped; /* dropped: malformed, or a unicast back to its sender */
};

/*
 * Attach p to the switch called name, making the switch if needed. 0, or -1
 * when the name is bad, no switch slot is free, or the switch has no free port.
 */
int vswitch_attach(const char *name, struct vswitch_port *p);
/* Detach p (forgetting the addresses learned on it); the switch goes with its last port. */
void vswitch_detach(struct vswitch_port *p);
/* p sends a frame into its switch. Malformed frames (too short or too long) are counted and dropped. */
void vswitch_send(struct vswitch_port *p, const void *frame, size_t len);

struct vswitch *vswitch_find(const char *name);
/* Visit every switch in use (under no lock: for the shell's snapshot). */
void vswitch_for_each(void (*fn)(struct vswitch *sw, void *arg), void *arg);

#endif
