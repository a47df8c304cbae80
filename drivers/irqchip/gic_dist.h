/*
 * What GICv2 and GICv3 share: the distributor's SPI registers have the same
 * layout in both, and GICv3's redistributor SGI frame repeats it for SGIs
 * and PPIs (as GICv2's banked first registers do).
 */
#ifndef DRIVERS_GIC_DIST_H
#define DRIVERS_GIC_DIST_H
#include <stdint.h>
#include <stdbool.h>

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IGROUPR    0x0080
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ICPENDR    0x0280
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR      0x0C00

#define GIC_DEFAULT_PRIO 0xA0

/* Read and map the node's first two reg regions (distributor, then CPU interface or redistributors). */
int gic_map_regions(const void *fdt, int node, uint64_t base[2], uint64_t size[2]);
/* Interrupt lines the distributor implements, capped at what Mantle tracks. */
unsigned gic_dist_lines(uintptr_t gicd);
/* SPIs: disabled, not pending, default priority, level-triggered; group 1 if asked. */
void gic_dist_reset_spis(uintptr_t gicd, unsigned nr_lines, bool group1);
/* The same for SGIs and PPIs through a banked frame (GICv2 GICD, GICv3 GICR SGI frame). */
void gic_reset_private(uintptr_t frame, bool group1);
void gic_enable_line(uintptr_t frame, uint32_t intid, bool enable);
void gic_set_trigger(uintptr_t gicd, uint32_t intid, bool edge);

#endif
