/* A guest's virtual GIC: the model, its lock and its guest-physical windows. */
#ifndef EMULATORS_VGIC_EMU_H
#define EMULATORS_VGIC_EMU_H
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <arch/spinlock.h>
#include "vgic.h"

/* Guest-physical layout: where QEMU virt has its GIC, so ordinary DTBs fit. */
#define VGIC_DIST_IPA    0x08000000ULL
#define VGIC_CPU_IPA     0x08010000ULL      /* GICv2 */
#define VGIC_REDIST_IPA  0x080A0000ULL      /* GICv3 */

/* The vCPUs' interrupt numbers for the generic timer (PPIs). */
#define VTIMER_INTID     27
#define PTIMER_INTID     30

struct guest;

struct guest_vgic {
	struct vgic model;
	spinlock_t lock;
	struct guest *guest;
};

int guest_vgic_create(struct guest *g, char *err, size_t errlen);
void guest_vgic_destroy(struct guest *g);
void guest_vgic_reset(struct guest *g);
void guest_vgic_set_line(struct guest *g, unsigned vcpu, uint32_t intid, bool level);
/* Latch intid pending whatever its trigger configuration: a doorbell. */
void guest_vgic_raise_edge(struct guest *g, unsigned vcpu, uint32_t intid);
bool guest_vgic_has_pending(struct guest *g, unsigned vcpu);
/* vgic_can_wake under the vGIC's lock: false without a vGIC. */
bool guest_vgic_can_wake(struct guest *g, unsigned vcpu, uint32_t silent_ppis);
void guest_vgic_sgi1r(struct guest *g, unsigned vcpu, uint64_t val);
unsigned guest_vgic_version(const struct guest *g);
/* Deliver the guest's passthrough interrupts as hardware-linked virtual ones. */
int guest_vgic_link_passthrough(struct guest *g, char *err, size_t errlen);
void guest_vgic_unlink_passthrough(struct guest *g);

#endif
