/* Helpers over libfdt for reading the host device tree. */
#ifndef MANTLE_DEVTREE_H
#define MANTLE_DEVTREE_H
#include <stdint.h>
#include <stdbool.h>

extern const void *host_fdt;

/* Checks the blob; false if libfdt rejects it. */
bool dt_init(const void *fdt);
/* reg entry idx of node, using the parent's #address-cells/#size-cells. */
bool dt_reg(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size);
/* interrupts entry idx of a node under a GIC: INTID (SPI+32, PPI+16) and trigger flags. */
bool dt_irq(const void *fdt, int node, int idx, uint32_t *intid, uint32_t *flags);
bool dt_node_enabled(const void *fdt, int node);
/* A 32- or 64-bit integer property. */
bool dt_u64(const void *fdt, int node, const char *prop, uint64_t *val);
/* Node /chosen's stdout-path resolves to, or -1. */
int dt_stdout_node(const void *fdt);

#define DT_IRQ_EDGE 1     /* flags: edge-triggered (else level) */

#endif
