/*
 * The virtual GIC of one guest: interrupt state, the emulated distributor
 * (GICv2 or GICv3 layout) and GICv3 redistributors, and the exchange with
 * the hardware list registers through an arch-neutral struct vgic_lr.
 * Pure logic: no arch headers, host-tested.
 */
#ifndef EMULATORS_VGIC_H
#define EMULATORS_VGIC_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define VGIC_NR_IRQS     256           /* SGIs, PPIs and SPIs 32..255 */
#define VGIC_NR_PRIVATE  32
#define VGIC_MAX_VCPUS   8
#define VGIC_MAX_LRS     16

#define VGIC_DIST_SIZE   0x10000
#define VGIC_CPU_SIZE    0x2000        /* GICv2 CPU interface window */
#define VGIC_REDIST_STRIDE 0x20000     /* GICv3: RD_base + SGI_base frames per vCPU */

/* One interrupt as the guest sees it. */
struct vgic_irq {
	uint8_t priority;
	uint8_t group;
	uint8_t targets;          /* GICv2 ITARGETSR: vCPU mask */
	uint8_t sgi_sources;      /* GICv2 SGIs: pending, one bit per source vCPU */
	bool edge;                /* else level */
	bool enabled;
	bool latch;               /* edge or software pending */
	bool line;                /* level: the input's level */
	bool active;
	bool in_lr;               /* handed to a list register by the last flush */
	bool relatch;             /* latched again while in_lr: sync must not lose it */
	bool lr_pending;          /* the last flush handed it over as pending */
	uint8_t active_source;    /* GICv2 SGIs: the source vCPU of the active one */
	uint8_t sgi_relatch;      /* GICv2 SGIs: sources that sent again while in_lr */
	uint64_t route;           /* GICv3 IROUTER */
	uint32_t hw_intid;        /* hardware-linked: the host INTID the guest's deactivation deactivates */
};

struct vgic_vcpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	uint32_t waker;           /* GICR_WAKER (ProcessorSleep) */
	/*
	 * INTIDs that may be pending or active for this vCPU, a bit each: set
	 * by every change that can make one so (vgic_note), cleared by a flush
	 * that finds it is not. Flushes look at these instead of every INTID.
	 */
	uint64_t interest[VGIC_NR_IRQS / 64];
	/*
	 * Bumped by every vgic_note for this vCPU: a vCPU whose list registers
	 * are empty and whose count has not moved since its last flush would
	 * get nothing from another one.
	 */
	uint32_t notes;
};

/* A list register's contents, arch-neutral. */
enum { LR_PENDING = 1, LR_ACTIVE = 2 };
struct vgic_lr {
	uint32_t intid;
	uint8_t priority;
	uint8_t state;            /* LR_PENDING | LR_ACTIVE, 0 = empty */
	uint8_t group;
	uint8_t source;           /* GICv2 SGI source vCPU */
	bool eoi_notify;          /* ask for a maintenance interrupt on deactivation (level) */
	uint32_t pintid;          /* hardware-linked: physical INTID, 0 = none */
};

struct vgic {
	unsigned version;         /* 2 or 3 */
	unsigned nr_vcpus;
	uint32_t ctlr;            /* GICD_CTLR */
	struct vgic_irq spis[VGIC_NR_IRQS - VGIC_NR_PRIVATE];
	struct vgic_vcpu vcpus[VGIC_MAX_VCPUS];
	/* Called when vCPU idx has a new interrupt to take: wake it or make it exit. */
	void (*kick)(void *ctx, unsigned idx);
	void *kick_ctx;
};

void vgic_init(struct vgic *v, unsigned version, unsigned nr_vcpus,
	       void (*kick)(void *ctx, unsigned idx), void *kick_ctx);
/* Back to the reset state (guest reset). */
void vgic_reset(struct vgic *v);

/* A device's interrupt input. For a private interrupt, vcpu says whose. */
void vgic_set_line(struct vgic *v, unsigned vcpu, uint32_t intid, bool level);
/* Make a PPI/SPI pending as a message would, whatever its configured trigger (a doorbell). */
void vgic_raise_edge(struct vgic *v, unsigned vcpu, uint32_t intid);
/* Link an SPI to a host interrupt (0 unlinks): list registers carry the HW bit for it. */
void vgic_set_hw(struct vgic *v, uint32_t intid, uint32_t hw_intid);
/* The linked host interrupt fired (it stays active until the guest deactivates this one). */
void vgic_raise_hw(struct vgic *v, uint32_t intid);
/* A GICv2 SGI write (GICD_SGIR) or GICv3 ICC_SGI1R_EL1 value, sent by vCPU src. */
void vgic_v2_sgir(struct vgic *v, unsigned src, uint32_t val);
void vgic_v3_sgi1r(struct vgic *v, unsigned src, uint64_t val);

/*
 * Interrupt intid's state changed in a way that may make it pending or
 * active (vgic_update does this; a change that does not kick calls it).
 */
void vgic_note(struct vgic *v, unsigned vcpu, uint32_t intid);

/* Does vCPU idx have an interrupt pending and enabled (a reason to leave WFI)? */
bool vgic_has_pending(struct vgic *v, unsigned idx);

/*
 * Could an interrupt ever become deliverable to vCPU idx if no other vCPU
 * acts (nobody sends an SGI or changes the distributor)? An enabled PPI not
 * in silent_ppis (a bit per INTID: inputs that cannot fire, a disarmed
 * timer's), or an enabled SPI routed to it, with its group enabled.
 */
bool vgic_can_wake(struct vgic *v, unsigned idx, uint32_t silent_ppis);

/*
 * Fill up to nr list registers for vCPU idx: active interrupts first (their
 * deactivation must find them), then pending ones by priority. Returns the
 * count; *more is set when something pending did not fit.
 */
unsigned vgic_flush(struct vgic *v, unsigned idx, struct vgic_lr *lrs, unsigned nr, bool *more);
/* Read back what the guest did with the list registers flush filled. */
void vgic_sync(struct vgic *v, unsigned idx, const struct vgic_lr *lrs, unsigned n);

/* Register interfaces. offset is from the frame base; 0, or -1 for an access that aborts. */
int vgic_dist_read(struct vgic *v, unsigned vcpu, uint64_t offset, unsigned size, uint64_t *val);
/*
 * The identification registers (GICD_TYPER, IIDR, PIDR2), fixed once the
 * model exists: read without the model's lock. False, *val untouched, for
 * any other offset or size (vgic_dist_read then has the last word).
 */
bool vgic_dist_read_fixed(const struct vgic *v, uint64_t offset, unsigned size, uint64_t *val);
int vgic_dist_write(struct vgic *v, unsigned vcpu, uint64_t offset, unsigned size, uint64_t val);
/* GICv3 redistributor region: offset from the first vCPU's frame. */
int vgic_redist_read(struct vgic *v, uint64_t offset, unsigned size, uint64_t *val);
int vgic_redist_write(struct vgic *v, uint64_t offset, unsigned size, uint64_t val);

#endif
