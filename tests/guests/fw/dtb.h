/* What the firmware reads from the device tree it was booted with. */
#ifndef FW_DTB_H
#define FW_DTB_H

#include <stdint.h>

enum conduit { CONDUIT_HVC, CONDUIT_SMC };
enum gic_type { GIC_NONE, GIC_V2, GIC_V3 };

#define DTB_MAX_GICR_REGIONS 4
#define DTB_MAX_VIRTIO       32	/* QEMU virt has 32 virtio-mmio transports */
#define DTB_MAX_CHANNELS     4

/* The architected timer's interrupts (arm,armv8-timer "interrupts", in this order). */
enum timer_irq { TIMER_SEC_PHYS, TIMER_PHYS, TIMER_VIRT, TIMER_HYP, TIMER_IRQS };

/* A node compatible "virtio,mmio": its first reg and its first interrupt (0 if none). */
struct dtb_virtio {
	uint64_t base, size;
	unsigned int intid;
};

/* A node compatible "mantle,channel": the shared window, doorbell and names (in the DTB). */
struct dtb_channel {
	uint64_t base, size;
	unsigned int intid;
	const char *name;	/* mantle,channel, "" if absent */
	const char *peer;	/* mantle,peer, "" if absent */
	uint32_t index;		/* mantle,index: the hypercall's channel number */
};

struct platform {
	const void *fdt;	/* the DTB itself, NULL without one: for lookups of anything else */
	const char *model;	/* /model, else the first /compatible, else "unknown" */
	const char *bootargs;	/* /chosen bootargs, "" if absent */
	uintptr_t uart;		/* /chosen stdout-path, else the first arm,pl011 node */
	uint64_t ram_base, ram_end; /* the /memory range holding the firmware */
	enum conduit conduit;	/* /psci method */
	unsigned int ncpus;	/* cpu nodes under /cpus, at most FW_MAX_CPUS */
	uint64_t mpidr[8];	/* their reg values, in tree order */

	/*
	 * The interrupt controller: the first node compatible "arm,gic-v3"
	 * (distributor, then redistributor regions) or "arm,cortex-a15-gic" /
	 * "arm,gic-400" (distributor, CPU interface). GIC_NONE if there is none.
	 */
	enum gic_type gic;
	uint64_t gicd, gicd_size;
	uint64_t gicc, gicc_size;		/* GICv2 */
	unsigned int gicr_regions;		/* GICv3 */
	uint64_t gicr[DTB_MAX_GICR_REGIONS], gicr_size[DTB_MAX_GICR_REGIONS];
	uint64_t gicr_stride;			/* "redistributor-stride", 0 if absent */

	/* INTIDs of the timer's interrupts; the defaults of QEMU virt if there is no timer node. */
	unsigned int timer_intid[TIMER_IRQS];
	int timer_from_dtb;			/* whether a timer node gave them */

	/* virtio-mmio transports and inter-guest channels, in tree order (the first ones). */
	unsigned int nr_virtio;
	struct dtb_virtio virtio[DTB_MAX_VIRTIO];
	unsigned int nr_channels;
	struct dtb_channel channel[DTB_MAX_CHANNELS];
};

/* What dtb_parse found: read-only for everyone else. */
extern struct platform platform;

/*
 * Fills platform from the DTB (fdt may be NULL), with defaults for what is
 * missing; returns 0, or a libfdt error.
 */
int dtb_parse(const void *fdt);

#endif
